// Signing keys in the UI: who may see and change whose keys (mirroring the
// server; it stays authoritative), how a key's state is shown, and the
// revocation reason's check.
import type { Role, User } from '@/api/types'
import type { KeyOwner, KeyState, SigningKey } from '@/api/keys'
import { OFFICER_ROLES } from './roles'

/** KEY_READERS may read any owner's keys; officers read their own (owner=me). */
export const KEY_READERS: Role[] = ['secadmin', 'auditadmin']
/** KEY_MANAGERS may rotate and revoke any owner's keys (三员分立: the system administrator may not). */
export const KEY_MANAGERS: Role[] = ['secadmin']

export const canReadKeys = (roles: readonly Role[]) => roles.some((r) => KEY_READERS.includes(r))
export const canManageKeys = (roles: readonly Role[]) => roles.some((r) => KEY_MANAGERS.includes(r))
/** hasOwnKeys: officers sign their decisions, so have keys of their own. */
export const hasOwnKeys = (roles: readonly Role[]) => roles.some((r) => OFFICER_ROLES.includes(r))
/** signsDecisions: the accounts whose keys the account list offers (officers). */
export const signsDecisions = (u: Pick<User, 'roles'>) => hasOwnKeys(u.roles)

export const userOwner = (id: string): KeyOwner => `user:${id}`
export const deptOwner = (code: string): KeyOwner => `dept:${code}`

/** KEY_STATE_TAG is the tag colour of each state: in use, rotated out, withdrawn. */
export const KEY_STATE_TAG: Record<KeyState, 'success' | 'info' | 'danger'> = { active: 'success', retired: 'info', revoked: 'danger' }

export function keyStateTag(state: string): 'success' | 'info' | 'danger' {
  return KEY_STATE_TAG[state as KeyState] ?? 'info'
}

/** keyEndedAt is when the key stopped signing (rotated or revoked), '' while active. */
export function keyEndedAt(k: Pick<SigningKey, 'retired_at' | 'revoked_at'>): string {
  return k.revoked_at || k.retired_at || ''
}

/** REVOKE_REASON_MAX is the server's limit in characters (runes, not bytes). */
export const REVOKE_REASON_MAX = 200

/** checkRevokeReason: '' when fine, else an i18n key under sign.keys.check. */
export function checkRevokeReason(reason: string): '' | 'reasonRequired' | 'reasonTooLong' {
  const s = reason.trim()
  if (!s) return 'reasonRequired'
  if ([...s].length > REVOKE_REASON_MAX) return 'reasonTooLong'
  return ''
}

/** replaceKey puts the server's answer for one key in the list in its place. */
export function replaceKey(keys: readonly SigningKey[], k: SigningKey): SigningKey[] {
  return keys.some((x) => x.id === k.id) ? keys.map((x) => (x.id === k.id ? k : x)) : [k, ...keys]
}

/** revocable: a key not revoked yet. */
export const revocable = (k: Pick<SigningKey, 'state'>) => k.state !== 'revoked'
