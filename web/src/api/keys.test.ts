import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, configureHttp } from './http'
import { keysApi, type SigningKey } from './keys'

const k = (id: string, state: SigningKey['state']): SigningKey => ({
  id,
  owner: 'dept:ZRGH',
  owner_name: '自然资源和规划局',
  alg: 'SM2',
  fingerprint: '3f9a0c1277be41d0',
  state,
  created_at: '2026-11-01T08:00:00Z',
  signatures: 0,
})

function stubFetch(status: number, body: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
  vi.stubGlobal('fetch', fn)
  return fn
}

async function fail(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('the call did not fail')
}

describe('keysApi', () => {
  const hooks = { onUnauthenticated: vi.fn(), onForbidden: vi.fn(), onConflict: vi.fn() }
  beforeEach(() => {
    Object.values(hooks).forEach((h) => h.mockReset())
    configureHttp({ csrf: () => 'tok', lang: () => 'zh-CN', ...hooks })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists an owner’s keys', async () => {
    const fn = stubFetch(200, [k('b', 'active'), k('a', 'retired')])
    const keys = await keysApi.list('dept:ZRGH')
    expect(keys.map((x) => x.id)).toEqual(['b', 'a'])
    expect(fn.mock.calls[0][0]).toBe('/api/v1/keys?owner=dept%3AZRGH')
    expect(fn.mock.calls[0][1]!.method).toBe('GET')
    expect(await (stubFetch(200, null), keysApi.list('me'))).toEqual([])
  })

  it('rotates with the owner in the body and the CSRF token', async () => {
    const fn = stubFetch(200, [k('c', 'active'), k('b', 'retired')])
    const keys = await keysApi.rotate('user:01J9')
    expect(keys[0].state).toBe('active')
    const [url, init] = fn.mock.calls[0]
    expect(url).toBe('/api/v1/keys/rotate')
    expect(init!.method).toBe('POST')
    expect(JSON.parse(init!.body as string)).toEqual({ owner: 'user:01J9' })
    expect((init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok')
  })

  it('revokes a key by id with the reason', async () => {
    const fn = stubFetch(200, { ...k('a b', 'revoked'), revoke_reason: '离岗' })
    const key = await keysApi.revoke('a b', '离岗')
    expect(key.state).toBe('revoked')
    expect(fn.mock.calls[0][0]).toBe('/api/v1/keys/a%20b/revoke')
    expect(JSON.parse(fn.mock.calls[0][1]!.body as string)).toEqual({ reason: '离岗' })
  })

  it('leaves 403 and 409 to the panel (no forbidden page, no reload box) but still sends a lost session to the login', async () => {
    stubFetch(403, { status: 403, code: 'forbidden', detail: '无权查看', title: 'Forbidden' })
    const e403 = await fail(keysApi.list('user:x'))
    expect(e403.status).toBe(403)
    expect(hooks.onForbidden).not.toHaveBeenCalled()

    stubFetch(409, { status: 409, code: 'conflict', key: 'sign.key_revoked_already', detail: '该密钥已吊销' })
    const e409 = await fail(keysApi.revoke('a', 'x'))
    expect(e409.message).toBe('该密钥已吊销')
    expect(hooks.onConflict).not.toHaveBeenCalled()

    stubFetch(401, { status: 401, code: 'unauthenticated', detail: '请登录' })
    const e401 = await fail(keysApi.rotate('me'))
    expect(e401.handled).toBe(true)
    expect(hooks.onUnauthenticated).toHaveBeenCalledTimes(1)
  })

  it('puts the server’s reason error on the field', async () => {
    stubFetch(400, { status: 400, code: 'invalid', detail: '请填写吊销原因（1–200 字）', fields: { reason: { code: 'invalid', message: '1–200 字', message_en: '1–200 characters' } } })
    const e = await fail(keysApi.revoke('a', ' '))
    expect(e.fields.reason).toBe('1–200 字')
  })
})
