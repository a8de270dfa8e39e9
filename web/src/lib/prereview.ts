// Material pre-review (issue 5) as the UI shows it beside each material:
// the one-line summary, the findings errors first in the reader's
// language, the pages to show as thumbnails with the regions and seals
// scaled from the page image the checks saw onto whatever size the
// thumbnail has, the fields read from the document, and how complete a
// requirement is. Pure and tested without a DOM; the server decides every
// finding, this only arranges them.
import type { Lang } from '@/api/http'
import type { Box, Finding, FindingSeverity, MaterialCheck, Material, PageInfo, PrereviewReport, Requirement } from '@/api/types'

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 }

function rank(s: FindingSeverity | string): number {
  return SEVERITY_RANK[s] ?? 3
}

/**
 * NOTE_CODES are findings the summary shows as a note of their own (text
 * recognition in progress or not available), so the list leaves them out.
 */
export const NOTE_CODES: ReadonlySet<string> = new Set(['ocr_pending', 'ocr_unavailable'])

/** SEAL_CODES are findings whose region is where a seal was expected and is not. */
export const SEAL_CODES: ReadonlySet<string> = new Set(['seal_missing', 'perforation_seal_missing'])

/**
 * sortFindings orders findings errors first, then warnings, then the rest;
 * within a severity whole-file findings come before page ones, pages in
 * order; otherwise the server's order is kept.
 */
export function sortFindings(findings: readonly Finding[] | null | undefined): Finding[] {
  return (findings ?? [])
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.severity) - rank(b.f.severity) || (a.f.page ?? 0) - (b.f.page ?? 0) || a.i - b.i)
    .map((x) => x.f)
}

/** listedFindings are the report's findings for the list: sorted, without the ones shown as notes. */
export function listedFindings(report: PrereviewReport | null | undefined): Finding[] {
  return sortFindings((report?.findings ?? []).filter((f) => !NOTE_CODES.has(f.code)))
}

/** findingMessage is a finding's message in lang, falling back to the other language. */
export function findingMessage(f: Pick<Finding, 'message' | 'message_en' | 'code'>, lang: Lang): string {
  return (lang === 'en' ? f.message_en || f.message : f.message || f.message_en) || f.code
}

/** severityTagType maps a severity to the Element Plus tag type. */
export function severityTagType(s: FindingSeverity | string): 'danger' | 'warning' | 'info' {
  return s === 'error' ? 'danger' : s === 'warning' ? 'warning' : 'info'
}

/**
 * SummaryKind: none (no check yet), checking, failed (the check could not
 * run), problems (errors or warnings), passed (every check ran and found
 * nothing), partial (nothing found, but the text checks are still running
 * or could not run — never shown as passed).
 */
export type SummaryKind = 'none' | 'checking' | 'failed' | 'problems' | 'passed' | 'partial'

/** OcrNote is what to say about the text checks beside the summary. */
export type OcrNote = 'pending' | 'unavailable' | 'failed' | null

export interface CheckSummary {
  kind: SummaryKind
  tag: 'success' | 'warning' | 'danger' | 'info'
  /** i18n key of the one-line summary, with its parameters */
  key: string
  params: Record<string, number>
  errors: number
  warnings: number
  ocr: OcrNote
}

function ocrNote(c: MaterialCheck): OcrNote {
  switch (c.ocr) {
    case 'pending':
      return 'pending'
    case 'unavailable':
      return 'unavailable'
    case 'failed':
      return 'failed'
  }
  return null
}

/**
 * checkSummary sums a check up. Errors and warnings are counted from the
 * listed findings when the report is there (so the number matches the
 * list), from the check's counters otherwise.
 */
export function checkSummary(c: MaterialCheck | null | undefined): CheckSummary {
  if (!c) return { kind: 'none', tag: 'info', key: 'prereview.summary.none', params: {}, errors: 0, warnings: 0, ocr: null }
  const ocr = c.status === 'checking' ? null : ocrNote(c)
  let errors = c.errors ?? 0
  let warnings = c.warnings ?? 0
  if (c.report?.findings) {
    const fs = listedFindings(c.report)
    errors = fs.filter((f) => f.severity === 'error').length
    warnings = fs.filter((f) => f.severity === 'warning').length
  }
  const base = { params: {}, errors, warnings, ocr }
  if (c.status === 'checking') return { ...base, kind: 'checking', tag: 'info', key: 'prereview.summary.checking' }
  if (c.status === 'failed') return { ...base, kind: 'failed', tag: 'warning', key: 'prereview.summary.failed' }
  const n = errors + warnings
  if (n > 0) return { ...base, kind: 'problems', tag: errors > 0 ? 'danger' : 'warning', key: 'prereview.summary.problems', params: { n } }
  if (ocr) return { ...base, kind: 'partial', tag: 'info', key: 'prereview.summary.partial' }
  return { ...base, kind: 'passed', tag: 'success', key: 'prereview.summary.passed' }
}

function time(s: string | undefined): number {
  const v = s ? Date.parse(s) : NaN
  return Number.isNaN(v) ? -Infinity : v
}

/**
 * STORED_PRECISION_MS is how far a stored check's time may fall behind the
 * same check as first answered (the database keeps milliseconds, or less).
 */
const STORED_PRECISION_MS = 1000

/**
 * freshestCheck picks between the check the page's data carries and one
 * this page got itself (a re-check): the re-check while the data is older,
 * the data once it has caught up (within STORED_PRECISION_MS), so that
 * polling takes over and brings the text checks.
 */
export function freshestCheck(fromData: MaterialCheck | null | undefined, local: MaterialCheck | null | undefined): MaterialCheck | undefined {
  if (!local) return fromData ?? undefined
  if (!fromData) return local
  return time(local.checked_at) - time(fromData.checked_at) > STORED_PRECISION_MS ? local : fromData
}

/**
 * latestVersion is the newer of the version the page's data shows and one
 * just uploaded (the upload answers before the page has reloaded).
 */
export function latestVersion(fromData: Material | null | undefined, uploaded: Material | null | undefined): Material | undefined {
  if (!uploaded) return fromData ?? undefined
  if (!fromData) return uploaded
  return uploaded.version > fromData.version ? uploaded : fromData
}

// --- pages and regions -------------------------------------------------------

export interface Size {
  width: number
  height: number
}

/** Rect is a box placed on a displayed image: left, top, width, height in its units. */
export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

/**
 * scaleBox maps a box in pixels of the page image (from) onto an image
 * shown at size to, ordering its corners and clipping it to the page;
 * null when the page size is unknown or the box lies outside the page.
 */
export function scaleBox(box: Box | null | undefined, from: Size | null | undefined, to: Size): Rect | null {
  if (!box || box.length !== 4 || !from || !(from.width > 0) || !(from.height > 0)) return null
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max)
  const x0 = clip(Math.min(box[0], box[2]), from.width)
  const x1 = clip(Math.max(box[0], box[2]), from.width)
  const y0 = clip(Math.min(box[1], box[3]), from.height)
  const y1 = clip(Math.max(box[1], box[3]), from.height)
  if (x1 <= x0 || y1 <= y0) return null
  const sx = to.width / from.width
  const sy = to.height / from.height
  return { left: x0 * sx, top: y0 * sy, width: (x1 - x0) * sx, height: (y1 - y0) * sy }
}

const round = (v: number) => Math.round(v * 1000) / 1000

/** overlayStyle places a box over the page image as percentages, so it follows the image at any size. */
export function overlayStyle(box: Box | null | undefined, page: Size | null | undefined): Record<string, string> | null {
  const r = scaleBox(box, page, { width: 100, height: 100 })
  if (!r) return null
  return { left: `${round(r.left)}%`, top: `${round(r.top)}%`, width: `${round(r.width)}%`, height: `${round(r.height)}%` }
}

/** A4 portrait: the shape of a page whose size the report does not give. */
export const DEFAULT_PAGE: Size = { width: 210, height: 297 }

/** thumbSize fits a page into maxWidth × maxHeight keeping its shape (whole pixels, at least 1). */
export function thumbSize(page: Size | null | undefined, maxWidth: number, maxHeight: number): Size {
  const p = page && page.width > 0 && page.height > 0 ? page : DEFAULT_PAGE
  const s = Math.min(maxWidth / p.width, maxHeight / p.height)
  return { width: Math.max(1, Math.round(p.width * s)), height: Math.max(1, Math.round(p.height * s)) }
}

/** OverlayKind: a finding's region by severity, a seal found (green), where a missing seal was expected (red dashed). */
export type OverlayKind = 'error' | 'warning' | 'info' | 'seal' | 'expected'

export interface Overlay {
  kind: OverlayKind
  box: Box
}

/** PageView is one page to show as a thumbnail: its findings and what to draw on it. */
export interface PageView {
  page: number
  info?: PageInfo
  findings: Finding[]
  overlays: Overlay[]
}

/**
 * pageViews lists the pages that have findings, in page order, each with
 * its findings (errors first), the seals found on it and the findings'
 * regions. A page the report gives no size for gets no overlays (nothing
 * to scale from).
 */
export function pageViews(report: PrereviewReport | null | undefined): PageView[] {
  if (!report) return []
  const byPage = new Map<number, Finding[]>()
  for (const f of listedFindings(report)) {
    if (!f.page || f.page < 1) continue
    const list = byPage.get(f.page) ?? []
    list.push(f)
    byPage.set(f.page, list)
  }
  const infos = new Map((report.page_info ?? []).map((p) => [p.page, p]))
  return [...byPage.keys()]
    .sort((a, b) => a - b)
    .map((page) => {
      const findings = byPage.get(page)!
      const info = infos.get(page)
      const overlays: Overlay[] = []
      if (info) {
        for (const s of report.seals ?? []) if (s.page === page && s.bbox) overlays.push({ kind: 'seal', box: s.bbox })
        for (const f of findings) {
          if (!f.region) continue
          overlays.push({ kind: SEAL_CODES.has(f.code) ? 'expected' : (['error', 'warning'].includes(f.severity) ? f.severity : 'info') as OverlayKind, box: f.region })
        }
      }
      return { page, info, findings, overlays }
    })
}

// --- fields ------------------------------------------------------------------

/** FieldRow is one line of the fields table; labelKey is null for a field the UI has no name for (shown by its key). */
export interface FieldRow {
  key: string
  labelKey: string | null
  value: string
}

const FIELD_ORDER = ['uscc', 'enterprise_name', 'legal_representative'] as const
const COMBINED = new Set(['valid_from', 'valid_until', 'amount', 'amount_text'])

/** formatAmount shows an amount in yuan with two decimals (¥1,234,000.00); text that is not a number stays as it is. */
export function formatAmount(v: string, lang: Lang): string {
  const s = v.trim().replace(/[,，\s]/g, '')
  const n = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN
  if (!Number.isFinite(n)) return v.trim()
  return '¥' + new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
}

/**
 * fieldRows turns the fields read from a document into table rows: credit
 * code, name, legal representative, validity (from – until) and amount
 * with its capital-numeral text (¥1,234.00（壹仟贰佰叁拾肆元整）), then any
 * other field by its key. Empty values are left out.
 */
export function fieldRows(fields: Record<string, string> | null | undefined, lang: Lang): FieldRow[] {
  const f: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (typeof v === 'string' && v.trim()) f[k] = v.trim()
  }
  const rows: FieldRow[] = []
  for (const k of FIELD_ORDER) if (f[k]) rows.push({ key: k, labelKey: `prereview.fields.${k}`, value: f[k] })
  if (f.valid_from || f.valid_until) {
    rows.push({ key: 'validity', labelKey: 'prereview.fields.validity', value: [f.valid_from ?? '', f.valid_until ?? ''].join(' – ').trim() })
  }
  if (f.amount || f.amount_text) {
    const num = f.amount ? formatAmount(f.amount, lang) : ''
    const text = f.amount_text ?? ''
    const value = num && text ? (lang === 'en' ? `${num} (${text})` : `${num}（${text}）`) : num || text
    rows.push({ key: 'amount', labelKey: 'prereview.fields.amount', value })
  }
  const known = new Set<string>(FIELD_ORDER)
  for (const k of Object.keys(f).sort()) {
    if (!known.has(k) && !COMBINED.has(k)) rows.push({ key: k, labelKey: null, value: f[k] })
  }
  return rows
}

// --- completeness --------------------------------------------------------------

/** Completeness of one requirement: on file, missing (required), rongque (required but may follow with the 容缺 commitment), optional (not required, not uploaded). */
export type Completeness = 'on_file' | 'missing' | 'rongque' | 'optional'

export function completeness(r: Pick<Requirement, 'required' | 'rongque_allowed' | 'uploaded'>, uploaded?: Material | null): Completeness {
  if (r.uploaded || uploaded) return 'on_file'
  if (!r.required) return 'optional'
  return r.rongque_allowed ? 'rongque' : 'missing'
}
