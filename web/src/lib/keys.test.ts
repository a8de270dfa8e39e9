import { describe, expect, it } from 'vitest'
import type { SigningKey } from '@/api/keys'
import { canManageKeys, canReadKeys, checkRevokeReason, deptOwner, hasOwnKeys, keyEndedAt, keyStateTag, replaceKey, revocable, REVOKE_REASON_MAX, signsDecisions, userOwner } from './keys'

const key = (id: string, state: SigningKey['state'], extra: Partial<SigningKey> = {}): SigningKey => ({
  id,
  owner: 'user:u1',
  owner_name: '张三',
  alg: 'SM2',
  fingerprint: '3f9a0c1277be41d0',
  state,
  created_at: '2026-11-01T08:00:00Z',
  signatures: 3,
  ...extra,
})

describe('who may do what', () => {
  it('lets the security and audit administrators read, only the security administrator manage', () => {
    expect(canReadKeys(['secadmin'])).toBe(true)
    expect(canReadKeys(['auditadmin'])).toBe(true)
    expect(canReadKeys(['sysadmin'])).toBe(false)
    expect(canReadKeys(['approver'])).toBe(false)
    expect(canManageKeys(['secadmin'])).toBe(true)
    expect(canManageKeys(['auditadmin'])).toBe(false)
    expect(canManageKeys(['sysadmin'])).toBe(false)
  })
  it('gives keys to officers only', () => {
    expect(hasOwnKeys(['clerk'])).toBe(true)
    expect(hasOwnKeys(['lead', 'reviewer'])).toBe(true)
    expect(hasOwnKeys(['applicant'])).toBe(false)
    expect(hasOwnKeys(['supervisor'])).toBe(false)
    expect(signsDecisions({ roles: ['approver'] })).toBe(true)
    expect(signsDecisions({ roles: ['secadmin'] })).toBe(false)
  })
  it('names owners', () => {
    expect(userOwner('01J9')).toBe('user:01J9')
    expect(deptOwner('ZRGH')).toBe('dept:ZRGH')
  })
})

describe('key states', () => {
  it('maps states to tag colours', () => {
    expect(keyStateTag('active')).toBe('success')
    expect(keyStateTag('retired')).toBe('info')
    expect(keyStateTag('revoked')).toBe('danger')
    expect(keyStateTag('other')).toBe('info')
  })
  it('says when a key stopped signing', () => {
    expect(keyEndedAt(key('a', 'active'))).toBe('')
    expect(keyEndedAt(key('a', 'retired', { retired_at: '2026-11-02T08:00:00Z' }))).toBe('2026-11-02T08:00:00Z')
    expect(keyEndedAt(key('a', 'revoked', { retired_at: '2026-11-02T08:00:00Z', revoked_at: '2026-11-03T08:00:00Z' }))).toBe('2026-11-03T08:00:00Z')
  })
  it('offers revocation on keys not revoked yet', () => {
    expect(revocable(key('a', 'active'))).toBe(true)
    expect(revocable(key('a', 'retired'))).toBe(true)
    expect(revocable(key('a', 'revoked'))).toBe(false)
  })
  it('puts the server’s answer in place', () => {
    const list = [key('b', 'active'), key('a', 'retired')]
    const next = replaceKey(list, key('a', 'revoked', { revoke_reason: '离岗' }))
    expect(next.map((k) => [k.id, k.state])).toEqual([
      ['b', 'active'],
      ['a', 'revoked'],
    ])
    expect(list[1].state).toBe('retired')
    expect(replaceKey(list, key('c', 'active')).map((k) => k.id)).toEqual(['c', 'b', 'a'])
  })
})

describe('checkRevokeReason', () => {
  it('wants 1–200 characters after trimming, counted as characters not bytes', () => {
    expect(checkRevokeReason('')).toBe('reasonRequired')
    expect(checkRevokeReason('   ')).toBe('reasonRequired')
    expect(checkRevokeReason('密钥疑似泄露')).toBe('')
    expect(checkRevokeReason('泄'.repeat(REVOKE_REASON_MAX))).toBe('')
    expect(checkRevokeReason('泄'.repeat(REVOKE_REASON_MAX + 1))).toBe('reasonTooLong')
    expect(checkRevokeReason('😀'.repeat(REVOKE_REASON_MAX))).toBe('')
    expect(checkRevokeReason(`  ${'a'.repeat(REVOKE_REASON_MAX)}  `)).toBe('')
  })
})
