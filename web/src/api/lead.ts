// The lead coordinator's board (牵头部门看板) and chasing (催办):
// GET /lead/stages, GET /projects/{id}/stages/{n}/board, POST …/chase.
// The supervisor's city-wide task list is tasksApi.list (GET /tasks).
import { http } from './http'
import type { Project, Stage, Task } from './types'

/** StageBoard is one stage across departments: its project, the stage (with its clock) and every task. */
export interface StageBoard {
  project: Project
  stage: Stage
  tasks: Task[] | null
}

export interface ChaseIn {
  /** One task; all open tasks of the stage when absent. */
  task_id?: string
  /** At most CHASE_MAX characters; the server says “请加快办理。” when empty. */
  message?: string
}

/** CHASE_MAX is the longest chase message the server takes (ChaseInBody.message maxLength). */
export const CHASE_MAX = 500

const stagePath = (id: string, n: number) => `/projects/${encodeURIComponent(id)}/stages/${n}`

export const leadApi = {
  stages: (limit = 200, signal?: AbortSignal) => http.get<{ items: StageBoard[] | null }>('/lead/stages', { query: { limit }, signal }).then((r) => r.items ?? []),
  board: (id: string, n: number, signal?: AbortSignal) => http.get<StageBoard>(`${stagePath(id, n)}/board`, { signal }),
  chase: (id: string, n: number, body: ChaseIn) => http.post<void>(`${stagePath(id, n)}/chase`, body),
}
