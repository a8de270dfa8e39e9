// 审批地图 and 时效统计: one project's time (GET /projects/{id}/map) and the
// city's durations (GET /stats/durations). Limits come as dates (`due`)
// counted by the server's working-day calendar; the UI does no day counting.
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
  /** YYYY-MM-DD, the last day within the limit; absent before acceptance. Moves on when a pause ends. */
  due?: string
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
  /** YYYY-MM-DD, the last day within limit_days from the latest submission; absent before any submission. */
  due?: string
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

export const mapApi = {
  project: (id: string, signal?: AbortSignal) => http.get<ProjectMap>(`/projects/${encodeURIComponent(id)}/map`, { signal }),
  durations: (q: { from?: string; to?: string; by?: DurationBy }, signal?: AbortSignal) => http.get<DurationsOut>('/stats/durations', { query: { ...q }, signal }),
}
