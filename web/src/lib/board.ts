// The lead coordinator's board and the supervisor's overview: tasks in
// order of urgency, per-department summaries, the last chase (催办) of
// each task from the project's record, counts. Pure and tested.
import type { CatalogFlow, Clock, ProjectEvent, Task } from '@/api/types'
import { describeDeadline, urgency } from './deadline'
import { isConcluded } from './states'

/** ChaseInfo is the latest chase of a task: when, by whom, what was said. */
export interface ChaseInfo {
  at: string
  by: string
  message: string
  /** How many times the task was chased in all. */
  count: number
}

/**
 * lastChases reads the chases (events of kind "chase") of a project's
 * record: the latest per task id, with the number of chases. Events come
 * oldest first, but the latest is found by time in any order.
 */
export function lastChases(events: readonly ProjectEvent[] | null | undefined): Map<string, ChaseInfo> {
  const out = new Map<string, ChaseInfo>()
  for (const e of events ?? []) {
    if (e.kind !== 'chase' || !e.task_id) continue
    const prev = out.get(e.task_id)
    const count = (prev?.count ?? 0) + 1
    if (!prev || e.at >= prev.at) out.set(e.task_id, { at: e.at, by: e.actor_name ?? '', message: e.opinion ?? '', count })
    else prev.count = count
  }
  return out
}

/** taskLevel is the colour class of a task's deadline, as DeadlineTag shows it. */
export function taskLevel(t: Pick<Task, 'state'> & { clock?: Clock | null }): ReturnType<typeof describeDeadline>['level'] {
  return describeDeadline(t.clock, { concluded: isConcluded(t.state) }).level
}

/** byUrgency orders tasks: open ones by deadline urgency (overdue first), concluded last. */
export function byUrgency<T extends Pick<Task, 'state' | 'id'> & { clock?: Clock | null }>(tasks: readonly T[] | null | undefined): T[] {
  const rank = (t: T) => urgency(describeDeadline(t.clock, { concluded: isConcluded(t.state) }))
  return [...(tasks ?? [])].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
}

/** StageCounts are a stage's tasks by deadline level. */
export interface StageCounts {
  total: number
  open: number
  overdue: number
  warning: number
  paused: number
  done: number
}

export function stageCounts(tasks: readonly Task[] | null | undefined): StageCounts {
  const c: StageCounts = { total: 0, open: 0, overdue: 0, warning: 0, paused: 0, done: 0 }
  for (const t of tasks ?? []) {
    c.total++
    if (isConcluded(t.state)) {
      c.done++
      continue
    }
    c.open++
    const lv = taskLevel(t)
    if (lv === 'overdue') c.overdue++
    else if (lv === 'warning') c.warning++
    else if (lv === 'paused') c.paused++
  }
  return c
}

/** DeptSummary is one department's part of a stage (or of the city's open tasks). */
export interface DeptSummary {
  dept: string
  tasks: number
  open: number
  overdue: number
  warning: number
  /** The department's most recent chase over its tasks, if any. */
  lastChase?: ChaseInfo
}

/** deptSummaries groups tasks by department: most overdue first, then most warnings, then most open. */
export function deptSummaries(tasks: readonly Task[] | null | undefined, chases: Map<string, ChaseInfo> = new Map()): DeptSummary[] {
  const by = new Map<string, DeptSummary>()
  for (const t of tasks ?? []) {
    let d = by.get(t.dept_code)
    if (!d) {
      d = { dept: t.dept_code, tasks: 0, open: 0, overdue: 0, warning: 0 }
      by.set(t.dept_code, d)
    }
    d.tasks++
    if (!isConcluded(t.state)) {
      d.open++
      const lv = taskLevel(t)
      if (lv === 'overdue') d.overdue++
      else if (lv === 'warning') d.warning++
    }
    const c = chases.get(t.id)
    if (c && (!d.lastChase || c.at > d.lastChase.at)) d.lastChase = c
  }
  return [...by.values()].sort((a, b) => b.overdue - a.overdue || b.warning - a.warning || b.open - a.open || a.dept.localeCompare(b.dept))
}

/** chaseable: the tasks a chase of the whole stage reaches (every task not concluded). */
export function chaseable<T extends Pick<Task, 'state'>>(tasks: readonly T[] | null | undefined): T[] {
  return (tasks ?? []).filter((t) => !isConcluded(t.state))
}

/** levelProgress is "2/3": the task's level among its department's levels (1-based). */
export function levelProgress(t: Pick<Task, 'level' | 'levels'>): string {
  const n = t.levels?.length ?? 0
  return n ? `${Math.min(t.level + 1, n)}/${n}` : ''
}

/** StageLevel is the colour of a stage's own deadline, as its server clock says. */
export type StageLevel = 'normal' | 'warning' | 'overdue'

/** stageLevel reads a stage clock's state; no clock (not submitted) is normal. */
export function stageLevel(clock: Pick<Clock, 'state'> | null | undefined): StageLevel {
  const s = clock?.state
  return s === 'warning' || s === 'overdue' ? s : 'normal'
}

/** StageRank is what orders the lead's stages: the stage's own deadline, then its items'. */
export interface StageRank {
  level: StageLevel
  remaining: number
  overdue: number
  warning: number
}

/** stageRank ranks a stage by its clock (the days left; none: last among its level) and its items' counts. */
export function stageRank(clock: Pick<Clock, 'state' | 'remaining'> | null | undefined, counts: Pick<StageCounts, 'overdue' | 'warning'>): StageRank {
  return { level: stageLevel(clock), remaining: clock?.remaining ?? Number.MAX_SAFE_INTEGER, overdue: counts.overdue, warning: counts.warning }
}

/** compareStages puts the most pressing stage first: overdue stages, then warning, then most overdue items, most warnings, least time left. */
export function compareStages(a: StageRank, b: StageRank): number {
  const lv = { overdue: 0, warning: 1, normal: 2 }
  return lv[a.level] - lv[b.level] || b.overdue - a.overdue || b.warning - a.warning || a.remaining - b.remaining
}

/** OpenCounts are the city's open tasks by what their clocks say. */
export interface OpenCounts {
  open: number
  overdue: number
  warning: number
  paused: number
  /** Received, not accepted yet: no clock. */
  notStarted: number
}

export function openCounts(tasks: readonly Task[] | null | undefined): OpenCounts {
  const c: OpenCounts = { open: 0, overdue: 0, warning: 0, paused: 0, notStarted: 0 }
  for (const t of tasks ?? []) {
    if (isConcluded(t.state)) continue
    c.open++
    const lv = taskLevel(t)
    if (lv === 'overdue') c.overdue++
    else if (lv === 'warning') c.warning++
    else if (lv === 'paused') c.paused++
    else if (lv === 'none') c.notStarted++
  }
  return c
}

/** byDue orders tasks by due date (earliest first; no clock last), then by urgency. */
export function byDue<T extends Pick<Task, 'state' | 'id'> & { clock?: Clock | null }>(tasks: readonly T[]): T[] {
  const rank = (t: T) => urgency(describeDeadline(t.clock, { concluded: isConcluded(t.state) }))
  return [...tasks].sort((a, b) => {
    const da = a.clock?.due || '9999-12-31'
    const db = b.clock?.due || '9999-12-31'
    return da < db ? -1 : da > db ? 1 : rank(a) - rank(b) || a.id.localeCompare(b.id)
  })
}

/**
 * commonStageName names stage n for a list of tasks from many projects
 * (a task carries its project's code and name, not its flow): the name
 * every flow gives stage n (the city's flows share the four national stage
 * names), or '' when they differ or none has it.
 */
export function commonStageName(flows: readonly CatalogFlow[], n: number): string {
  let name = ''
  for (const f of flows) {
    const st = f.stages?.find((s) => s.number === n)
    if (!st) continue
    if (name && st.name !== name) return ''
    name = st.name
  }
  return name
}
