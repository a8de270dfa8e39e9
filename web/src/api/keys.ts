// SM2 signing keys of officers and departments (docs/api.md "Keys"): list,
// rotate, revoke. Reads: the owner (owner=me, officers) and the security
// and audit administrators; rotation: the security administrator, or an
// officer for "me"; revocation: the security administrator only.
import { ApiError, dispatchGlobal, http } from './http'

/** KeyOwner names whose keys: the caller's own, an officer's or a department's. */
export type KeyOwner = 'me' | `user:${string}` | `dept:${string}`

export type KeyState = 'active' | 'retired' | 'revoked'

/** SigningKey is one SM2 key, without its private half. */
export interface SigningKey {
  id: string
  /** "user:…" or "dept:…" */
  owner: string
  owner_name: string
  /** "SM2" */
  alg: string
  /** hex, 16 characters (the first 8 bytes of SM3 of the public key) */
  fingerprint: string
  /** active signs; retired (rotated out) still verifies what it signed and signs nothing new; revoked signs nothing */
  state: KeyState
  created_at: string
  retired_at?: string
  revoked_at?: string
  revoke_reason?: string
  /** how many decisions it has signed */
  signatures: number
}

/** RotateBody is the POST /keys/rotate body. */
export interface RotateBody {
  owner: KeyOwner
}

/** RevokeBody is the POST /keys/{id}/revoke body: the reason, 1–200 characters. */
export interface RevokeBody {
  reason: string
}

/**
 * own runs a call whose 403 and 409 the keys panel shows in place (a
 * drawer on the account list should not turn the page into the forbidden
 * page, and a key revoked meanwhile is said and the list reloaded), while
 * a lost session still goes to the login page.
 */
async function own<T>(method: string, p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) dispatchGlobal(e, method)
    throw e
  }
}

export const keysApi = {
  /** list returns the owner's keys, newest first. */
  list: (owner: KeyOwner, signal?: AbortSignal) => own('GET', http.get<SigningKey[] | null>('/keys', { query: { owner }, signal, quiet: true })).then((r) => r ?? []),
  /** rotate retires the active key and makes a new one; the answer is the owner's keys, the new one first. */
  rotate: (owner: KeyOwner) => own('POST', http.post<SigningKey[] | null>('/keys/rotate', { owner } satisfies RotateBody, { quiet: true })).then((r) => r ?? []),
  /** revoke withdraws a key for good; 400 names the reason field, 409 when it is revoked already. */
  revoke: (id: string, reason: string) => own('POST', http.post<SigningKey>(`/keys/${encodeURIComponent(id)}/revoke`, { reason } satisfies RevokeBody, { quiet: true })),
}
