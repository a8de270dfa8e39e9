// The change-password form's checks (修改密码), mirroring the server
// (internal/workflow/account.go ChangePassword and internal/auth policy.go
// CheckPasswordPolicy): the current password is required, the new one meets
// the policy and differs from the current one, and it is typed twice. The
// server stays authoritative (it alone knows whether the current password
// is right); these checks let the person see a mistake before sending.
import { checkPassword, type Check } from './admin'

/** Msg is a full i18n key with its parameters. */
export interface Msg {
  key: string
  params?: Record<string, string | number>
}

export interface PasswordChange {
  current: string
  next: string
  repeat: string
}

export type PasswordChangeField = keyof PasswordChange
export type PasswordChangeErrors = Partial<Record<PasswordChangeField, Msg[]>>

/** SERVER_FIELDS maps the API's field names to the form's. */
export const SERVER_FIELDS: Record<string, PasswordChangeField> = { current_password: 'current', new_password: 'next' }

/** policyMsgs turns the shared policy checks (keys under admin.check) into full keys; an empty password has its own message. */
export function policyMsgs(checks: Check[], required = 'account.check.newRequired'): Msg[] {
  return checks.filter((c): c is NonNullable<Check> => c !== null).map((c) => (c.key === 'passwordRequired' ? { key: required } : { key: `admin.check.${c.key}`, params: c.params }))
}

/** checkPasswordChange runs every field's checks; an empty object means ready to send. */
export function checkPasswordChange(f: PasswordChange, username: string): PasswordChangeErrors {
  const out: PasswordChangeErrors = {}
  if (!f.current) out.current = [{ key: 'account.check.currentRequired' }]
  const next = policyMsgs(checkPassword(f.next, username))
  if (f.next && f.current && f.next === f.current) next.push({ key: 'account.check.same' })
  if (next.length) out.next = next
  if (!f.repeat) out.repeat = [{ key: 'account.check.repeatRequired' }]
  else if (f.repeat !== f.next) out.repeat = [{ key: 'account.check.repeatMismatch' }]
  return out
}

/**
 * serverFieldErrors places the server's field errors (already in the
 * current language) on the form's fields; errors on fields the form does
 * not have are returned as rest, to show above the form.
 */
export function serverFieldErrors(fields: Record<string, string>): { byField: Partial<Record<PasswordChangeField, string>>; rest: string[] } {
  const byField: Partial<Record<PasswordChangeField, string>> = {}
  const rest: string[] = []
  for (const [k, msg] of Object.entries(fields)) {
    const f = SERVER_FIELDS[k]
    if (f) byField[f] = byField[f] ? `${byField[f]}；${msg}` : msg
    else rest.push(msg)
  }
  return { byField, rest }
}
