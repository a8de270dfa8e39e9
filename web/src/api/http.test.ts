import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildUrl, configureHttp, fieldPath, http, problemToError } from './http'

const problem = {
  type: 'urn:tongban:error:invalid',
  title: '请求有误',
  status: 400,
  code: 'invalid',
  key: 'project.invalid',
  detail: '项目信息有误，请检查标注的字段',
  detail_zh: '项目信息有误，请检查标注的字段',
  detail_en: 'the project has errors in the marked fields',
  fields: {
    code: { code: 'invalid', message: '投资项目代码应为 24 位', message_en: 'a code has 24 characters' },
    'body.name': { code: 'invalid', message: '请填写项目名称', message_en: 'name required' },
  },
}

describe('problemToError', () => {
  it('picks the Chinese message and field errors', () => {
    const e = problemToError(400, problem, 'zh-CN')
    expect(e).toBeInstanceOf(ApiError)
    expect(e.message).toBe('项目信息有误，请检查标注的字段')
    expect(e.code).toBe('invalid')
    expect(e.key).toBe('project.invalid')
    expect(e.fields).toEqual({ code: '投资项目代码应为 24 位', name: '请填写项目名称' })
  })
  it('picks English when asked', () => {
    const e = problemToError(400, problem, 'en')
    expect(e.message).toBe('the project has errors in the marked fields')
    expect(e.fields.code).toBe('a code has 24 characters')
  })
  it('survives a body that is not a problem', () => {
    const e = problemToError(502, undefined, 'zh-CN')
    expect(e.status).toBe(502)
    expect(e.code).toBe('internal')
    expect(e.message).toContain('502')
  })
  it('strips huma’s body. prefix from field paths', () => {
    expect(fieldPath('body.answers.x')).toBe('answers.x')
    expect(fieldPath('materials.M-SQB')).toBe('materials.M-SQB')
  })
})

describe('buildUrl', () => {
  it('prefixes the API base and drops empty parameters', () => {
    expect(buildUrl('/projects', { limit: 10, offset: 0, q: '', state: undefined })).toBe('/api/v1/projects?limit=10&offset=0')
    expect(buildUrl('/tasks', { state: [6, 8] })).toBe('/api/v1/tasks?state=6&state=8')
  })
})

async function fail(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('the call did not fail')
}

describe('request', () => {
  afterEach(() => vi.unstubAllGlobals())

  function stubFetch(status: number, body: unknown) {
    const fn = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
    vi.stubGlobal('fetch', fn)
    return fn
  }

  it('sends the CSRF token and language on unsafe requests only', async () => {
    configureHttp({ csrf: () => 'tok', lang: () => 'en' })
    const fn = stubFetch(200, { ok: true })
    await http.post('/projects', { a: 1 })
    await http.get('/projects')
    const post = fn.mock.calls[0][1]!.headers as Record<string, string>
    const get = fn.mock.calls[1][1]!.headers as Record<string, string>
    expect(post['X-CSRF-Token']).toBe('tok')
    expect(post['Accept-Language']).toBe('en')
    expect(post['Content-Type']).toBe('application/json')
    expect(get['X-CSRF-Token']).toBeUndefined()
  })

  it('runs the app-wide handlers for 401, 403 and 409 and marks the error handled', async () => {
    const seen: string[] = []
    configureHttp({
      lang: () => 'zh-CN',
      onUnauthenticated: () => seen.push('401'),
      onForbidden: (_e, m) => seen.push(`403 ${m}`),
      onConflict: (e) => seen.push(`409 ${e.key}`),
    })
    for (const [status, code, key] of [
      [401, 'unauthenticated', 'auth.required'],
      [403, 'forbidden', 'auth.role'],
      [409, 'conflict', 'db.stale'],
    ] as const) {
      stubFetch(status, { status, code, key, title: 't', detail: 'd' })
      const err = await fail(http.post('/x', {}))
      expect(err).toBeInstanceOf(ApiError)
      expect(err.handled).toBe(true)
    }
    expect(seen).toEqual(['401', '403 POST', '409 db.stale'])
  })

  it('leaves quiet calls to the caller', async () => {
    let called = false
    configureHttp({ onUnauthenticated: () => (called = true) })
    stubFetch(401, { status: 401, code: 'unauthenticated', detail: 'd' })
    const err = await fail(http.get('/me', { quiet: true }))
    expect(err.status).toBe(401)
    expect(err.handled).toBe(false)
    expect(called).toBe(false)
  })

  it('reports an unreachable server as a network error', async () => {
    configureHttp({ lang: () => 'zh-CN' })
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const err = await fail(http.get('/projects'))
    expect(err.status).toBe(0)
    expect(err.code).toBe('network')
  })
})
