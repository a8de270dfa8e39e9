// The lead coordinator's board (牵头部门看板) and chasing (催办), and the
// supervisor's city-wide task list: GET /lead/stages,
// GET /projects/{id}/stages/{n}/board, POST …/chase, GET /tasks.
import { http } from './http'
import type { Project, Stage, Task } from './types'

/** BoardTask is a task as the board shows it; the officer's name arrives with newer servers. */
export type BoardTask = Task & { assignee_name?: string }

/** BoardStage is a stage with the project's data (告知承诺制 flag on newer servers). */
export type BoardStage = Stage & { commitment?: boolean }

export interface StageBoard {
  project: Project
  stage: BoardStage
  tasks: BoardTask[] | null
}

export interface ChaseIn {
  /** One task; all open tasks of the stage when absent. */
  task_id?: string
  /** At most CHASE_MAX characters; the server says “请加快办理。” when empty. */
  message?: string
}

/** CHASE_MAX is the longest chase message the server takes (ChaseInBody.message maxLength). */
export const CHASE_MAX = 500

export interface TaskListQuery {
  state?: number[]
  open?: boolean
  due_before?: string
  clock_state?: 'normal' | 'warning' | 'overdue'
  dept?: string
  project_id?: string
  limit?: number
  after?: string
}

export interface TaskList {
  items: BoardTask[] | null
  next?: string
}

const stagePath = (id: string, n: number) => `/projects/${encodeURIComponent(id)}/stages/${n}`

export const leadApi = {
  stages: (limit = 200, signal?: AbortSignal) => http.get<{ items: StageBoard[] | null }>('/lead/stages', { query: { limit }, signal }).then((r) => r.items ?? []),
  board: (id: string, n: number, signal?: AbortSignal) => http.get<StageBoard>(`${stagePath(id, n)}/board`, { signal }),
  chase: (id: string, n: number, body: ChaseIn) => http.post<void>(`${stagePath(id, n)}/chase`, body),
  /** tasks: officers their department's, supervisors any (ordered by deadline, then id). */
  tasks: (q: TaskListQuery, signal?: AbortSignal) =>
    http.get<TaskList>('/tasks', { query: { ...q, open: q.open === undefined ? undefined : String(q.open) }, signal }),
}
