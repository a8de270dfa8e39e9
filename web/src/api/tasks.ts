import { currentHooks, dispatchGlobal, http, networkError, problemToError, requestHeaders } from './http'
import type { ActIn, Project, ProjectEvent, Requirement, Task } from './types'
import { materialContentUrl } from './upload'

/** ListTasksQuery are the filters of GET /tasks (docs/api.md "Pagination"). */
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
  /** 1–1000, default 50. */
  limit?: number
  /** The previous page's next cursor. */
  after?: string
}

/** ListTasksOut is one page of the to-do list, ordered by deadline then id. */
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

/** The task page's maximum page size, as the server allows. */
export const TASKS_MAX_LIMIT = 1000

const base = (id: string) => `/tasks/${encodeURIComponent(id)}`

export const tasksApi = {
  list: (q: ListTasksQuery = {}, signal?: AbortSignal) => http.get<ListTasksOut>('/tasks', { query: { ...q }, signal }),
  get: (id: string, signal?: AbortSignal) => http.get<TaskView>(base(id), { signal }),
  act: (id: string, body: ActIn) => http.post<Task>(`${base(id)}/actions`, body),
}

/**
 * materialBlob reads a material file's bytes for an in-page preview. The
 * server sends X-Frame-Options: DENY on every response, material content
 * included, so a PDF cannot be framed from its URL; a blob: URL of the same
 * bytes can. XMLHttpRequest (as for uploads) because the JSON client does
 * not read binary bodies; errors are the same ApiErrors with the same
 * app-wide reactions.
 */
export function materialBlob(id: string, signal?: AbortSignal): Promise<Blob> {
  return new Promise<Blob>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('GET', materialContentUrl(id))
    xhr.withCredentials = true
    xhr.responseType = 'blob'
    for (const [k, v] of Object.entries(requestHeaders('GET', false))) xhr.setRequestHeader(k, v)
    const onAbort = () => xhr.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    xhr.onerror = () => reject(networkError(currentHooks().lang()))
    xhr.onload = async () => {
      signal?.removeEventListener('abort', onAbort)
      const blob = xhr.response as Blob
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(blob)
        return
      }
      let body: unknown
      try {
        body = JSON.parse(await blob.text())
      } catch {
        body = undefined
      }
      const err = problemToError(xhr.status, body, currentHooks().lang())
      // Only an expired session is app-wide; a refused file is the preview's own message.
      if (xhr.status === 401) dispatchGlobal(err, 'GET')
      reject(err)
    }
    xhr.send()
  })
}
