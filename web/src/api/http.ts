// The one HTTP client of the UI: JSON in and out, the CSRF header on unsafe
// requests, RFC 9457 problems turned into ApiError with the message in the
// current language, and the app-wide reactions to 401, 403 and 409 (wired
// in main.ts through configureHttp, so this module has no UI imports and is
// testable on its own).
import type { Problem } from './types'

export type Lang = 'zh-CN' | 'en'

export const API_BASE = '/api/v1'

/** ApiError is a failed API call: the problem's code and message, and field errors by field path. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly key: string
  readonly title: string
  /** Field errors by field path ("code", "answers.touches_river", "materials.M-SQB"), in the current language. */
  readonly fields: Record<string, string>
  readonly problem?: Problem
  /** Set once an app-wide handler (login redirect, conflict box, forbidden page) has dealt with it. */
  handled = false

  constructor(status: number, message: string, opts: { code?: string; key?: string; title?: string; fields?: Record<string, string>; problem?: Problem } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = opts.code ?? codeOfStatus(status)
    this.key = opts.key ?? ''
    this.title = opts.title ?? ''
    this.fields = opts.fields ?? {}
    this.problem = opts.problem
  }
}

function codeOfStatus(status: number): string {
  switch (status) {
    case 0:
      return 'network'
    case 400:
      return 'invalid'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 413:
      return 'too_large'
  }
  return status >= 500 ? 'internal' : 'invalid'
}

/** fieldPath normalises a problem's field path: huma reports "body.code", the domain "code". */
export function fieldPath(path: string): string {
  return path.startsWith('body.') ? path.slice(5) : path
}

const fallbackText: Record<Lang, Record<string, string>> = {
  'zh-CN': { network: '网络连接失败，请检查网络后重试', http: '请求失败（HTTP {status}）' },
  en: { network: 'Network error: check the connection and try again', http: 'Request failed (HTTP {status})' },
}

/** problemToError turns a response status and its (parsed) body into an ApiError in lang. */
export function problemToError(status: number, body: unknown, lang: Lang): ApiError {
  const en = lang === 'en'
  if (body && typeof body === 'object' && ('detail' in body || 'code' in body || 'title' in body)) {
    const p = body as Problem
    const message = (en ? p.detail_en : p.detail_zh) || p.detail || p.title || fallbackText[lang].http.replace('{status}', String(status))
    const fields: Record<string, string> = {}
    for (const [k, f] of Object.entries(p.fields ?? {})) {
      fields[fieldPath(k)] = (en ? f.message_en : undefined) || f.message || f.code
    }
    return new ApiError(p.status || status, message, { code: p.code, key: p.key, title: p.title, fields, problem: p })
  }
  return new ApiError(status, fallbackText[lang].http.replace('{status}', String(status)))
}

export function networkError(lang: Lang): ApiError {
  return new ApiError(0, fallbackText[lang].network)
}

/** HttpHooks are the app-wide reactions, set by main.ts. */
export interface HttpHooks {
  csrf: () => string
  lang: () => Lang
  /** 401 on any call but the session probe: go to the login page keeping the target. */
  onUnauthenticated: (err: ApiError) => void
  /** 403: the forbidden page (reads) or a message (writes). */
  onForbidden: (err: ApiError, method: string) => void
  /** 409: "someone else acted first, reload". */
  onConflict: (err: ApiError) => void
}

let hooks: HttpHooks = {
  csrf: () => '',
  lang: () => 'zh-CN',
  onUnauthenticated: () => {},
  onForbidden: () => {},
  onConflict: () => {},
}

export function configureHttp(h: Partial<HttpHooks>): void {
  hooks = { ...hooks, ...h }
}

export function currentHooks(): HttpHooks {
  return hooks
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined | Array<string | number>>
  body?: unknown
  signal?: AbortSignal
  /** quiet: the caller handles 401/403/409 itself (no redirect, no dialog). */
  quiet?: boolean
}

export function isUnsafe(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  let url = path.startsWith('/api/') ? path : API_BASE + path
  if (query) {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)))
      else qs.append(k, String(v))
    }
    const s = qs.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  return url
}

/** dispatchGlobal runs the app-wide reaction to an error status unless the caller asked for quiet. */
export function dispatchGlobal(err: ApiError, method: string, quiet?: boolean): void {
  if (quiet) return
  if (err.status === 401) {
    err.handled = true
    hooks.onUnauthenticated(err)
  } else if (err.status === 403) {
    err.handled = true
    hooks.onForbidden(err, method.toUpperCase())
  } else if (err.status === 409) {
    err.handled = true
    hooks.onConflict(err)
  }
}

export function requestHeaders(method: string, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json, application/problem+json', 'Accept-Language': hooks.lang() === 'en' ? 'en' : 'zh-CN' }
  if (hasBody) h['Content-Type'] = 'application/json'
  if (isUnsafe(method)) {
    const t = hooks.csrf()
    if (t) h['X-CSRF-Token'] = t
  }
  return h
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const hasBody = opts.body !== undefined
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers: requestHeaders(method, hasBody),
      body: hasBody ? JSON.stringify(opts.body) : undefined,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw networkError(hooks.lang())
  }
  const text = await res.text()
  let body: unknown = undefined
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
  }
  if (!res.ok) {
    const err = problemToError(res.status, body, hooks.lang())
    dispatchGlobal(err, method, opts.quiet)
    throw err
  }
  return body as T
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
}
