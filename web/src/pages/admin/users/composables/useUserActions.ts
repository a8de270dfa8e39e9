// 停用 / 启用 an account from the list: confirm, PATCH /users/{id} with the
// version on screen, and put the server's answer in the list. A stale
// version (409) brings up the app's "reload" box (the list registers its
// reload with onConflictReload); other failures are said plainly.
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { adminApi } from '@/api/admin'
import { ApiError } from '@/api/http'
import type { User } from '@/api/types'
import { replaceUser } from '@/lib/admin'
import { errorMessage } from '@/lib/notify'

export function useUserActions(users: Ref<User[]>) {
  const { t } = useI18n()
  /** id of the account being changed, to show its button busy */
  const busy = ref('')

  async function toggleDisabled(u: User): Promise<void> {
    const disable = !u.disabled
    const params = { name: u.display_name, username: u.username }
    try {
      await ElMessageBox.confirm(t(disable ? 'account.manage.disableText' : 'account.manage.enableText', params), t(disable ? 'account.manage.disableTitle' : 'account.manage.enableTitle'), {
        type: disable ? 'warning' : 'info',
        confirmButtonText: t(disable ? 'account.manage.disableOk' : 'account.manage.enableOk'),
        cancelButtonText: t('common.cancel'),
        confirmButtonClass: disable ? 'el-button--danger' : undefined,
        closeOnClickModal: false,
      })
    } catch {
      return // cancelled
    }
    busy.value = u.id
    try {
      const next = await adminApi.setDisabled(u.id, disable, u.version)
      users.value = replaceUser(users.value, next)
      ElMessage.success({ message: t(next.disabled ? 'account.manage.disabledDone' : 'account.manage.enabledDone', { username: next.username }), grouping: true })
    } catch (e) {
      if (e instanceof ApiError && e.handled) return // 401 / 403 / 409: the app-wide reaction has it
      ElMessage.error({ message: t('account.manage.failed', { msg: errorMessage(e) }), grouping: true, showClose: true, duration: 6000 })
    } finally {
      busy.value = ''
    }
  }

  return { busy, toggleDisabled }
}
