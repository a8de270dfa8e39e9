import { describe, expect, it } from 'vitest'
import { checkPasswordChange, policyMsgs, serverFieldErrors } from './account'

const keys = (l?: { key: string }[]) => (l ?? []).map((m) => m.key)

describe('checkPasswordChange', () => {
  const ok = { current: 'Old-pass-2024', next: 'Xiamen#2025ok', repeat: 'Xiamen#2025ok' }

  it('accepts a good change', () => expect(checkPasswordChange(ok, 'qiye')).toEqual({}))

  it('requires every field', () => {
    const e = checkPasswordChange({ current: '', next: '', repeat: '' }, 'qiye')
    expect(keys(e.current)).toEqual(['account.check.currentRequired'])
    expect(keys(e.next)).toEqual(['account.check.newRequired'])
    expect(keys(e.repeat)).toEqual(['account.check.repeatRequired'])
  })

  it('applies the password policy to the new password, every rule at once', () => {
    const e = checkPasswordChange({ ...ok, next: 'qiye', repeat: 'qiye' }, 'qiye')
    expect(keys(e.next)).toEqual(['admin.check.passwordShort', 'admin.check.passwordClasses', 'admin.check.passwordUsername'])
    expect(e.next?.[0].params).toEqual({ min: 10, n: 4 })
  })

  it('refuses the same password again', () => {
    const e = checkPasswordChange({ current: 'Xiamen#2025ok', next: 'Xiamen#2025ok', repeat: 'Xiamen#2025ok' }, 'qiye')
    expect(keys(e.next)).toEqual(['account.check.same'])
  })

  it('wants the repeat to match', () => {
    expect(keys(checkPasswordChange({ ...ok, repeat: 'Xiamen#2025oK' }, 'qiye').repeat)).toEqual(['account.check.repeatMismatch'])
  })

  it('counts characters, not bytes, like the server', () => {
    expect(checkPasswordChange({ ...ok, next: '厦门市#2024ok好', repeat: '厦门市#2024ok好' }, 'qiye')).toEqual({})
  })

  it('ignores a username under three characters', () => {
    expect(checkPasswordChange({ ...ok, next: 'ab#Cdefghij', repeat: 'ab#Cdefghij' }, 'ab')).toEqual({})
  })
})

describe('policyMsgs', () => {
  it('uses the given key for an empty password', () => {
    expect(policyMsgs([{ key: 'passwordRequired' }, null], 'x.required')).toEqual([{ key: 'x.required' }])
  })
})

describe('serverFieldErrors', () => {
  it('maps API fields to the form and keeps the rest', () => {
    expect(serverFieldErrors({ current_password: '当前密码不正确', new_password: '太短', other: '别的' })).toEqual({
      byField: { current: '当前密码不正确', next: '太短' },
      rest: ['别的'],
    })
  })
})
