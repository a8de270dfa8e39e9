import { http } from './http'
import type { MeBody } from './types'

export const authApi = {
  login: (username: string, password: string) => http.post<MeBody>('/auth/login', { username, password }, { quiet: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet: true }),
  /** me probes the session: quiet, a 401 just means "not logged in". */
  me: () => http.get<MeBody>('/me', { quiet: true }),
}
