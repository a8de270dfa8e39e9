// 审批地图 and 时效统计: one project's time (GET /projects/{id}/map), the
// city's durations (GET /stats/durations) and the working-day calendar the
// map needs to place limits on a time axis (GET /calendar/years[/{year}]).
import { http } from './http'
import type { Project } from './types'

export type SegmentKind = 'waiting' | 'working' | 'paused'

/** MapSegment is one stretch of a task's time (SegmentDTO). */
export interface MapSegment {
  kind: SegmentKind | string
  /** Index into the task's levels, when working. */
  level?: number
  level_name?: string
  /** When paused: correction (补正) or special (特别程序). */
  reason?: 'correction' | 'special' | string
  from: string
  /** null while the segment still runs (counted up to the map's now). */
  to: string | null
  /** Days in (from, to]: working days, natural days for an ND item. */
  working_days: number
  ended_by?: string
}

export interface MapTask {
  id: string
  item_code: string
  item_name: string
  dept_code: string
  dept_name: string
  state: number
  state_name: string
  limit: number
  unit: 'WD' | 'ND' | string
  result: string
  accepted: boolean
  concluded_at?: string
  segments: MapSegment[] | null
  waiting_days: number
  paused_days: number
  used: number
  margin: number
  over_limit: boolean
}

export interface MapStage {
  number: number
  name: string
  state: string
  state_name: string
  lead_dept: string
  lead_dept_name: string
  round: number
  limit_days: number
  submitted_at?: string
  concluded_at?: string
  /** Working days from the latest submission to the conclusion (or now); null before any submission. */
  working_days: number | null
  running: boolean
  over_limit: boolean
  tasks: MapTask[] | null
}

export interface MapDept {
  dept_code: string
  dept_name: string
  tasks: number
  over_limit: number
  waiting_days: number
  working_days: number
  paused_days: number
}

export interface ProjectMap {
  project: Project
  now: string
  stages: MapStage[] | null
  departments: MapDept[] | null
}

export type DurationBy = 'stage' | 'item' | 'dept'

export interface DurationGroup {
  /** Stage number, item code or department code ("" for overall). */
  key: string
  name: string
  unit: 'WD' | 'ND' | string
  count: number
  mean: number
  p90: number
  max: number
  /** The limit every member shares; null when none applies or they differ. */
  limit: number | null
  over_limit: number
  over_share: number
  slowest: boolean
}

export interface DurationsOut {
  from: string
  to: string
  by: DurationBy | string
  overall: DurationGroup
  groups: DurationGroup[] | null
}

export interface CalendarEntry {
  date: string
  name?: string
}

export interface CalendarYear {
  year: number
  source?: string
  holidays: CalendarEntry[] | null
  workdays: CalendarEntry[] | null
}

let years: Promise<number[]> | null = null
const yearFiles = new Map<number, Promise<CalendarYear | null>>()

export const mapApi = {
  project: (id: string, signal?: AbortSignal) => http.get<ProjectMap>(`/projects/${encodeURIComponent(id)}/map`, { signal }),
  durations: (q: { from?: string; to?: string; by?: DurationBy }, signal?: AbortSignal) => http.get<DurationsOut>('/stats/durations', { query: { ...q }, signal }),
  /**
   * calendarYears returns the published schedules of the given years that
   * the server has (fetched once per page load); a year it lacks is left
   * out and counted Monday–Friday, as the server does.
   */
  async calendarYears(want: number[]): Promise<CalendarYear[]> {
    if (!years) {
      years = http
        .get<{ years: number[] | null }>('/calendar/years')
        .then((r) => r.years ?? [])
        .catch((e) => {
          years = null
          throw e
        })
    }
    const have = new Set(await years)
    const out = await Promise.all(
      [...new Set(want)]
        .filter((y) => have.has(y))
        .map((y) => {
          let p = yearFiles.get(y)
          if (!p) {
            p = http.get<CalendarYear>(`/calendar/years/${y}`).catch(() => {
              yearFiles.delete(y)
              return null
            })
            yearFiles.set(y, p)
          }
          return p
        }),
    )
    return out.filter((x): x is CalendarYear => !!x)
  },
}
