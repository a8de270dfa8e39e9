// Electronic certificates (电子证照): what the public verification page
// accepts as a certificate number and as an uploaded file, how each
// verification outcome looks, the reasons in the reader's language, and
// the small formatting the project page's certificate card needs. Pure
// and tested; the server stays authoritative on every check.
import type { Lang } from '@/api/http'
import type { Certificate, CertificateVerification, VerificationLedger, VerificationReason } from '@/api/certificates'

/** NUMBER_MAX is the longest certificate number accepted (the server's numbers are far shorter). */
export const NUMBER_MAX = 64

/** PDF_MAX_BYTES is the largest file the public verification accepts (20 MB, as the server). */
export const PDF_MAX_BYTES = 20 * 1024 * 1024

/** REVOKE_REASON_MAX is the longest revocation reason, in characters (code points). */
export const REVOKE_REASON_MAX = 500

/** PDF_POLL_MS is how often the certificate card asks again while a PDF is being rendered. */
export const PDF_POLL_MS = 3000

/** Check is an i18n key under "verify.check." with its parameters, or null when the value is fine. */
export type Check = { key: string; params?: Record<string, string | number> } | null

/**
 * normalizeNumber turns what a person typed or pasted into a certificate
 * number: full-width characters (a Chinese input method's Ａ１－) become
 * ASCII, spaces go, letters are upper-cased, and a pasted verification
 * address (the QR code's …/verify/{number}) gives its number.
 */
export function normalizeNumber(raw: string | null | undefined): string {
  if (!raw) return ''
  let s = String(raw)
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\s\u3000]+/g, '')
  const m = /\/verify\/([^/?#]+)/i.exec(s)
  if (m) {
    try {
      s = decodeURIComponent(m[1])
    } catch {
      s = m[1]
    }
  }
  return s.toUpperCase()
}

/** checkNumber checks a normalised number: ASCII letters, digits and inner '-', at most NUMBER_MAX. */
export function checkNumber(n: string): Check {
  if (!n) return { key: 'numberRequired' }
  if (n.length > NUMBER_MAX) return { key: 'numberLong', params: { max: NUMBER_MAX } }
  const bad = [...n].find((c) => !/[A-Z0-9-]/.test(c))
  if (bad !== undefined) return { key: 'numberChar', params: { c: bad } }
  if (n.startsWith('-') || n.endsWith('-')) return { key: 'numberDash' }
  return null
}

/** FileLike is what checkPdfFile reads of a File. */
export interface FileLike {
  name: string
  size: number
  type?: string
}

/** checkPdfFile checks an uploaded file before it is sent: a PDF, not empty, at most PDF_MAX_BYTES. */
export function checkPdfFile(f: FileLike | null | undefined): Check {
  if (!f) return { key: 'fileRequired' }
  const pdfName = /\.pdf$/i.test(f.name)
  const pdfType = f.type === 'application/pdf' || f.type === 'application/x-pdf'
  if (!pdfName && !pdfType) return { key: 'fileType', params: { name: f.name } }
  if (f.size <= 0) return { key: 'fileEmpty' }
  if (f.size > PDF_MAX_BYTES) return { key: 'fileLarge', params: { size: megabytes(f.size), max: megabytes(PDF_MAX_BYTES) } }
  return null
}

/** isPdfMagic tells whether a file starts as a PDF does ("%PDF-"), whatever its name says. */
export function isPdfMagic(head: Uint8Array): boolean {
  const magic = [0x25, 0x50, 0x44, 0x46, 0x2d]
  return head.length >= magic.length && magic.every((b, i) => head[i] === b)
}

function megabytes(n: number): string {
  const mb = n / 1024 / 1024
  return mb >= 10 || Number.isInteger(mb) ? String(Math.round(mb)) : mb.toFixed(1)
}

/** Outcome is the verdict the page shows in big: one of four, each with its colour. */
export type Outcome = 'valid' | 'revoked' | 'invalid' | 'not_found'

/** Look is how an outcome is shown: the tone (Element Plus type, also the colour) and the i18n key of its title. */
export interface Look {
  outcome: Outcome
  tone: 'success' | 'warning' | 'danger' | 'info'
  /** i18n key of the headline: 证照有效 / 证照已撤销 / 证照无效 / 未找到该编号 */
  title: string
}

const looks: Record<Outcome, Look> = {
  valid: { outcome: 'valid', tone: 'success', title: 'verify.status.valid' },
  revoked: { outcome: 'revoked', tone: 'warning', title: 'verify.status.revoked' },
  invalid: { outcome: 'invalid', tone: 'danger', title: 'verify.status.invalid' },
  not_found: { outcome: 'not_found', tone: 'info', title: 'verify.status.not_found' },
}

/**
 * outcomeOf decides the verdict. Green only when the server says valid
 * (found, signature valid, in the ledger, not revoked, the same file);
 * revoked wins over the other faults, since revocation is the reason a
 * holder most needs to see; anything else found but not valid is red.
 */
export function outcomeOf(v: Pick<CertificateVerification, 'found' | 'valid' | 'status'>): Outcome {
  if (!v.found || v.status === 'not_found') return 'not_found'
  if (v.status === 'revoked') return 'revoked'
  if (v.valid && v.status === 'valid') return 'valid'
  return 'invalid'
}

export function lookOf(v: Pick<CertificateVerification, 'found' | 'valid' | 'status'>): Look {
  return looks[outcomeOf(v)]
}

/** reasonText is a reason in the reader's language, falling back to the other one. */
export function reasonText(r: VerificationReason, lang: Lang): string {
  return (lang === 'en' ? r.en || r.zh : r.zh || r.en) || r.code
}

/**
 * reasonsOf lists why a certificate is not valid, in lang. The server's
 * reasons come first; if it gave none, the page says what it can see
 * itself (signature, ledger, file), so a red verdict never stands without
 * a reason. A revoked certificate's own revocation reason is shown apart,
 * so a "revoked" reason is left out of the list.
 */
export function reasonsOf(v: CertificateVerification, lang: Lang, t: (key: string) => string): string[] {
  const outcome = outcomeOf(v)
  if (outcome === 'valid' || outcome === 'not_found') return []
  const listed = (v.reasons ?? []).filter((r) => !(outcome === 'revoked' && /revoked/i.test(r.code)))
  if (listed.length) return listed.map((r) => reasonText(r, lang))
  if (outcome === 'revoked') return []
  const own: string[] = []
  if (v.signature && !v.signature.valid) own.push(t('verify.reason.signature'))
  if (v.ledger && !v.ledger.included && !v.ledger.pending) own.push(t('verify.reason.ledger'))
  if (!v.ledger) own.push(t('verify.reason.noLedger'))
  if (v.file && !v.file.matches) own.push(t('verify.reason.file'))
  if (!own.length) own.push(t('verify.reason.unknown'))
  return own
}

/** notFound is the verdict for a number the server does not know (a 404 instead of a found:false body). */
export function notFound(number: string): CertificateVerification {
  return { number, found: false, valid: false, status: 'not_found', reasons: [] }
}

/** formatFingerprint shows a hex key fingerprint in groups of four: 3A7F 09C2 5B1E 44D0. */
export function formatFingerprint(fp: string | null | undefined): string {
  if (!fp) return ''
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase()
  if (!hex) return fp
  return hex.match(/.{1,4}/g)!.join(' ')
}

/** leafPosition is the ledger line's "第 N 条，共 M 条": 1-based entry and the tree's size. */
export function leafPosition(l: { leaf_index: number; tree_size: number }): { n: number; total: number } {
  return { n: l.leaf_index + 1, total: l.tree_size }
}

/** LedgerLine is the verification page's ledger line: its tone and message (i18n key and parameters). */
export interface LedgerLine {
  tone: 'ok' | 'bad' | 'none'
  key: string
  params: Record<string, number>
}

/**
 * ledgerLine says where the certificate's issue is in the ledger: under
 * the latest checkpoint (第 N 条，共 M 条); recorded after it (pending: the
 * server found and checked the entry, only its inclusion proof waits for
 * the next checkpoint — not a fault, and the position against the older
 * checkpoint's size would read "第 190 条，共 188 条"); or not there (red).
 */
export function ledgerLine(l: VerificationLedger | null | undefined): LedgerLine {
  if (!l) return { tone: 'none', key: 'verify.ledgerNone', params: {} }
  if (l.included) return { tone: 'ok', key: 'verify.ledgerLine', params: leafPosition(l) }
  if (l.pending) return { tone: 'ok', key: 'verify.ledgerPending', params: { n: l.leaf_index + 1 } }
  return { tone: 'bad', key: 'verify.ledgerMissing', params: {} }
}

/** checkRevokeReason checks a revocation reason: 1–REVOKE_REASON_MAX characters after trimming. */
export function checkRevokeReason(raw: string): Check {
  const n = [...raw.trim()].length
  if (n === 0) return { key: 'reasonRequired' }
  if (n > REVOKE_REASON_MAX) return { key: 'reasonLong', params: { max: REVOKE_REASON_MAX, n } }
  return null
}

/** needsPdfPoll: some certificate's PDF is still being rendered, so the card asks again. */
export function needsPdfPoll(list: Pick<Certificate, 'pdf_ready'>[] | null | undefined): boolean {
  return (list ?? []).some((c) => !c.pdf_ready)
}

/** certTagType is the status tag's colour on the card. */
export function certTagType(status: Certificate['status']): 'success' | 'warning' {
  return status === 'valid' ? 'success' : 'warning'
}

/** safeFileName keeps a download's name legal on every system (no / \ : * ? " < > | or control characters). */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '_').replace(/\s+/g, ' ').trim()
  return s.replace(/^\.+/, '') || 'download'
}

/** recordFileName is the project record download's name: 办件记录-{project code}.json. */
export function recordFileName(projectCode: string): string {
  return safeFileName(`办件记录-${projectCode}.json`)
}

/** pdfFileName is a certificate PDF's download name: {title}-{number}.pdf. */
export function pdfFileName(c: Pick<Certificate, 'title' | 'number'>): string {
  return safeFileName(c.title ? `${c.title}-${c.number}.pdf` : `${c.number}.pdf`)
}

/** verifyPath is the public verification page of a number, as the QR code opens it. */
export function verifyPath(number: string): string {
  return `/verify/${encodeURIComponent(number)}`
}
