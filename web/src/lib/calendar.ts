// The working-day calendar screen's logic: a year's month grids with the
// holidays and make-up working days (调休上班) marked, and the year file the
// administrator imports (the YAML of internal/calendar/holidays/*.yaml, or
// the JSON the API returns) read into the API's YearFile body. The server
// stays authoritative: it checks every rule again and names each problem.

/** CalendarEntry is one date of a year file. */
export interface CalendarEntry {
  date: string
  name?: string
}

/** YearFile is the body of GET/PUT /api/v1/calendar/years/{year} (internal/calendar.YearFile). */
export interface YearFile {
  year: number
  source?: string
  holidays: CalendarEntry[] | null
  workdays: CalendarEntry[] | null
}

export const MIN_YEAR = 2000
export const MAX_YEAR = 2100

/** DayKind: a plain working day, a weekend, a statutory holiday, or a weekend worked (调休上班). */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup'

export interface DayMark {
  kind: 'holiday' | 'makeup'
  name: string
}

export interface DayCell {
  /** YYYY-MM-DD */
  date: string
  day: number
  /** 0 Sunday … 6 Saturday */
  weekday: number
  inMonth: boolean
  kind: DayKind
  /** the festival, for holidays and make-up days */
  name: string
  today: boolean
}

export interface MonthGrid {
  year: number
  /** 1–12 */
  month: number
  /** rows of 7 cells, Monday first (the Chinese office week) */
  weeks: DayCell[][]
  holidays: number
  makeups: number
  workingDays: number
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** ymd writes a date as YYYY-MM-DD. */
export function ymd(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`
}

/** isRealDate reports whether s is YYYY-MM-DD naming a day that exists. */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12 || d < 1) return false
  return d <= daysInMonth(y, mo)
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** weekdayOf returns 0 (Sunday) … 6 (Saturday) of a YYYY-MM-DD date, in no time zone. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

/** dayNumber counts days since 1970-01-01 for a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y, m - 1, d) / 86400000
}

/** todayYMD is the browser's local date. */
export function todayYMD(now = new Date()): string {
  return ymd(now.getFullYear(), now.getMonth() + 1, now.getDate())
}

/** markIndex maps each listed date of a year to its mark. */
export function markIndex(yf: Pick<YearFile, 'holidays' | 'workdays'> | null | undefined): Map<string, DayMark> {
  const idx = new Map<string, DayMark>()
  for (const e of yf?.holidays ?? []) idx.set(e.date, { kind: 'holiday', name: e.name ?? '' })
  for (const e of yf?.workdays ?? []) idx.set(e.date, { kind: 'makeup', name: e.name ?? '' })
  return idx
}

/** dayKind says what a date is, given the year's marks. */
export function dayKind(date: string, marks: Map<string, DayMark>): DayKind {
  const mk = marks.get(date)
  if (mk) return mk.kind
  const wd = weekdayOf(date)
  return wd === 0 || wd === 6 ? 'weekend' : 'workday'
}

/** monthGrid builds one month, Monday-first, padded with the neighbouring months' days. */
export function monthGrid(year: number, month: number, marks: Map<string, DayMark>, today = ''): MonthGrid {
  const first = weekdayOf(ymd(year, month, 1))
  const lead = (first + 6) % 7 // days of the previous month before the 1st (Monday = 0)
  const n = daysInMonth(year, month)
  const rows = Math.ceil((lead + n) / 7)
  const weeks: DayCell[][] = []
  let holidays = 0
  let makeups = 0
  let workingDays = 0
  for (let r = 0; r < rows; r++) {
    const week: DayCell[] = []
    for (let c = 0; c < 7; c++) {
      const d = new Date(Date.UTC(year, month - 1, 1 - lead + r * 7 + c))
      const date = ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
      const inMonth = d.getUTCMonth() + 1 === month
      const kind = dayKind(date, marks)
      if (inMonth) {
        if (kind === 'holiday') holidays++
        if (kind === 'makeup') makeups++
        if (kind === 'workday' || kind === 'makeup') workingDays++
      }
      week.push({ date, day: d.getUTCDate(), weekday: d.getUTCDay(), inMonth, kind, name: marks.get(date)?.name ?? '', today: date === today })
    }
    weeks.push(week)
  }
  return { year, month, weeks, holidays, makeups, workingDays }
}

/** yearGrids builds the twelve months of a year. */
export function yearGrids(year: number, yf: YearFile | null | undefined, today = ''): MonthGrid[] {
  const marks = markIndex(yf)
  return Array.from({ length: 12 }, (_, i) => monthGrid(year, i + 1, marks, today))
}

export interface YearSummary {
  workingDays: number
  holidays: number
  /** holidays falling on Monday–Friday: the working days they take away */
  weekdayHolidays: number
  makeups: number
  /** festivals in date order with their first and last day off */
  festivals: { name: string; from: string; to: string; days: number; makeups: string[] }[]
}

/** summarize counts a year and groups its holidays by festival. */
export function summarize(year: number, yf: YearFile | null | undefined): YearSummary {
  const marks = markIndex(yf)
  let workingDays = 0
  for (let m = 1; m <= 12; m++) {
    for (let d = 1; d <= daysInMonth(year, m); d++) {
      const k = dayKind(ymd(year, m, d), marks)
      if (k === 'workday' || k === 'makeup') workingDays++
    }
  }
  const hol = [...(yf?.holidays ?? [])].sort((a, b) => a.date.localeCompare(b.date))
  const festivals: YearSummary['festivals'] = []
  for (const h of hol) {
    const name = h.name ?? ''
    const last = festivals[festivals.length - 1]
    if (last && last.name === name && dayNumber(h.date) - dayNumber(last.to) <= 2) {
      last.to = h.date
      last.days++
    } else {
      festivals.push({ name, from: h.date, to: h.date, days: 1, makeups: [] })
    }
  }
  for (const w of [...(yf?.workdays ?? [])].sort((a, b) => a.date.localeCompare(b.date))) {
    // The run of the same festival nearest in time (元旦 may open and close a year).
    const dist = (f: YearSummary['festivals'][number]) => Math.min(Math.abs(dayNumber(f.from) - dayNumber(w.date)), Math.abs(dayNumber(f.to) - dayNumber(w.date)))
    const same = festivals.filter((x) => x.name === (w.name ?? '')).sort((a, b) => dist(a) - dist(b))
    if (same.length) same[0].makeups.push(w.date)
  }
  const weekdayHolidays = hol.filter((h) => {
    const wd = weekdayOf(h.date)
    return wd >= 1 && wd <= 5
  }).length
  return { workingDays, holidays: hol.length, weekdayHolidays, makeups: yf?.workdays?.length ?? 0, festivals }
}

// --- the year file ------------------------------------------------------------

/** ParseProblem is an i18n key under "admin.calendar.parse." with its line (1-based, 0 = whole text). */
export interface ParseProblem {
  line: number
  key: string
  params?: Record<string, string | number>
}

export interface ParsedYear {
  file: YearFile | null
  problems: ParseProblem[]
  /** the line each entry starts on, by field path ("holidays[3]"), to place the server's field errors */
  lines: Record<string, number>
}

const TOP_KEYS = ['year', 'source', 'holidays', 'workdays']
const ENTRY_KEYS = ['date', 'name']

/** stripComment drops a YAML comment (" #…" or a line starting with #) outside quotes. */
export function stripComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).trimEnd()
    }
  }
  return line.trimEnd()
}

function unquote(v: string): string {
  const s = v.trim()
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) return s.slice(1, -1)
  return s
}

/** splitFlow splits "date: 2025-01-01, name: 元旦" on commas outside quotes. */
function splitFlow(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote = ''
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = ''
      cur += c
    } else if (c === '"' || c === "'") {
      quote = c
      cur += c
    } else if (c === ',') {
      out.push(cur)
      cur = ''
    } else {
      cur += c
    }
  }
  if (cur.trim()) out.push(cur)
  return out
}

function keyValue(s: string): [string, string] | null {
  const i = s.indexOf(':')
  if (i <= 0) return null
  return [s.slice(0, i).trim(), s.slice(i + 1).trim()]
}

/**
 * parseYearText reads a year file as the server's import takes it: JSON (the
 * API's and `tongban calendar show`'s shape) or the YAML of the bundled files,
 *
 *	year: 2027
 *	source: 国务院办公厅关于2027年部分节假日安排的通知
 *	holidays:
 *	  - {date: 2027-10-01, name: 国庆节}
 *	workdays:
 *	  - date: 2027-09-26
 *	    name: 国庆节
 *
 * It checks the shape and that dates are real YYYY-MM-DD; the calendar rules
 * (a date in the year, no duplicates, make-up days on weekends, …) are left to
 * the server, whose field errors come back by entry ("holidays[3].date") and
 * are placed on a line with `lines`.
 */
export function parseYearText(text: string): ParsedYear {
  const src = text.replace(/^\uFEFF/, '')
  if (!src.trim()) return { file: null, problems: [{ line: 0, key: 'empty' }], lines: {} }
  if (src.trim().startsWith('{')) return parseYearJSON(src)
  return parseYearYAML(src)
}

function parseYearJSON(src: string): ParsedYear {
  let v: unknown
  try {
    v = JSON.parse(src)
  } catch (e) {
    return { file: null, problems: [{ line: 0, key: 'json', params: { msg: e instanceof Error ? e.message : String(e) } }], lines: {} }
  }
  const problems: ParseProblem[] = []
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { file: null, problems: [{ line: 0, key: 'shape' }], lines: {} }
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) problems.push({ line: 0, key: 'unknownKey', params: { key: k, known: TOP_KEYS.join(', ') } })
  const year = typeof o.year === 'number' && Number.isInteger(o.year) ? o.year : 0
  if (!year) problems.push({ line: 0, key: 'yearMissing' })
  const list = (name: 'holidays' | 'workdays'): CalendarEntry[] => {
    const raw = o[name]
    if (raw === undefined || raw === null) return []
    if (!Array.isArray(raw)) {
      problems.push({ line: 0, key: 'notList', params: { key: name } })
      return []
    }
    return raw.map((e, i) => {
      const ent = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>
      for (const k of Object.keys(ent)) if (!ENTRY_KEYS.includes(k)) problems.push({ line: 0, key: 'unknownEntryKey', params: { list: name, n: i + 1, key: k } })
      const date = typeof ent.date === 'string' ? ent.date.trim() : ''
      if (date && !isRealDate(date)) problems.push({ line: 0, key: 'date', params: { list: name, n: i + 1, date } })
      const out: CalendarEntry = { date }
      if (typeof ent.name === 'string') out.name = ent.name
      return out
    })
  }
  const file: YearFile = { year, holidays: list('holidays'), workdays: list('workdays') }
  if (typeof o.source === 'string' && o.source.trim()) file.source = o.source.trim()
  return { file: problems.length ? null : file, problems, lines: {} }
}

function parseYearYAML(src: string): ParsedYear {
  const problems: ParseProblem[] = []
  const lines: Record<string, number> = {}
  const file: YearFile = { year: 0, holidays: [], workdays: [] }
  const seenTop = new Set<string>()
  let list: 'holidays' | 'workdays' | null = null
  let entry: CalendarEntry | null = null
  let entryIndent = -1
  const rows = src.split(/\r?\n/)
  for (let i = 0; i < rows.length; i++) {
    const ln = i + 1
    const raw = stripComment(rows[i].replace(/\t/g, '  '))
    if (!raw.trim()) continue
    if (raw.trim() === '---' && !seenTop.size) continue
    const indent = raw.length - raw.trimStart().length
    const body = raw.trim()

    if (indent === 0) {
      entry = null
      list = null
      const kv = keyValue(body)
      if (!kv) {
        problems.push({ line: ln, key: 'syntax', params: { text: body } })
        continue
      }
      const [k, v] = kv
      if (!TOP_KEYS.includes(k)) {
        problems.push({ line: ln, key: 'unknownKey', params: { key: k, known: TOP_KEYS.join(', ') } })
        continue
      }
      if (seenTop.has(k)) {
        problems.push({ line: ln, key: 'duplicateKey', params: { key: k } })
        continue
      }
      seenTop.add(k)
      if (k === 'year') {
        const y = unquote(v)
        if (!/^\d{4}$/.test(y)) problems.push({ line: ln, key: 'yearNumber', params: { text: v } })
        else file.year = Number(y)
      } else if (k === 'source') {
        if (unquote(v)) file.source = unquote(v)
      } else if (v && v !== '[]') {
        problems.push({ line: ln, key: 'listExpected', params: { key: k } })
      } else {
        list = k as 'holidays' | 'workdays'
      }
      continue
    }

    if (body.startsWith('- ') || body === '-') {
      if (!list) {
        problems.push({ line: ln, key: 'entryOutside' })
        continue
      }
      const arr = file[list]!
      entry = { date: '' }
      entryIndent = indent + 2
      lines[`${list}[${arr.length}]`] = ln
      arr.push(entry)
      const rest = body.slice(1).trim()
      if (rest.startsWith('{')) {
        if (!rest.endsWith('}')) {
          problems.push({ line: ln, key: 'syntax', params: { text: body } })
          continue
        }
        for (const part of splitFlow(rest.slice(1, -1))) {
          if (!applyEntryKey(entry, part, list, arr.length, ln, problems)) break
        }
        entry = null
      } else if (rest) {
        applyEntryKey(entry, rest, list, arr.length, ln, problems)
      }
      continue
    }

    // A continuation line of a block-style entry: "    name: 国庆节".
    if (entry && list && indent >= entryIndent) {
      applyEntryKey(entry, body, list, file[list]!.length, ln, problems)
      continue
    }
    problems.push({ line: ln, key: 'syntax', params: { text: body } })
  }
  if (!seenTop.has('year')) problems.push({ line: 0, key: 'yearMissing' })
  for (const l of ['holidays', 'workdays'] as const) {
    file[l]!.forEach((e, i) => {
      if (!e.date) problems.push({ line: lines[`${l}[${i}]`] ?? 0, key: 'dateMissing', params: { list: l, n: i + 1 } })
    })
  }
  return { file: problems.length ? null : file, problems: problems.sort((a, b) => a.line - b.line), lines }
}

function applyEntryKey(entry: CalendarEntry, part: string, list: string, n: number, ln: number, problems: ParseProblem[]): boolean {
  const kv = keyValue(part)
  if (!kv) {
    problems.push({ line: ln, key: 'syntax', params: { text: part.trim() } })
    return false
  }
  const [k, v] = kv
  if (!ENTRY_KEYS.includes(k)) {
    problems.push({ line: ln, key: 'unknownEntryKey', params: { list, n, key: k } })
    return false
  }
  const val = unquote(v)
  if (k === 'date') {
    if (!isRealDate(val)) problems.push({ line: ln, key: 'date', params: { list, n, date: val } })
    entry.date = val
  } else if (val) {
    entry.name = val
  }
  return true
}

const WEEKDAY_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']

/** yearToYAML writes a year in the bundled files' format, a weekday comment on each date. */
export function yearToYAML(yf: YearFile): string {
  const q = (s: string) => (/[:#,{}[\]'"&*!|>%@`]/.test(s) || s !== s.trim() ? JSON.stringify(s) : s)
  const out: string[] = [`year: ${yf.year}`]
  if (yf.source) out.push(`source: ${q(yf.source)}`)
  for (const l of ['holidays', 'workdays'] as const) {
    const es = [...(yf[l] ?? [])].sort((a, b) => a.date.localeCompare(b.date))
    if (!es.length) {
      out.push(`${l}: []`)
      continue
    }
    out.push(`${l}:`)
    for (const e of es) {
      const name = e.name ? `, name: ${q(e.name)}` : ''
      out.push(`  - {date: ${e.date}${name}}  # ${isRealDate(e.date) ? WEEKDAY_ZH[weekdayOf(e.date)] : ''}`.trimEnd())
    }
  }
  return out.join('\n') + '\n'
}

/** yearTemplate is the starting text for a year with no data yet. */
export function yearTemplate(year: number): string {
  return [
    `year: ${year}`,
    `source: 国务院办公厅关于${year}年部分节假日安排的通知`,
    'holidays:',
    `  - {date: ${year}-01-01, name: 元旦}`,
    'workdays: []',
    '',
  ].join('\n')
}

/** entryLine finds the text line of a server field error such as "holidays[3].date". */
export function entryLine(field: string, lines: Record<string, number>): number {
  const m = /^(holidays|workdays)\[(\d+)\]/.exec(field)
  return m ? (lines[`${m[1]}[${m[2]}]`] ?? 0) : 0
}
