// The caller's own account: changing one's password.
import { http } from './http'

/** ChangePasswordBody is the PUT /me/password body (changePasswordIn in internal/httpapi/routes.go). */
export interface ChangePasswordBody {
  current_password: string
  new_password: string
}

export const accountApi = {
  /**
   * changePassword checks the current password and sets the new one; the
   * caller's other sessions end, this one stays (same cookie, same CSRF
   * token). A wrong current password, the same password again or one the
   * policy refuses is a 400 with the field named.
   */
  changePassword: (body: ChangePasswordBody) => http.put<void>('/me/password', body),
}
