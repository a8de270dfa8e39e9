import { http } from './http'
import type { ActIn, Task } from './types'

export const tasksApi = {
  act: (id: string, body: ActIn) => http.post<Task>(`/tasks/${encodeURIComponent(id)}/actions`, body),
}
