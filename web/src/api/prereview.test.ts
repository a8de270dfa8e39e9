import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, configureHttp } from './http'
import { materialPageUrl, prereviewApi } from './prereview'
import type { MaterialCheck } from './types'

const check: MaterialCheck = {
  status: 'done',
  ocr: 'pending',
  errors: 1,
  warnings: 0,
  checked_at: '2026-11-27T08:10:00Z',
  report: {
    file: 'a.pdf',
    type: 'pdf',
    pages: 2,
    findings: [{ code: 'seal_missing', severity: 'error', page: 2, message: '缺少公章', message_en: 'No seal' }],
    seals: [],
    fields: {},
    page_info: [{ page: 1, width: 1240, height: 1754, dpi: 150, blank: false }],
    ocr: 'pending',
  },
}

function stubFetch(status: number, body: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
  vi.stubGlobal('fetch', fn)
  return fn
}

describe('materialPageUrl', () => {
  it('names the page of a version, escaped and 1-based', () => {
    expect(materialPageUrl('01J9ABC', 3)).toBe('/api/v1/materials/01J9ABC/pages/3')
    expect(materialPageUrl('a/b c', 1)).toBe('/api/v1/materials/a%2Fb%20c/pages/1')
    expect(materialPageUrl('m', 0)).toBe('/api/v1/materials/m/pages/1')
    expect(materialPageUrl('m', 2.7)).toBe('/api/v1/materials/m/pages/2')
  })
})

describe('prereviewApi.recheck', () => {
  const hooks = { onUnauthenticated: vi.fn(), onForbidden: vi.fn(), onConflict: vi.fn() }
  beforeEach(() => {
    Object.values(hooks).forEach((h) => h.mockReset())
    configureHttp({ csrf: () => 'tok', lang: () => 'zh-CN', ...hooks })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('POSTs with the CSRF token and returns the fast result', async () => {
    const fn = stubFetch(200, check)
    const got = await prereviewApi.recheck('01J9 X')
    expect(got.ocr).toBe('pending')
    expect(got.report?.findings?.[0].code).toBe('seal_missing')
    const [url, init] = fn.mock.calls[0]
    expect(url).toBe('/api/v1/materials/01J9%20X/recheck')
    expect(init!.method).toBe('POST')
    expect((init!.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok')
  })

  it('turns a refusal into an ApiError in the current language and lets the app react to 403', async () => {
    stubFetch(403, { type: 'about:blank', title: 'Forbidden', status: 403, code: 'forbidden', detail: '无权操作', detail_zh: '无权操作', detail_en: 'Not allowed' })
    configureHttp({ lang: () => 'en' })
    const err = await prereviewApi.recheck('m').then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(403)
    expect((err as ApiError).message).toBe('Not allowed')
    expect(hooks.onForbidden).toHaveBeenCalledWith(err, 'POST')
  })

  it('reports a missing version as not found', async () => {
    stubFetch(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: '材料不存在' })
    const err = (await prereviewApi.recheck('gone').catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe('not_found')
    expect(err.message).toBe('材料不存在')
  })
})
