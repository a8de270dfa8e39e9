import { http } from './http'
import type { CatalogDepartment, CatalogFlow, CatalogItem, CatalogQuestion, PreviewIn, PreviewOut, StateInfo } from './types'

interface Items<T> {
  items: T[] | null
}

export const catalogApi = {
  flows: () => http.get<Items<CatalogFlow>>('/catalog/flows').then((r) => r.items ?? []),
  flow: (id: string, version?: number) => http.get<CatalogFlow>(`/catalog/flows/${encodeURIComponent(id)}`, { query: { version } }),
  items: () => http.get<Items<CatalogItem>>('/catalog/items').then((r) => r.items ?? []),
  departments: () => http.get<Items<CatalogDepartment>>('/catalog/departments').then((r) => r.items ?? []),
  situations: () => http.get<Items<CatalogQuestion>>('/catalog/situations').then((r) => r.items ?? []),
  states: () => http.get<Items<StateInfo>>('/catalog/states').then((r) => r.items ?? []),
  preview: (body: PreviewIn, signal?: AbortSignal) => http.post<PreviewOut>('/catalog/preview', body, { signal }),
}
