// notifyError shows an error once: ones an app-wide handler already dealt
// with (login redirect, conflict box, forbidden page) stay quiet.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { ApiError } from '@/api/http'
import { t } from '@/i18n'

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message) return e.message
  return t('common.unknownError')
}

export function notifyError(e: unknown): void {
  if (e instanceof ApiError && (e.handled || e.code === 'aborted')) return
  if (e instanceof DOMException && e.name === 'AbortError') return
  ElMessage.error({ message: errorMessage(e), grouping: true, showClose: true, duration: 6000 })
}
