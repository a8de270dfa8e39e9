// Formatting of numbers, sizes and times for display, per language.
import type { Lang } from '@/api/http'

function locale(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'zh-CN'
}

export function formatNumber(v: number | null | undefined, lang: Lang, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(v)
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** formatDateTime shows an RFC 3339 time in the browser's zone: 2026-11-27 08:10. */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return '—'
  const d = new Date(s)
  if (Number.isNaN(d.getTime())) return s
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

export function formatDate(s: string | null | undefined): string {
  if (!s) return '—'
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : formatDateTime(s).slice(0, 10)
}

/** fileExtension is the lower-case extension of a file name, without the dot. */
export function fileExtension(name: string): string {
  const i = name.lastIndexOf('.')
  return i < 0 ? '' : name.slice(i + 1).toLowerCase()
}

/** acceptAttr turns material formats (pdf, jpg, …) into an <input accept> value. */
export function acceptAttr(formats: string[] | null | undefined): string {
  const exts = new Set<string>()
  for (const f of formats ?? []) {
    const e = f.toLowerCase().replace(/^\./, '')
    exts.add('.' + e)
    if (e === 'jpg') exts.add('.jpeg')
  }
  return [...exts].join(',')
}
