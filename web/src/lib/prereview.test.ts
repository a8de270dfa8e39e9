import { describe, expect, it } from 'vitest'
import type { Finding, Material, MaterialCheck, PrereviewReport } from '@/api/types'
import zhCN from '@/i18n/locales/zh-CN'
import en from '@/i18n/locales/en'
import {
  checkSummary,
  completeness,
  fieldRows,
  findingMessage,
  formatAmount,
  freshestCheck,
  latestVersion,
  listedFindings,
  overlayStyle,
  pageViews,
  scaleBox,
  severityTagType,
  sortFindings,
  thumbSize,
} from './prereview'

const f = (code: string, severity: Finding['severity'], page?: number, extra: Partial<Finding> = {}): Finding => ({
  code,
  severity,
  page,
  message: `${code}（中文）`,
  message_en: `${code} (English)`,
  ...extra,
})

function report(over: Partial<PrereviewReport> = {}): PrereviewReport {
  return { file: 'a.pdf', type: 'pdf', pages: 3, findings: [], seals: [], fields: {}, page_info: [], ocr: 'done', ...over }
}

function check(over: Partial<MaterialCheck> = {}, rep: Partial<PrereviewReport> | null = {}): MaterialCheck {
  return { status: 'done', ocr: 'done', errors: 0, warnings: 0, checked_at: '2026-11-27T08:10:00Z', report: rep === null ? null : report(rep), ...over }
}

/** msg renders an i18n key the way vue-i18n does for plain {name} placeholders. */
function msg(lang: 'zh-CN' | 'en', key: string, params: Record<string, unknown> = {}): string {
  let v: unknown = lang === 'en' ? en : zhCN
  for (const k of key.split('.')) v = (v as Record<string, unknown>)[k]
  if (typeof v !== 'string') throw new Error(`no message ${key} in ${lang}`)
  return v.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]))
}

describe('sortFindings', () => {
  it('puts errors first, then warnings, then notes; whole-file before pages; pages in order; else stable', () => {
    const got = sortFindings([
      f('blank_page', 'warning', 3),
      f('ocr_unavailable', 'info'),
      f('perforation_seal_missing', 'error', 2),
      f('seal_missing', 'error', 3),
      f('expired', 'error'),
      f('low_resolution', 'warning', 1),
      f('uscc_invalid', 'error', 2),
      f('odd', 'fatal' as Finding['severity']),
    ])
    expect(got.map((x) => `${x.code}@${x.page ?? 0}`)).toEqual([
      'expired@0',
      'perforation_seal_missing@2',
      'uscc_invalid@2',
      'seal_missing@3',
      'low_resolution@1',
      'blank_page@3',
      'ocr_unavailable@0',
      'odd@0',
    ])
  })

  it('copes with no findings and does not change its input', () => {
    expect(sortFindings(null)).toEqual([])
    const input = [f('a', 'info'), f('b', 'error')]
    sortFindings(input)
    expect(input.map((x) => x.code)).toEqual(['a', 'b'])
  })

  it('leaves the OCR notes out of the list', () => {
    const r = report({ findings: [f('ocr_pending', 'info'), f('ocr_unavailable', 'info'), f('seal_missing', 'error', 1), f('rongque_allowed', 'info')] })
    expect(listedFindings(r).map((x) => x.code)).toEqual(['seal_missing', 'rongque_allowed'])
    expect(listedFindings(null)).toEqual([])
  })
})

describe('findingMessage and severityTagType', () => {
  it('speaks the reader’s language, falling back to the other one, then to the code', () => {
    const x = f('expired', 'error')
    expect(findingMessage(x, 'zh-CN')).toBe('expired（中文）')
    expect(findingMessage(x, 'en')).toBe('expired (English)')
    expect(findingMessage({ ...x, message_en: '' }, 'en')).toBe('expired（中文）')
    expect(findingMessage({ ...x, message: '' }, 'zh-CN')).toBe('expired (English)')
    expect(findingMessage({ code: 'x', message: '', message_en: '' }, 'en')).toBe('x')
  })
  it('maps severities to tag types', () => {
    expect(['error', 'warning', 'info', 'other'].map(severityTagType)).toEqual(['danger', 'warning', 'info', 'info'])
  })
})

describe('checkSummary', () => {
  const text = (c: MaterialCheck | undefined, lang: 'zh-CN' | 'en' = 'zh-CN') => {
    const s = checkSummary(c)
    return msg(lang, s.key, s.params)
  }

  it('says not checked, checking, and could not finish', () => {
    expect(checkSummary(undefined)).toMatchObject({ kind: 'none', tag: 'info', ocr: null })
    expect(text(undefined)).toBe('尚未预审')
    expect(checkSummary(check({ status: 'checking', ocr: 'pending' }, null))).toMatchObject({ kind: 'checking', ocr: null })
    expect(text(check({ status: 'checking' }, null))).toBe('检查中…')
    expect(text(check({ status: 'checking' }, null), 'en')).toBe('Checking…')
    expect(checkSummary(check({ status: 'failed' }))).toMatchObject({ kind: 'failed', tag: 'warning' })
  })

  it('passes only when every check ran', () => {
    expect(checkSummary(check())).toMatchObject({ kind: 'passed', tag: 'success', ocr: null })
    expect(text(check())).toBe('预审通过')
    expect(checkSummary(check({ ocr: 'skipped' })).kind).toBe('passed')
    for (const ocr of ['pending', 'unavailable', 'failed'] as const) {
      const s = checkSummary(check({ ocr }, { findings: [f(`ocr_${ocr}`, 'info')] }))
      expect(s).toMatchObject({ kind: 'partial', tag: 'info', ocr })
      expect(msg('zh-CN', s.key)).not.toContain('通过')
      expect(msg('en', s.key)).not.toMatch(/pass/i)
    }
  })

  it('counts the listed errors and warnings, so the number matches the list', () => {
    const c = check({ errors: 9, warnings: 9, ocr: 'pending' }, { findings: [f('seal_missing', 'error', 2), f('blank_page', 'warning', 3), f('ocr_pending', 'info'), f('rongque_allowed', 'info')] })
    expect(checkSummary(c)).toMatchObject({ kind: 'problems', tag: 'danger', errors: 1, warnings: 1, params: { n: 2 }, ocr: 'pending' })
    expect(text(c)).toBe('2 个问题')
    expect(text(c, 'en')).toBe('2 problem(s)')
    expect(checkSummary(check({}, { findings: [f('blank_page', 'warning', 1)] }))).toMatchObject({ kind: 'problems', tag: 'warning' })
  })

  it('uses the counters when the report is not there', () => {
    expect(checkSummary(check({ errors: 2, warnings: 1 }, null))).toMatchObject({ kind: 'problems', params: { n: 3 } })
    expect(checkSummary(check({ errors: 0, warnings: 0 }, null)).kind).toBe('passed')
  })
})

describe('freshestCheck and latestVersion', () => {
  const older = check({ checked_at: '2026-11-27T08:10:00Z', ocr: 'done' })
  const newer = check({ checked_at: '2026-11-27T08:11:00Z', ocr: 'pending' })
  it('keeps a re-check until the page’s data catches up', () => {
    expect(freshestCheck(older, newer)).toBe(newer)
    expect(freshestCheck(newer, older)).toBe(newer)
    const caughtUp = { ...newer, ocr: 'done' }
    expect(freshestCheck(caughtUp, newer)).toBe(caughtUp)
    expect(freshestCheck(undefined, newer)).toBe(newer)
    expect(freshestCheck(older, null)).toBe(older)
    expect(freshestCheck(null, null)).toBeUndefined()
    expect(freshestCheck(older, { ...newer, checked_at: 'garbage' })).toBe(older)
    // The stored time may lose sub-second precision: that is the same check.
    const answered = { ...newer, checked_at: '2026-11-27T08:11:00.987654321Z' }
    const stored = { ...newer, checked_at: '2026-11-27T08:11:00Z', ocr: 'done' }
    expect(freshestCheck(stored, answered)).toBe(stored)
  })
  it('shows a just-uploaded version until the reload brings it', () => {
    const m = (version: number) => ({ id: `m${version}`, version }) as Material
    expect(latestVersion(m(1), m(2))?.id).toBe('m2')
    expect(latestVersion(m(2), m(2))?.id).toBe('m2')
    expect(latestVersion(m(3), m(2))?.id).toBe('m3')
    expect(latestVersion(undefined, m(1))?.id).toBe('m1')
    expect(latestVersion(m(1), undefined)?.id).toBe('m1')
  })
})

describe('region scaling', () => {
  const page = { width: 1240, height: 1754 }
  it('scales a box from the page image onto the thumbnail', () => {
    const r = scaleBox([124, 175.4, 620, 877], page, { width: 124, height: 175.4 })!
    for (const [k, v] of Object.entries({ left: 12.4, top: 17.54, width: 49.6, height: 70.16 })) expect(r[k as keyof typeof r]).toBeCloseTo(v, 9)
    expect(scaleBox([0, 0, 1240, 1754], page, { width: 100, height: 200 })).toEqual({ left: 0, top: 0, width: 100, height: 200 })
  })
  it('orders corners, clips to the page, and gives up on what it cannot place', () => {
    expect(scaleBox([620, 877, 124, 175.4], page, page)).toEqual({ left: 124, top: 175.4, width: 496, height: 701.6 })
    expect(scaleBox([-50, -50, 100, 100], page, page)).toEqual({ left: 0, top: 0, width: 100, height: 100 })
    expect(scaleBox([1200, 1700, 1400, 1900], page, page)).toEqual({ left: 1200, top: 1700, width: 40, height: 54 })
    expect(scaleBox([2000, 2000, 2100, 2100], page, page)).toBeNull()
    expect(scaleBox([10, 10, 10, 20], page, page)).toBeNull()
    expect(scaleBox([10, 10, 20, 20], { width: 0, height: 100 }, page)).toBeNull()
    expect(scaleBox([10, 10, 20, 20], undefined, page)).toBeNull()
    expect(scaleBox(undefined, page, page)).toBeNull()
  })
  it('places overlays in percent of the page so they follow any displayed size', () => {
    expect(overlayStyle([310, 438.5, 930, 1754], page)).toEqual({ left: '25%', top: '25%', width: '50%', height: '75%' })
    expect(overlayStyle([1, 1, 2, 2], { width: 3, height: 3 })).toEqual({ left: '33.333%', top: '33.333%', width: '33.333%', height: '33.333%' })
    expect(overlayStyle([1, 1, 2, 2], undefined)).toBeNull()
  })
  it('fits a thumbnail keeping the page’s shape; A4 when unknown', () => {
    expect(thumbSize(page, 96, 136)).toEqual({ width: 96, height: 136 })
    expect(thumbSize({ width: 1754, height: 1240 }, 96, 136)).toEqual({ width: 96, height: 68 })
    expect(thumbSize(undefined, 100, 1000)).toEqual({ width: 100, height: 141 })
    expect(thumbSize({ width: 50000, height: 1 }, 96, 136)).toEqual({ width: 96, height: 1 })
  })
})

describe('pageViews', () => {
  it('lists the pages with findings, with seals green and missing seals where expected', () => {
    const r = report({
      pages: 4,
      findings: [
        f('perforation_seal_missing', 'error', 3, { region: [1180, 700, 1240, 1000] }),
        f('blank_page', 'warning', 4),
        f('low_resolution', 'warning', 1, { region: [0, 0, 10, 10] }),
        f('expired', 'error'),
        f('uscc_invalid', 'error', 1, { region: [100, 200, 400, 240] }),
        f('ocr_pending', 'info', 2),
      ],
      seals: [
        { page: 1, bbox: [1190, 700, 1240, 1000], kind: 'perforation-slice', edge: 'right' },
        { page: 1, bbox: [800, 1300, 1100, 1600], kind: 'round' },
        { page: 2, bbox: [1190, 700, 1240, 1000], kind: 'perforation-slice', edge: 'right' },
      ],
      page_info: [1, 2, 3].map((p) => ({ page: p, width: 1240, height: 1754, dpi: 150, blank: false })),
    })
    const got = pageViews(r)
    expect(got.map((v) => v.page)).toEqual([1, 3, 4])
    expect(got[0].findings.map((x) => x.code)).toEqual(['uscc_invalid', 'low_resolution'])
    expect(got[0].overlays).toEqual([
      { kind: 'seal', box: [1190, 700, 1240, 1000] },
      { kind: 'seal', box: [800, 1300, 1100, 1600] },
      { kind: 'error', box: [100, 200, 400, 240] },
      { kind: 'warning', box: [0, 0, 10, 10] },
    ])
    expect(got[1].overlays).toEqual([{ kind: 'expected', box: [1180, 700, 1240, 1000] }])
    // No size for page 4: nothing to scale from, so no overlays (the thumbnail still shows).
    expect(got[2]).toMatchObject({ page: 4, info: undefined, overlays: [] })
  })
  it('gives nothing without a report or page findings', () => {
    expect(pageViews(null)).toEqual([])
    expect(pageViews(report({ findings: [f('corrupt_file', 'error')] }))).toEqual([])
  })
})

describe('fieldRows', () => {
  const label = (lang: 'zh-CN' | 'en', rows: ReturnType<typeof fieldRows>) => rows.map((r) => (r.labelKey ? msg(lang, r.labelKey) : r.key))

  it('orders and labels the fields, combining validity and the amount with its capital numerals', () => {
    const rows = fieldRows(
      {
        amount_text: '壹佰贰拾叁万肆仟元整',
        valid_until: '2041-02-28',
        uscc: '91350100M000100Y43',
        extra_note: '  x ',
        amount: '1234000',
        legal_representative: '张三',
        valid_from: '2021-03-01',
        enterprise_name: '福州市通办建设有限公司',
        empty: '  ',
      },
      'zh-CN',
    )
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['uscc', '91350100M000100Y43'],
      ['enterprise_name', '福州市通办建设有限公司'],
      ['legal_representative', '张三'],
      ['validity', '2021-03-01 – 2041-02-28'],
      ['amount', '¥1,234,000.00（壹佰贰拾叁万肆仟元整）'],
      ['extra_note', 'x'],
    ])
    expect(label('zh-CN', rows)).toEqual(['统一社会信用代码', '名称', '法定代表人', '有效期', '金额', 'extra_note'])
    expect(label('en', rows)).toEqual(['Unified social credit code', 'Name', 'Legal representative', 'Valid', 'Amount', 'extra_note'])
  })

  it('shows half a validity, an amount alone or its text alone', () => {
    expect(fieldRows({ valid_until: '长期' }, 'zh-CN')).toEqual([{ key: 'validity', labelKey: 'prereview.fields.validity', value: '– 长期' }])
    expect(fieldRows({ valid_from: '2021-03-01' }, 'zh-CN')[0].value).toBe('2021-03-01 –')
    expect(fieldRows({ amount: '98.5' }, 'en')[0].value).toBe('¥98.50')
    expect(fieldRows({ amount: '1,000', amount_text: '壹仟元整' }, 'en')[0].value).toBe('¥1,000.00 (壹仟元整)')
    expect(fieldRows({ amount_text: '壹仟元整' }, 'zh-CN')[0].value).toBe('壹仟元整')
    expect(fieldRows(null, 'zh-CN')).toEqual([])
  })

  it('keeps an amount it cannot read as it is', () => {
    expect(formatAmount('约一千', 'zh-CN')).toBe('约一千')
    expect(formatAmount(' 1234.567 ', 'zh-CN')).toBe('¥1,234.57')
  })
})

describe('completeness', () => {
  const r = (required: boolean, rongque_allowed: boolean, uploaded?: Material) => ({ required, rongque_allowed, uploaded })
  it('tells missing, 容缺 and optional apart', () => {
    expect(completeness(r(true, false))).toBe('missing')
    expect(completeness(r(true, true))).toBe('rongque')
    expect(completeness(r(false, true))).toBe('optional')
    expect(completeness(r(true, false, { id: 'm' } as Material))).toBe('on_file')
    expect(completeness(r(true, false), { id: 'just-uploaded' } as Material)).toBe('on_file')
  })
})

describe('messages', () => {
  it('has every key the pre-review uses in both languages', () => {
    const keys = [
      'prereview.summary.none',
      'prereview.summary.checking',
      'prereview.summary.failed',
      'prereview.summary.passed',
      'prereview.summary.partial',
      'prereview.summary.problems',
      'prereview.ocrPending',
      'prereview.ocrUnavailable',
      'prereview.ocrFailed',
      'prereview.severity.error',
      'prereview.severity.warning',
      'prereview.severity.info',
      'prereview.page',
    ]
    for (const lang of ['zh-CN', 'en'] as const) for (const k of keys) expect(msg(lang, k, { n: 1 })).not.toBe('')
    expect(msg('zh-CN', 'prereview.page', { n: 3 })).toBe('第 3 页')
    expect(msg('zh-CN', 'prereview.ocrUnavailable')).toContain('不代表已通过')
  })
})
