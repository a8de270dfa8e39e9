import { http } from './http'
import type { CreateProjectIn, ListProjectsOut, Project, ProjectView, SubmitIn, SubmitOut } from './types'

export interface ListProjectsQuery {
  state?: string
  q?: string
  limit?: number
  offset?: number
}

const base = (id: string) => `/projects/${encodeURIComponent(id)}`

export const projectsApi = {
  list: (q: ListProjectsQuery = {}) => http.get<ListProjectsOut>('/projects', { query: { ...q } }),
  create: (body: CreateProjectIn) => http.post<Project>('/projects', body),
  get: (id: string, signal?: AbortSignal) => http.get<ProjectView>(base(id), { signal }),
  submitStage: (id: string, stage: number, body: SubmitIn) => http.post<SubmitOut>(`${base(id)}/stages/${stage}/submit`, body),
  withdrawStage: (id: string, stage: number, reason: string) => http.post<void>(`${base(id)}/stages/${stage}/withdraw`, { reason }),
}
