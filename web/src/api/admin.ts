// Administration: accounts, catalog publishing and the working-day calendar.
import { ApiError, dispatchGlobal, http, request } from './http'
import type { User } from './types'
import type { YearFile } from '@/lib/calendar'
import type { CatalogItemFull, UserBody } from '@/lib/admin'

interface Items<T> {
  items: T[] | null
}

export interface PublishOut {
  flows: number
  items: number
  departments: number
}

/** DisableBody is the PATCH /users/{id} body (updateUserIn in internal/httpapi/routes.go). */
export interface DisableBody {
  disabled: boolean
  version: number
}

/** ResetPasswordBody is the PUT /users/{id}/password body (resetPasswordIn). */
export interface ResetPasswordBody {
  new_password: string
}

export interface DueOut {
  due: string
  /** false when the due date's year has no holiday data (Monday–Friday assumed) */
  covered: boolean
}

/**
 * ownConflicts runs a write whose 409 (a duplicate username, a changed
 * catalog version) and 400 the page shows on its form, keeping the app-wide
 * reactions to 401 (log in again) and 403.
 */
async function ownConflicts<T>(method: string, p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) dispatchGlobal(e, method)
    throw e
  }
}

export const adminApi = {
  users: () => http.get<Items<User>>('/users').then((r) => r.items ?? []),
  /** createUser is quiet: the form shows a duplicate username (409) on its field instead of the app-wide "reload" box. */
  createUser: (body: UserBody) => ownConflicts('POST', http.post<User>('/users', body, { quiet: true })),
  /**
   * setDisabled disables or re-enables an account (PATCH /users/{id}) at the
   * version the administrator saw. Not quiet: a stale version (409) brings
   * up the app's "reload" box, which reloads the list.
   */
  setDisabled: (id: string, disabled: boolean, version: number) =>
    request<User>('PATCH', `/users/${encodeURIComponent(id)}`, { body: { disabled, version } satisfies DisableBody }),
  /** resetPassword sets someone else's password; the account's sessions end and a login lock is lifted. 400 carries a field error on new_password. */
  resetPassword: (id: string, newPassword: string) => http.put<void>(`/users/${encodeURIComponent(id)}/password`, { new_password: newPassword } satisfies ResetPasswordBody),
  /** items with levels and cosign (the shared CatalogItem type leaves them out). */
  items: () => http.get<Items<CatalogItemFull>>('/catalog/items').then((r) => r.items ?? []),
  /** publishCatalog sends the whole catalog as YAML files, file name → content. */
  publishCatalog: (files: Record<string, string>) => ownConflicts('PUT', http.put<PublishOut>('/catalog', { files }, { quiet: true })),
}

export const calendarApi = {
  years: () => http.get<{ years: number[] | null }>('/calendar/years').then((r) => r.years ?? []),
  year: (year: number) => http.get<YearFile>(`/calendar/years/${year}`),
  putYear: (yf: YearFile) => ownConflicts('PUT', http.put<YearFile>(`/calendar/years/${yf.year}`, yf, { quiet: true })),
  due: (from: string, days: number, unit: 'WD' | 'ND') => http.get<DueOut>('/calendar/due', { query: { from, days, unit } }),
}
