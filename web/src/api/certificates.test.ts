import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, configureHttp } from './http'
import { certificatesApi, fetchFile, pdfUrl, publicCertificatesApi, recordUrl } from './certificates'

type Call = [string, RequestInit | undefined]

function stubFetch(status: number, body: unknown, contentType = 'application/json') {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => {
    const payload = body === undefined ? '' : typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body)
    return new Response(payload, { status, headers: { 'Content-Type': contentType } })
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

function call(fn: ReturnType<typeof stubFetch>, i = 0): { url: string; init: RequestInit; headers: Record<string, string> } {
  const [url, init] = fn.mock.calls[i] as Call
  return { url, init: init!, headers: (init!.headers ?? {}) as Record<string, string> }
}

async function fail(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('the call did not fail')
}

const verdict = { number: 'ZRGH-2026-000123', found: true, valid: true, status: 'valid', reasons: [] }

describe('certificates API (session)', () => {
  const seen: string[] = []
  beforeEach(() => {
    seen.length = 0
    configureHttp({
      csrf: () => 'tok',
      lang: () => 'zh-CN',
      onUnauthenticated: () => seen.push('401'),
      onForbidden: () => seen.push('403'),
      onConflict: () => seen.push('409'),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists a project’s certificates, quietly', async () => {
    const fn = stubFetch(200, [{ number: 'A-1' }])
    expect(await certificatesApi.list('p/1')).toEqual([{ number: 'A-1' }])
    expect(call(fn).url).toBe('/api/v1/projects/p%2F1/certificates')
    expect(call(fn).init.method).toBe('GET')

    // A refused list leaves the page where it is: no forbidden page, no login redirect.
    stubFetch(403, { status: 403, code: 'forbidden', detail: 'no' })
    const err = await fail(certificatesApi.list('p1'))
    expect(err.status).toBe(403)
    expect(seen).toEqual([])
  })

  it('revokes with the reason, the CSRF token and the session', async () => {
    const fn = stubFetch(200, { number: 'ZRGH-2026-000123', status: 'revoked' })
    await certificatesApi.revoke('ZRGH-2026-000123', '许可依据已失效')
    const c = call(fn)
    expect(c.url).toBe('/api/v1/certificates/ZRGH-2026-000123/revoke')
    expect(c.init.method).toBe('POST')
    expect(JSON.parse(String(c.init.body))).toEqual({ reason: '许可依据已失效' })
    expect(c.headers['X-CSRF-Token']).toBe('tok')
    expect(c.init.credentials).toBe('same-origin')
  })

  it('builds the PDF and record addresses', () => {
    expect(pdfUrl('ZRGH-2026-000123')).toBe('/api/v1/certificates/ZRGH-2026-000123/pdf')
    expect(recordUrl('p 1')).toBe('/api/v1/projects/p%201/record')
  })

  it('fetches a file as a blob with the session', async () => {
    const fn = stubFetch(200, '%PDF-1.7', 'application/pdf')
    const blob = await fetchFile('/api/v1/certificates/A-1/pdf')
    expect(await blob.text()).toBe('%PDF-1.7')
    expect(call(fn).url).toBe('/api/v1/certificates/A-1/pdf')
    expect(call(fn).init.credentials).toBe('same-origin')
  })

  it('turns a refused download into a message, sending to login only on 401', async () => {
    stubFetch(404, { status: 404, code: 'not_found', detail_zh: '未找到该项目', detail_en: 'no such project' })
    const e404 = await fail(fetchFile(recordUrl('p1')))
    expect(e404.status).toBe(404)
    expect(e404.message).toBe('未找到该项目')
    stubFetch(403, { status: 403, code: 'forbidden', detail: '无权下载' })
    expect((await fail(fetchFile(recordUrl('p1')))).message).toBe('无权下载')
    expect(seen).toEqual([])
    stubFetch(401, { status: 401, code: 'unauthenticated', detail: '请先登录' })
    const e401 = await fail(fetchFile(recordUrl('p1')))
    expect(e401.handled).toBe(true)
    expect(seen).toEqual(['401'])
  })
})

describe('public certificates API', () => {
  const seen: string[] = []
  beforeEach(() => {
    seen.length = 0
    configureHttp({
      csrf: () => 'tok',
      lang: () => 'en',
      onUnauthenticated: () => seen.push('401'),
      onForbidden: () => seen.push('403'),
      onConflict: () => seen.push('409'),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('looks a number up without cookie or CSRF token, in the reader’s language', async () => {
    const fn = stubFetch(200, verdict)
    expect(await publicCertificatesApi.byNumber('ZRGH-2026-000123')).toEqual(verdict)
    const c = call(fn)
    expect(c.url).toBe('/api/v1/public/certificates/ZRGH-2026-000123')
    expect(c.init.method).toBe('GET')
    expect(c.init.credentials).toBe('omit')
    expect(c.headers['X-CSRF-Token']).toBeUndefined()
    expect(c.headers['Accept-Language']).toBe('en')
  })

  it('escapes the number in the path', async () => {
    const fn = stubFetch(200, verdict)
    await publicCertificatesApi.byNumber('A/B?C')
    expect(call(fn).url).toBe('/api/v1/public/certificates/A%2FB%3FC')
  })

  it('posts the PDF as multipart field "file", without cookie or CSRF token', async () => {
    const fn = stubFetch(200, { ...verdict, file: { sm3: 'ab', matches: true } })
    const pdf = new Blob(['%PDF-1.7 test'], { type: 'application/pdf' })
    const got = await publicCertificatesApi.byFile(pdf, '证照.pdf')
    expect(got.file).toEqual({ sm3: 'ab', matches: true })
    const c = call(fn)
    expect(c.url).toBe('/api/v1/public/certificates/verify')
    expect(c.init.method).toBe('POST')
    expect(c.init.credentials).toBe('omit')
    expect(c.headers['X-CSRF-Token']).toBeUndefined()
    // No Content-Type of our own: the browser writes multipart/form-data with its boundary.
    expect(Object.keys(c.headers).map((k) => k.toLowerCase())).not.toContain('content-type')
    const form = c.init.body as FormData
    expect(form).toBeInstanceOf(FormData)
    const file = form.get('file') as File
    expect(file.name).toBe('证照.pdf')
    expect(await file.text()).toBe('%PDF-1.7 test')
    // The request as it goes out is multipart.
    const req = new Request('http://x' + c.url, { method: 'POST', body: form })
    expect(req.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
  })

  it('never runs the app-wide reactions: a public page is not sent to login', async () => {
    for (const status of [401, 403, 409]) {
      stubFetch(status, { status, code: 'x', detail: 'd' })
      const err = await fail(publicCertificatesApi.byNumber('A-1'))
      expect(err.status).toBe(status)
      expect(err.handled).toBe(false)
    }
    expect(seen).toEqual([])
  })

  it('reports a file too large and a network failure in the reader’s language', async () => {
    stubFetch(413, { status: 413, code: 'too_large', detail_zh: '文件超过 20 MB', detail_en: 'the file is over 20 MB' })
    const big = await fail(publicCertificatesApi.byFile(new Blob(['x']), 'x.pdf'))
    expect(big.status).toBe(413)
    expect(big.message).toBe('the file is over 20 MB')

    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const net = await fail(publicCertificatesApi.byNumber('A-1'))
    expect(net.code).toBe('network')
    expect(net.message).toMatch(/Network error/)
  })

  it('rejects an answer that is not a verdict', async () => {
    stubFetch(200, 'not json', 'text/html')
    const err = await fail(publicCertificatesApi.byNumber('A-1'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(502)
  })

  it('lets an abort through as an abort', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new DOMException('aborted', 'AbortError'))))
    const err = (await fail(publicCertificatesApi.byNumber('A-1'))) as unknown as DOMException
    expect(err.name).toBe('AbortError')
  })
})
