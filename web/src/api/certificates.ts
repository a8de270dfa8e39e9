// Electronic certificates (电子证照): a project's certificates, their PDF
// and revocation for the logged-in, and the public verification by number
// or by uploaded PDF for anyone. Also the project's verifiable record
// download, a file like the PDF.
//
// The public calls send no cookie (credentials: 'omit'): they need no
// session, and a person who happens to be logged in would otherwise have
// the POST refused for want of a CSRF token the public page never asks
// for (it does not call /me). They never trigger the app-wide 401/403/409
// reactions either: a public page must not send anyone to the login page.
import { API_BASE, ApiError, buildUrl, currentHooks, dispatchGlobal, http, networkError, problemToError, requestHeaders } from './http'

export type CertificateKind = 'licence' | 'approval' | 'filing'
export type CertificateStatus = 'valid' | 'revoked'

/** Certificate is one of a project's certificates (GET /projects/{id}/certificates). */
export interface Certificate {
  number: string
  kind: CertificateKind
  title: string
  item_code: string
  item_name: string
  dept_code: string
  issuer: string
  holder_name: string
  holder_uscc: string
  project_name: string
  project_code: string
  issued_at: string
  status: CertificateStatus
  revoked_at?: string
  revoke_reason?: string
  revoked_by?: string
  /** false for a few seconds after issue, while the PDF is rendered */
  pdf_ready: boolean
  pdf_url: string
  verify_url: string
  /** whether the current user may revoke it (an approver of the issuing department) */
  can_revoke: boolean
}

/** VerificationReason is one reason a certificate is not valid, in both languages. */
export interface VerificationReason {
  code: string
  zh: string
  en: string
}

export interface VerificationSignature {
  /** "SM2-SM3" */
  alg: string
  key_id: string
  fingerprint: string
  valid: boolean
}

export interface VerificationLedger {
  /** 0-based index of the certificate's leaf */
  leaf_index: number
  tree_size: number
  /** hex */
  root: string
  /** inclusion proof, hex hashes from the leaf up */
  proof: string[]
  /** the signed checkpoint (C2SP note) the proof is against */
  checkpoint: string
  included: boolean
  /** recorded after the latest checkpoint: the entry is checked, its proof comes with the next checkpoint */
  pending?: boolean
}

/** CertificateVerification is the public verdict on a number or an uploaded PDF. */
export interface CertificateVerification {
  number: string
  found: boolean
  /** true only when found, signature valid, in the ledger, not revoked and (upload) the issued file */
  valid: boolean
  status: 'valid' | 'revoked' | 'invalid' | 'not_found'
  reasons: VerificationReason[] | null
  title?: string
  kind?: string
  holder_name?: string
  holder_uscc?: string
  project_name?: string
  project_code?: string
  issuer?: string
  issued_at?: string
  revoked_at?: string
  revoke_reason?: string
  signature?: VerificationSignature
  ledger?: VerificationLedger
  /** uploads only: the file's SM3 and whether it is the PDF that was issued */
  file?: { sm3: string; matches: boolean }
}

const cert = (number: string) => `/certificates/${encodeURIComponent(number)}`

export const certificatesApi = {
  /** list is quiet: a card that cannot load stays hidden rather than sending the page to 403. */
  list: (projectId: string, signal?: AbortSignal) => http.get<Certificate[] | null>(`/projects/${encodeURIComponent(projectId)}/certificates`, { signal, quiet: true }),
  revoke: (number: string, reason: string) => http.post<Certificate>(`${cert(number)}/revoke`, { reason }),
}

/** pdfUrl is a certificate's PDF (the list's pdf_url says the same). */
export function pdfUrl(number: string): string {
  return `${API_BASE}${cert(number)}/pdf`
}

/** recordUrl is a project's verifiable record (tongban/record/v1). */
export function recordUrl(projectId: string): string {
  return `${API_BASE}/projects/${encodeURIComponent(projectId)}/record`
}

async function readProblem(res: Response): Promise<unknown> {
  try {
    const text = await res.text()
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/**
 * fetchFile GETs a download with the session (a certificate PDF, the
 * project record) as a Blob, so a failure is a message on the page rather
 * than an error document saved to disk.
 */
export async function fetchFile(url: string, signal?: AbortSignal): Promise<Blob> {
  const headers = requestHeaders('GET', false)
  headers.Accept = '*/*'
  let res: Response
  try {
    res = await fetch(buildUrl(url), { method: 'GET', headers, credentials: 'same-origin', signal })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw networkError(currentHooks().lang())
  }
  if (!res.ok) {
    const err = problemToError(res.status, await readProblem(res), currentHooks().lang())
    // Only a lost session is the app's business (to the login page); a
    // refused or missing file is said where the button is, not by leaving
    // the page for the forbidden one as a refused read would.
    if (err.status === 401) dispatchGlobal(err, 'GET')
    throw err
  }
  return res.blob()
}

async function publicCall(path: string, init: RequestInit): Promise<CertificateVerification> {
  const lang = currentHooks().lang()
  let res: Response
  try {
    res = await fetch(buildUrl(path), {
      ...init,
      headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' },
      credentials: 'omit',
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw networkError(lang)
  }
  const body = await readProblem(res)
  if (!res.ok) throw problemToError(res.status, body, lang)
  if (!body || typeof body !== 'object') throw new ApiError(502, problemToError(502, undefined, lang).message)
  return body as CertificateVerification
}

export const publicCertificatesApi = {
  /** byNumber: GET /public/certificates/{number}, no session. */
  byNumber: (number: string, signal?: AbortSignal) => publicCall(`/public/certificates/${encodeURIComponent(number)}`, { method: 'GET', signal }),
  /** byFile: POST the PDF as multipart field "file"; the browser sets the multipart boundary. */
  byFile: (file: Blob, fileName: string, signal?: AbortSignal) => {
    const form = new FormData()
    form.append('file', file, fileName)
    return publicCall('/public/certificates/verify', { method: 'POST', body: form, signal })
  },
}
