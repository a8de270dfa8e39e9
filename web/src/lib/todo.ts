// The officer's to-do list (待办): which filters go to the server and which
// are applied to the loaded rows, the sort orders, the deadline colours and
// the windowing that keeps a list of thousands of rows smooth. Pure, so it
// is tested without a DOM.
import type { Task } from '@/api/types'
import type { ListTasksQuery } from '@/api/tasks'
import { describeDeadline, type DeadlineLevel, type DeadlineView } from './deadline'
import { isConcluded } from './states'

/** TodoRow is one task with what the list derives from it once, not on every render. */
export interface TodoRow {
  task: Task
  deadline: DeadlineView
  concluded: boolean
  /** lower-cased project name, project code and item name, for the search box */
  haystack: string
}

/** normalize folds a search text: full-width to half-width (NFKC), lower case, no outer spaces. */
export function normalize(s: string): string {
  return s.normalize('NFKC').toLowerCase().trim()
}

export function toRow(task: Task): TodoRow {
  const concluded = isConcluded(task.state)
  return {
    task,
    deadline: describeDeadline(task.clock, { concluded }),
    concluded,
    haystack: normalize([task.project_name, task.project_code, task.item_name].join('\u0000')),
  }
}

// --- filters -----------------------------------------------------------------

/**
 * StateGroup is the state filter. Each maps to the server's filters (state
 * codes, open) plus, where a code means two things, a check on the row:
 * 7 补正结束 awaits acceptance when the task was sent back before being
 * accepted, and is in review otherwise.
 */
export type StateGroup = 'open' | 'toAccept' | 'working' | 'paused' | 'withdraw' | 'concluded' | 'all'

export const STATE_GROUPS: StateGroup[] = ['open', 'toAccept', 'working', 'paused', 'withdraw', 'concluded', 'all']

interface GroupDef {
  server: Pick<ListTasksQuery, 'state' | 'open'>
  row?: (t: Task) => boolean
}

const groups: Record<StateGroup, GroupDef> = {
  open: { server: { open: true } },
  toAccept: { server: { state: [1, 7] }, row: (t) => !t.accepted },
  working: { server: { state: [7, 8, 10] }, row: (t) => t.accepted },
  paused: { server: { state: [6, 9] } },
  withdraw: { server: { state: [16] } },
  concluded: { server: { open: false } },
  all: { server: {} },
}

/**
 * ClockFilter: warning and overdue alone are server filters (clock_state);
 * "attention" (either) is not — the server takes one clock state — so it is
 * applied to the loaded rows.
 */
export type ClockFilter = '' | 'warning' | 'overdue' | 'attention'

export type SortKey = 'deadline' | 'received' | 'project'

export interface TodoFilter {
  group: StateGroup
  clock: ClockFilter
  /** item code; client side (the API has no item filter) */
  item: string
  /** project name or code (or item name); client side (the API has no text search on tasks) */
  q: string
  /** only the tasks the person can act on now; client side */
  mine: boolean
  sort: SortKey
}

export function defaultFilter(): TodoFilter {
  return { group: 'open', clock: '', item: '', q: '', mine: false, sort: 'deadline' }
}

/** serverQuery is the part of the filter GET /tasks applies; a change of it reloads from the first page. */
export function serverQuery(f: Pick<TodoFilter, 'group' | 'clock'>): ListTasksQuery {
  const g = groups[f.group] ?? groups.open
  const q: ListTasksQuery = {}
  if (g.server.state) q.state = [...g.server.state]
  if (g.server.open !== undefined) q.open = g.server.open
  if (f.clock === 'warning' || f.clock === 'overdue') q.clock_state = f.clock
  return q
}

/** serverKey identifies a server query: equal keys, same rows. */
export function serverKey(f: Pick<TodoFilter, 'group' | 'clock'>): string {
  return JSON.stringify(serverQuery(f))
}

/**
 * clientFiltered reports whether the list works on the loaded rows beyond
 * what the server did — a client-side filter, or a sort other than the
 * server's — so every row must be loaded for the answer to be complete.
 */
export function clientFiltered(f: TodoFilter): boolean {
  return !!groups[f.group]?.row || f.clock === 'attention' || !!f.item || !!normalize(f.q) || f.mine || f.sort !== 'deadline'
}

const attention: DeadlineLevel[] = ['warning', 'overdue']

/**
 * applyFilter keeps the rows matching the client-side part of f. canAct
 * says whether the person can act on a task now (lib/task.ts); it is only
 * called for "mine".
 */
export function applyFilter(rows: readonly TodoRow[], f: TodoFilter, canAct?: (t: Task) => boolean): TodoRow[] {
  const g = groups[f.group]
  const q = normalize(f.q)
  return rows.filter((r) => {
    if (g?.row && !g.row(r.task)) return false
    if (f.clock === 'attention' && !attention.includes(r.deadline.level)) return false
    if (f.item && r.task.item_code !== f.item) return false
    if (q && !r.haystack.includes(q)) return false
    if (f.mine && !(canAct?.(r.task) ?? false)) return false
    return true
  })
}

// --- sorting -----------------------------------------------------------------

const NO_DUE = '9999-12-31'

/** dueKey is the deadline a row sorts by, as the server does: rows without a running deadline last. */
export function dueKey(t: Task): string {
  if (!t.clock || isConcluded(t.state)) return NO_DUE
  return t.clock.due || NO_DUE
}

/**
 * sortRows orders the rows (a new array; stable):
 * deadline — the server's order: due date, then id (rows without a deadline last);
 * received — oldest received first (first in, first out);
 * project — by project code, then deadline.
 */
export function sortRows(rows: readonly TodoRow[], key: SortKey): TodoRow[] {
  const byDeadline = (a: TodoRow, b: TodoRow) => cmp(dueKey(a.task), dueKey(b.task)) || cmp(a.task.id, b.task.id)
  const out = [...rows]
  switch (key) {
    case 'received':
      return out.sort((a, b) => cmp(a.task.created_at, b.task.created_at) || cmp(a.task.id, b.task.id))
    case 'project':
      return out.sort((a, b) => cmp(a.task.project_code, b.task.project_code) || byDeadline(a, b))
    default:
      return out.sort(byDeadline)
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// --- summaries ---------------------------------------------------------------

export interface TodoCounts {
  total: number
  overdue: number
  warning: number
  paused: number
}

/** countLevels counts the loaded rows by deadline colour (the summary above the list). */
export function countLevels(rows: readonly TodoRow[]): TodoCounts {
  const c: TodoCounts = { total: rows.length, overdue: 0, warning: 0, paused: 0 }
  for (const r of rows) {
    if (r.deadline.level === 'overdue') c.overdue++
    else if (r.deadline.level === 'warning') c.warning++
    else if (r.deadline.level === 'paused') c.paused++
  }
  return c
}

export interface ItemOption {
  code: string
  name: string
  count: number
}

/** itemOptions lists the items of the loaded rows with their counts, by name. */
export function itemOptions(rows: readonly TodoRow[]): ItemOption[] {
  const m = new Map<string, ItemOption>()
  for (const r of rows) {
    const o = m.get(r.task.item_code)
    if (o) o.count++
    else m.set(r.task.item_code, { code: r.task.item_code, name: r.task.item_name, count: 1 })
  }
  return [...m.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || cmp(a.code, b.code))
}

/**
 * fingerprint summarises what the list shows of the tasks, so a poll that
 * brings nothing new does not re-render a thousand rows: ids, versions,
 * the clocks (which move with the calendar, not with the version) and the
 * names (the officer's and the project's, which change elsewhere).
 */
export function fingerprint(tasks: readonly Task[]): string {
  let s = ''
  for (const t of tasks) s += `${t.id}.${t.version}.${t.clock?.remaining ?? ''}${t.clock?.state ?? ''}${t.clock?.paused ? 'p' : ''}.${t.assignee_name ?? ''}.${t.project_code}.${t.project_name};`
  return s
}

// --- windowing ---------------------------------------------------------------

export interface WindowInput {
  /** scrollTop of the scrolling box, px */
  scrollTop: number
  /** height of the visible part of the box, px */
  viewport: number
  /** fixed height of one row, px */
  rowHeight: number
  count: number
  /** rows rendered beyond each edge, so fast scrolling shows no gaps */
  overscan?: number
}

export interface WindowRange {
  /** first rendered index */
  start: number
  /** one past the last rendered index */
  end: number
  /** translateY of the first rendered row, px */
  offset: number
  /** height of the whole list, px */
  total: number
}

/**
 * windowRange is the slice of a fixed-row-height list to render: only the
 * rows in view plus overscan on each side, so a thousand rows cost the
 * same as thirty. Out-of-range scroll positions (rubber-banding, a list
 * that just shrank) are clamped.
 */
export function windowRange({ scrollTop, viewport, rowHeight, count, overscan = 6 }: WindowInput): WindowRange {
  const total = Math.max(0, count) * rowHeight
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 }
  const maxTop = Math.max(0, total - viewport)
  const top = Math.min(Math.max(0, scrollTop), maxTop)
  const first = Math.floor(top / rowHeight)
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, first + visible + overscan)
  return { start, end, offset: start * rowHeight, total }
}

/**
 * nearEnd says whether to fetch the next cursor page: the rendered window
 * reaches within threshold rows of the loaded end and the server has more.
 */
export function nearEnd(range: Pick<WindowRange, 'end'>, loaded: number, hasMore: boolean, threshold = 30): boolean {
  return hasMore && range.end >= loaded - threshold
}

/** scrollTopFor is the scrollTop that brings row index into view (for keyboard moves), or null when it already is. */
export function scrollTopFor(index: number, rowHeight: number, scrollTop: number, viewport: number): number | null {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport
  return null
}

// --- the filter in the address (so "back" from a task restores it) --------------

type Query = Record<string, string | null | (string | null)[] | undefined>

function one(v: Query[string]): string {
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : ''
}

/** filterFromQuery reads a filter from the route query; unknown values fall back to the defaults. */
export function filterFromQuery(q: Query): TodoFilter {
  const d = defaultFilter()
  const group = one(q.group) as StateGroup
  const clock = one(q.clock) as ClockFilter
  const sort = one(q.sort) as SortKey
  return {
    group: STATE_GROUPS.includes(group) ? group : d.group,
    clock: (['warning', 'overdue', 'attention'] as ClockFilter[]).includes(clock) ? clock : d.clock,
    item: one(q.item).slice(0, 64),
    q: one(q.q).slice(0, 100),
    mine: one(q.mine) === '1',
    sort: (['deadline', 'received', 'project'] as SortKey[]).includes(sort) ? sort : d.sort,
  }
}

/** filterToQuery writes only what differs from the defaults. */
export function filterToQuery(f: TodoFilter): Record<string, string> {
  const d = defaultFilter()
  const out: Record<string, string> = {}
  if (f.group !== d.group) out.group = f.group
  if (f.clock) out.clock = f.clock
  if (f.item) out.item = f.item
  if (f.q.trim()) out.q = f.q.trim()
  if (f.mine) out.mine = '1'
  if (f.sort !== d.sort) out.sort = f.sort
  return out
}
