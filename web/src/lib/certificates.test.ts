import { describe, expect, it } from 'vitest'
import type { CertificateVerification } from '@/api/certificates'
import {
  checkNumber,
  checkPdfFile,
  checkRevokeReason,
  certTagType,
  formatFingerprint,
  isPdfMagic,
  leafPosition,
  ledgerLine,
  lookOf,
  needsPdfPoll,
  normalizeNumber,
  notFound,
  NUMBER_MAX,
  outcomeOf,
  PDF_MAX_BYTES,
  pdfFileName,
  reasonsOf,
  reasonText,
  recordFileName,
  safeFileName,
  verifyPath,
} from './certificates'

describe('normalizeNumber', () => {
  it.each([
    ['zrgh-2026-000123', 'ZRGH-2026-000123'],
    ['  ZRGH-2026-000123 \n', 'ZRGH-2026-000123'],
    ['ZRGH 2026 000123', 'ZRGH2026000123'],
    // A Chinese input method: full-width letters, digits and dash, an ideographic space.
    ['\u3000ｚｒｇｈ－２０２６－０００１２３', 'ZRGH-2026-000123'],
    ['ZRGH–2026—000123', 'ZRGH-2026-000123'],
    // The QR code's address pasted whole.
    ['https://tongban.example.gov.cn/verify/zrgh-2026-000123', 'ZRGH-2026-000123'],
    ['https://tongban.example.gov.cn/verify/ZRGH-2026-000123?from=qr#x', 'ZRGH-2026-000123'],
    ['', ''],
  ])('%j → %j', (raw, want) => {
    expect(normalizeNumber(raw)).toBe(want)
  })
  it('survives null and undefined', () => {
    expect(normalizeNumber(null)).toBe('')
    expect(normalizeNumber(undefined)).toBe('')
  })
})

describe('checkNumber', () => {
  it.each([
    ['ZRGH-2026-000123', null],
    ['A', null],
    ['', { key: 'numberRequired' }],
    ['ZRGH_2026', { key: 'numberChar', params: { c: '_' } }],
    ['证照-1', { key: 'numberChar', params: { c: '证' } }],
    ['-ZRGH', { key: 'numberDash' }],
    ['ZRGH-', { key: 'numberDash' }],
    ['A'.repeat(NUMBER_MAX), null],
    ['A'.repeat(NUMBER_MAX + 1), { key: 'numberLong', params: { max: NUMBER_MAX } }],
  ])('%j', (n, want) => {
    expect(checkNumber(n)).toEqual(want)
  })
  it('accepts every normalised form of a good number', () => {
    expect(checkNumber(normalizeNumber('ｚｒｇｈ－２０２６－０００１２３'))).toBeNull()
  })
})

describe('checkPdfFile', () => {
  it.each([
    [{ name: '证照.pdf', size: 1000, type: 'application/pdf' }, null],
    [{ name: 'LICENCE.PDF', size: 1000, type: '' }, null],
    [{ name: 'scan', size: 1000, type: 'application/pdf' }, null],
    [{ name: 'x.pdf', size: PDF_MAX_BYTES, type: 'application/pdf' }, null],
    [{ name: '证照.jpg', size: 1000, type: 'image/jpeg' }, { key: 'fileType', params: { name: '证照.jpg' } }],
    [{ name: 'x.pdf', size: 0, type: 'application/pdf' }, { key: 'fileEmpty' }],
    [{ name: 'x.pdf', size: PDF_MAX_BYTES + 1, type: 'application/pdf' }, { key: 'fileLarge', params: { size: '20', max: '20' } }],
    [{ name: 'x.pdf', size: 35 * 1024 * 1024, type: 'application/pdf' }, { key: 'fileLarge', params: { size: '35', max: '20' } }],
  ])('%j', (f, want) => {
    expect(checkPdfFile(f)).toEqual(want)
  })
  it('asks for a file when there is none', () => {
    expect(checkPdfFile(null)).toEqual({ key: 'fileRequired' })
  })
})

describe('isPdfMagic', () => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  it('knows a PDF by its first bytes', () => {
    expect(isPdfMagic(bytes('%PDF-1.7\n'))).toBe(true)
    expect(isPdfMagic(bytes('%PDF'))).toBe(false)
    expect(isPdfMagic(bytes('PK\u0003\u0004'))).toBe(false)
    expect(isPdfMagic(new Uint8Array())).toBe(false)
  })
})

const base: CertificateVerification = {
  number: 'ZRGH-2026-000123',
  found: true,
  valid: true,
  status: 'valid',
  reasons: [],
  signature: { alg: 'SM2-SM3', key_id: 'k1', fingerprint: '3a7f09c25b1e44d0', valid: true },
  ledger: { leaf_index: 41, tree_size: 1024, root: 'ab', proof: ['cd'], checkpoint: 'tongban\n1024\nq83=\n', included: true },
}
const v = (extra: Partial<CertificateVerification>): CertificateVerification => ({ ...base, ...extra })

describe('outcomeOf and lookOf', () => {
  it.each([
    ['valid', v({}), 'valid', 'success', 'verify.status.valid'],
    ['revoked', v({ valid: false, status: 'revoked' }), 'revoked', 'warning', 'verify.status.revoked'],
    ['invalid', v({ valid: false, status: 'invalid' }), 'invalid', 'danger', 'verify.status.invalid'],
    ['not found', v({ found: false, valid: false, status: 'not_found' }), 'not_found', 'info', 'verify.status.not_found'],
    // A changed upload of a good certificate: the status may still say valid, the verdict is not.
    ['status valid but valid false', v({ valid: false, file: { sm3: 'ff', matches: false } }), 'invalid', 'danger', 'verify.status.invalid'],
    ['found false whatever the status', v({ found: false, status: 'invalid' }), 'not_found', 'info', 'verify.status.not_found'],
  ] as const)('%s', (_name, ver, outcome, tone, title) => {
    expect(outcomeOf(ver)).toBe(outcome)
    expect(lookOf(ver)).toEqual({ outcome, tone, title })
  })
})

describe('reasons', () => {
  const t = (k: string) => `<${k}>`
  const r = { code: 'signature.invalid', zh: '电子签名验证失败', en: 'the signature does not verify' }

  it('picks the reader’s language and falls back to the other one', () => {
    expect(reasonText(r, 'zh-CN')).toBe('电子签名验证失败')
    expect(reasonText(r, 'en')).toBe('the signature does not verify')
    expect(reasonText({ code: 'x', zh: '只有中文', en: '' }, 'en')).toBe('只有中文')
    expect(reasonText({ code: 'x', zh: '', en: '' }, 'zh-CN')).toBe('x')
  })

  it('lists the server’s reasons of an invalid certificate', () => {
    expect(reasonsOf(v({ valid: false, status: 'invalid', reasons: [r] }), 'en', t)).toEqual(['the signature does not verify'])
  })

  it('says what it sees when the server gave no reason', () => {
    const bad = v({
      valid: false,
      status: 'invalid',
      reasons: null,
      signature: { ...base.signature!, valid: false },
      ledger: { ...base.ledger!, included: false },
      file: { sm3: 'ff', matches: false },
    })
    expect(reasonsOf(bad, 'zh-CN', t)).toEqual(['<verify.reason.signature>', '<verify.reason.ledger>', '<verify.reason.file>'])
    expect(reasonsOf(v({ valid: false, status: 'invalid', ledger: undefined }), 'zh-CN', t)).toEqual(['<verify.reason.noLedger>'])
    expect(reasonsOf(v({ valid: false, status: 'invalid' }), 'zh-CN', t)).toEqual(['<verify.reason.unknown>'])
    // Recorded after the latest checkpoint is not a ledger fault.
    const pending = v({ valid: false, status: 'invalid', reasons: null, ledger: { ...base.ledger!, included: false, pending: true, proof: [] }, file: { sm3: 'ff', matches: false } })
    expect(reasonsOf(pending, 'zh-CN', t)).toEqual(['<verify.reason.file>'])
  })

  it('leaves out the revocation itself, shown apart, and has none for valid or unknown numbers', () => {
    const revoked = v({ valid: false, status: 'revoked', reasons: [{ code: 'revoked', zh: '证照已撤销', en: 'revoked' }] })
    expect(reasonsOf(revoked, 'zh-CN', t)).toEqual([])
    expect(reasonsOf(v({ valid: false, status: 'revoked', reasons: [{ code: 'revoked', zh: '已撤销', en: 'revoked' }, r] }), 'zh-CN', t)).toEqual(['电子签名验证失败'])
    expect(reasonsOf(v({}), 'zh-CN', t)).toEqual([])
    expect(reasonsOf(notFound('X-1'), 'zh-CN', t)).toEqual([])
  })
})

describe('display helpers', () => {
  it('groups fingerprints by four', () => {
    expect(formatFingerprint('3a7f09c25b1e44d0')).toBe('3A7F 09C2 5B1E 44D0')
    expect(formatFingerprint('3A7F 09C2 5B1E 44D0')).toBe('3A7F 09C2 5B1E 44D0')
    expect(formatFingerprint('3a7f09')).toBe('3A7F 09')
    expect(formatFingerprint('')).toBe('')
  })
  it('says where the issue is in the ledger: under the checkpoint, after it (pending), or not there', () => {
    expect(ledgerLine(base.ledger)).toEqual({ tone: 'ok', key: 'verify.ledgerLine', params: { n: 42, total: 1024 } })
    // The leaf is past the checkpoint's size: no "第 1031 条，共 1024 条", and not red.
    expect(ledgerLine({ ...base.ledger!, leaf_index: 1030, included: false, pending: true, proof: [] })).toEqual({ tone: 'ok', key: 'verify.ledgerPending', params: { n: 1031 } })
    expect(ledgerLine({ ...base.ledger!, included: false })).toEqual({ tone: 'bad', key: 'verify.ledgerMissing', params: {} })
    expect(ledgerLine(undefined)).toEqual({ tone: 'none', key: 'verify.ledgerNone', params: {} })
  })
  it('counts ledger entries from one', () => {
    expect(leafPosition({ leaf_index: 0, tree_size: 1 })).toEqual({ n: 1, total: 1 })
    expect(leafPosition({ leaf_index: 41, tree_size: 1024 })).toEqual({ n: 42, total: 1024 })
  })
  it('makes a not-found verdict', () => {
    expect(notFound('X-1')).toEqual({ number: 'X-1', found: false, valid: false, status: 'not_found', reasons: [] })
  })
  it('links the verification page', () => {
    expect(verifyPath('ZRGH-2026-000123')).toBe('/verify/ZRGH-2026-000123')
  })
  it('colours the status tag', () => {
    expect(certTagType('valid')).toBe('success')
    expect(certTagType('revoked')).toBe('warning')
  })
})

describe('checkRevokeReason', () => {
  it.each([
    ['许可依据已失效', null],
    ['   ', { key: 'reasonRequired' }],
    ['', { key: 'reasonRequired' }],
    ['理'.repeat(500), null],
    [' ' + '理'.repeat(500) + ' ', null],
    ['理'.repeat(501), { key: 'reasonLong', params: { max: 500, n: 501 } }],
    // Characters, not UTF-16 units: 500 emoji are 500 characters.
    ['😀'.repeat(500), null],
  ])('%#', (reason, want) => {
    expect(checkRevokeReason(reason)).toEqual(want)
  })
})

describe('needsPdfPoll', () => {
  it('polls while a PDF is being rendered', () => {
    expect(needsPdfPoll([{ pdf_ready: true }, { pdf_ready: false }])).toBe(true)
    expect(needsPdfPoll([{ pdf_ready: true }])).toBe(false)
    expect(needsPdfPoll([])).toBe(false)
    expect(needsPdfPoll(null)).toBe(false)
  })
})

describe('file names', () => {
  it('names the record after the project code', () => {
    expect(recordFileName('2026-330102-48-01-000123')).toBe('办件记录-2026-330102-48-01-000123.json')
  })
  it('names the PDF after title and number', () => {
    expect(pdfFileName({ title: '建设工程规划许可证', number: 'ZRGH-2026-000123' })).toBe('建设工程规划许可证-ZRGH-2026-000123.pdf')
    expect(pdfFileName({ title: '', number: 'ZRGH-2026-000123' })).toBe('ZRGH-2026-000123.pdf')
  })
  it('keeps names legal', () => {
    expect(safeFileName('a/b\\c:d*e?"f"<g>|h.pdf')).toBe('a_b_c_d_e_f_g_h.pdf')
    expect(safeFileName('..hidden')).toBe('hidden')
    expect(safeFileName('///')).toBe('_')
    expect(safeFileName('')).toBe('download')
  })
})
