// 审批地图 data shaping: one project's map as Gantt rows and bars with its
// limits placed at the dates the server counted (its working-day calendar
// is the only one: no day counting here), the city's durations as chart
// series, and the statistics period. Pure, so it is tested without a DOM
// or a chart.
import type { DurationGroup, MapSegment, MapStage, MapTask, ProjectMap } from '@/api/map'

// --- dates ------------------------------------------------------------------

const DAY_MS = 86_400_000
/** The city's offset from UTC: Asia/Shanghai, no daylight saving since 1991. */
const CITY_OFFSET_MS = 8 * 3_600_000

/** dayNum is the days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNum(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS)
}

/** fromDayNum is the YYYY-MM-DD date of a day number. */
export function fromDayNum(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10)
}

/** addDays moves a YYYY-MM-DD date by n natural days. */
export function addDays(date: string, n: number): string {
  return fromDayNum(dayNum(date) + n)
}

/** dateOf is the date of an instant in the city's time zone (17:00 UTC is the next day in Xiamen). */
export function dateOf(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso)
  return new Date(ms + CITY_OFFSET_MS).toISOString().slice(0, 10)
}

/** startOfDay is the instant (ms) a city date begins. */
export function startOfDay(date: string): number {
  return dayNum(date) * DAY_MS - CITY_OFFSET_MS
}

export type Unit = 'WD' | 'ND'

export function unitOf(u: string | undefined): Unit {
  return u === 'ND' ? 'ND' : 'WD'
}

// --- limits -------------------------------------------------------------------

/** limitAt is the instant a limit whose last day is due runs out: the start of the next day. */
export function limitAt(due: string): number {
  return startOfDay(addDays(due, 1))
}

export interface LimitPoint {
  /** Last day within the limit (the server's `due`). */
  due: string
  /** The instant the limit runs out: the start of the day after due. */
  at: number
  /**
   * reached: the working time got there. Otherwise it is where the limit
   * runs out if the clock keeps running (a task at work now) or where it
   * would have (a task concluded within it).
   */
  reached: boolean
}

/**
 * taskLimitPoint places a task's limit (its `due`, counted by the server)
 * on the time axis. null when it cannot be placed: a task never accepted
 * (no due), or one paused now whose limit it had not reached — the server
 * moves its due when the pause ends.
 */
export function taskLimitPoint(task: Pick<MapTask, 'due' | 'segments'>, now: string): LimitPoint | null {
  if (!task.due) return null
  const at = limitAt(task.due)
  const nowMs = Date.parse(now)
  const segs = task.segments ?? []
  let worked = -Infinity
  for (const sg of segs) if (sg.kind === 'working') worked = Math.max(worked, sg.to ? Date.parse(sg.to) : nowMs)
  const reached = worked >= at
  const last = segs[segs.length - 1]
  if (!reached && last?.kind === 'paused' && last.to === null) return null
  return { due: task.due, at, reached }
}

// --- the project's Gantt ------------------------------------------------------------

/** BarKind is what a bar shows; each has its own colour and legend entry. */
export type BarKind = 'waiting' | 'working' | 'correction' | 'special' | 'overrun' | 'stage' | 'stageOver'

export const BAR_KINDS: BarKind[] = ['waiting', 'working', 'correction', 'special', 'overrun', 'stage', 'stageOver']

export interface GanttRow {
  kind: 'stage' | 'task'
  stage: MapStage
  task?: MapTask
}

export interface GanttBar {
  row: number
  kind: BarKind
  start: number
  end: number
  /** Still running: it ends at the map's now. */
  running: boolean
  segment?: MapSegment
}

export interface GanttLimit {
  row: number
  at: number
  due: string
  reached: boolean
  /** The time went past it. */
  over: boolean
  /** The limit in its unit (the stage's in working days). */
  limit: number
  unit: Unit
}

export interface Gantt {
  rows: GanttRow[]
  bars: GanttBar[]
  limits: GanttLimit[]
  now: number
  /** Something still runs (a stage in review, a task's segment): now belongs on the axis. */
  running: boolean
  /** The axis range: the first submission to the last end or limit, and to now while something runs. */
  min: number
  max: number
}

function barKindOf(sg: MapSegment): BarKind {
  if (sg.kind === 'waiting') return 'waiting'
  if (sg.kind === 'paused') return sg.reason === 'special' ? 'special' : 'correction'
  return 'working'
}

/** splitAt cuts a bar at an instant: the part after it becomes kind `after`. */
function splitAt(bar: GanttBar, at: number, after: BarKind): GanttBar[] {
  if (at >= bar.end) return [bar]
  if (at <= bar.start) return [{ ...bar, kind: after }]
  return [
    { ...bar, end: at, running: false },
    { ...bar, start: at, kind: after },
  ]
}

/**
 * buildGantt lays a project map out as rows (each stage, then its tasks)
 * with bars on a time axis: waiting, working and paused segments, working
 * time past the task's limit as overrun, and the stage's own span with its
 * limit; plus each limit as a marker.
 */
export function buildGantt(m: ProjectMap): Gantt {
  const now = Date.parse(m.now)
  const rows: GanttRow[] = []
  const bars: GanttBar[] = []
  const limits: GanttLimit[] = []
  let min = Infinity
  let max = -Infinity
  let running = false
  for (const st of m.stages ?? []) {
    const stageRow = rows.length
    rows.push({ kind: 'stage', stage: st })
    if (st.submitted_at) {
      const start = Date.parse(st.submitted_at)
      const concluded = st.concluded_at && st.state !== 'in_review' ? Date.parse(st.concluded_at) : null
      const end = Math.max(start, concluded ?? now)
      const bar: GanttBar = { row: stageRow, kind: 'stage', start, end, running: concluded === null }
      running ||= concluded === null
      min = Math.min(min, start)
      max = Math.max(max, end)
      if (st.due) {
        const at = limitAt(st.due)
        bars.push(...splitAt(bar, at, 'stageOver'))
        limits.push({ row: stageRow, at, due: st.due, reached: end >= at, over: st.over_limit || end > at, limit: st.limit_days, unit: 'WD' })
        max = Math.max(max, at)
      } else bars.push(bar)
    }
    for (const task of st.tasks ?? []) {
      const row = rows.length
      rows.push({ kind: 'task', stage: st, task })
      const point = taskLimitPoint(task, m.now)
      for (const sg of task.segments ?? []) {
        const start = Date.parse(sg.from)
        const end = Math.max(start, sg.to ? Date.parse(sg.to) : now)
        const bar: GanttBar = { row, kind: barKindOf(sg), start, end, running: sg.to === null, segment: sg }
        running ||= sg.to === null
        bars.push(...(bar.kind === 'working' && point ? splitAt(bar, point.at, 'overrun') : [bar]))
        min = Math.min(min, start)
        max = Math.max(max, end)
      }
      if (point) {
        limits.push({ row, at: point.at, due: point.due, reached: point.reached, over: task.over_limit, limit: task.limit, unit: unitOf(task.unit) })
        max = Math.max(max, point.at)
      }
    }
  }
  if (running || !Number.isFinite(max)) max = Math.max(max, now)
  if (!Number.isFinite(min)) min = now - 7 * DAY_MS
  return { rows, bars, limits, now, running, min, max }
}

/** SegmentShare is a segment's part of a task's whole span, for the compact bars of the phone view. */
export interface SegmentShare {
  kind: BarKind
  /** Percent of the span. */
  pct: number
  segment: MapSegment
}

/**
 * segmentShares sizes a task's segments by elapsed time (at least a sliver
 * each, so short ones stay visible); working time after limitAt (the
 * instant the limit ran out) is overrun, as in the chart.
 */
export function segmentShares(task: MapTask, now: string, limitAt?: number): SegmentShare[] {
  const nowMs = Date.parse(now)
  const parts: { kind: BarKind; ms: number; segment: MapSegment }[] = []
  for (const sg of task.segments ?? []) {
    const start = Date.parse(sg.from)
    const end = Math.max(start, sg.to ? Date.parse(sg.to) : nowMs)
    const kind = barKindOf(sg)
    const pieces = kind === 'working' && limitAt !== undefined ? splitAt({ row: 0, kind, start, end, running: false }, limitAt, 'overrun') : [{ kind, start, end }]
    for (const p of pieces) parts.push({ kind: p.kind, ms: p.end - p.start, segment: sg })
  }
  if (!parts.length) return []
  const total = parts.reduce((a, p) => a + p.ms, 0)
  const floor = 2
  const bumped = parts.map((p) => Math.max(total > 0 ? (p.ms / total) * 100 : 100 / parts.length, floor))
  const scale = 100 / bumped.reduce((a, b) => a + b, 0)
  return parts.map((p, i) => ({ kind: p.kind, pct: bumped[i] * scale, segment: p.segment }))
}

/** TaskRowView is one line of the map's table: a task with its stage and limit. */
export interface TaskRowView {
  stage: MapStage
  task: MapTask
  limit: LimitPoint | null
}

/** taskRows flattens a map into table rows, stage by stage. */
export function taskRows(m: ProjectMap): TaskRowView[] {
  const out: TaskRowView[] = []
  for (const stage of m.stages ?? []) {
    for (const task of stage.tasks ?? []) out.push({ stage, task, limit: taskLimitPoint(task, m.now) })
  }
  return out
}

/** mapSignature is what changes a map's picture: everything but now, so a poll that changes nothing redraws nothing. */
export function mapSignature(m: ProjectMap): string {
  return JSON.stringify([m.project.state, m.project.version, m.stages, m.departments])
}

// --- city statistics -------------------------------------------------------------------

export interface DurationSeries {
  names: string[]
  keys: string[]
  units: Unit[]
  mean: number[]
  p90: number[]
  /** The shared limit, or null (not drawn). */
  limit: (number | null)[]
  /** Index of the slowest group, -1 when none. */
  slowest: number
}

/** durationSeries turns the groups (slowest first, as the server sends them) into chart series. */
export function durationSeries(groups: readonly DurationGroup[] | null | undefined): DurationSeries {
  const gs = groups ?? []
  let slowest = gs.findIndex((g) => g.slowest)
  if (slowest < 0 && gs.length) {
    slowest = gs.reduce((best, g, i) => (g.mean > gs[best].mean ? i : best), 0)
  }
  return {
    names: gs.map((g) => g.name),
    keys: gs.map((g) => g.key),
    units: gs.map((g) => unitOf(g.unit)),
    mean: gs.map((g) => g.mean),
    p90: gs.map((g) => g.p90),
    limit: gs.map((g) => g.limit),
    slowest,
  }
}

export interface Period {
  from: string
  to: string
}

/** defaultPeriod is the twelve months up to today, as the server's default: from = a year before to, plus a day. */
export function defaultPeriod(today: string): Period {
  const [y, m, d] = today.split('-').map(Number)
  const from = new Date(Date.UTC(y - 1, m - 1, d + 1)).toISOString().slice(0, 10)
  return { from, to: today }
}

/** monthsBack is the period of n months up to today. */
export function monthsBack(today: string, n: number): Period {
  const [y, m, d] = today.split('-').map(Number)
  return { from: new Date(Date.UTC(y, m - 1 - n, d + 1)).toISOString().slice(0, 10), to: today }
}

/** MAX_YEARS is the longest period the server takes (workflow.MaxStatsYears). */
export const MAX_YEARS = 3

/** periodProblem mirrors the server's checks: a real date each, from not after to, under three years. */
export function periodProblem(p: Period): 'date' | 'order' | 'tooLong' | null {
  const re = /^\d{4}-\d{2}-\d{2}$/
  if (!re.test(p.from) || !re.test(p.to) || fromDayNum(dayNum(p.from)) !== p.from || fromDayNum(dayNum(p.to)) !== p.to) return 'date'
  if (p.from > p.to) return 'order'
  const [y, m, d] = p.from.split('-').map(Number)
  const limit = new Date(Date.UTC(y + MAX_YEARS, m - 1, d)).toISOString().slice(0, 10)
  if (p.to >= limit) return 'tooLong'
  return null
}
