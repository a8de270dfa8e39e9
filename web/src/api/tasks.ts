import { http } from './http'
import type { ActIn, Project, ProjectEvent, Requirement, Task } from './types'

/** ListTasksQuery are the filters of GET /tasks (docs/api.md "Pagination"): the to-do list and the supervisor's overview. */
export interface ListTasksQuery {
  /** National state codes to include (repeatable). */
  state?: number[]
  /** true: in progress only; false: concluded only; absent: both. */
  open?: boolean
  /** YYYY-MM-DD inclusive. */
  due_before?: string
  /** warning or overdue (the server keeps "normal" as no state). */
  clock_state?: 'warning' | 'overdue'
  project_id?: string
  /** Supervisors only: one department's tasks. */
  dept?: string
  /** 1–1000, default 50. */
  limit?: number
  /** The previous page's next cursor. */
  after?: string
}

/** ListTasksOut is one page of GET /tasks, ordered by deadline then id. */
export interface ListTasksOut {
  items: Task[] | null
  /** Cursor of the next page; absent on the last page. */
  next?: string
}

/** TaskView is GET /tasks/{id}: the task, its project, its record and the stage's materials. */
export interface TaskView {
  task: Task
  project: Project
  events: ProjectEvent[] | null
  requirements: Requirement[] | null
  /** Required materials of this item not uploaded. */
  missing: string[] | null
}

/** TASKS_MAX_LIMIT is the largest page GET /tasks gives. */
export const TASKS_MAX_LIMIT = 1000

const base = (id: string) => `/tasks/${encodeURIComponent(id)}`

export const tasksApi = {
  list: (q: ListTasksQuery = {}, signal?: AbortSignal) => http.get<ListTasksOut>('/tasks', { query: { ...q }, signal }),
  get: (id: string, signal?: AbortSignal) => http.get<TaskView>(base(id), { signal }),
  act: (id: string, body: ActIn) => http.post<Task>(`${base(id)}/actions`, body),
}
