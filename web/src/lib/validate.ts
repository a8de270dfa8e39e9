// Client-side checks of the project form, mirroring the server's rules
// (internal/ident/projectcode.go, internal/approval/project.go) so the
// applicant sees a mistake as they type; the server stays authoritative.

/** FieldCheck is an i18n key under "validate." with its parameters, or null when the value is fine. */
export type FieldCheck = { key: string; params?: Record<string, string | number> } | null

export const PROJECT_CODE_LEN = 24

/** checkProjectCode checks a national investment project code: YYYY-AAAAAA-BB-CC-NNNNNN. */
export function checkProjectCode(raw: string): FieldCheck {
  const code = raw.trim()
  if (!code) return { key: 'codeRequired' }
  const chars = [...code]
  if (chars.length !== PROJECT_CODE_LEN) return { key: 'codeLength', params: { n: chars.length } }
  for (let i = 0; i < chars.length; i++) {
    const pos = i + 1
    const dash = pos === 5 || pos === 12 || pos === 15 || pos === 18
    const c = chars[i]
    if (dash && c !== '-') return { key: 'codeDash', params: { pos } }
    if (!dash && (c < '0' || c > '9')) return { key: 'codeChar', params: { pos, c } }
  }
  const year = Number(code.slice(0, 4))
  if (year < 2014 || year > 2099) return { key: 'codeYear', params: { year } }
  const type = code.slice(15, 17)
  if (!['01', '02', '03'].includes(type)) return { key: 'codeType', params: { type } }
  return null
}

/** divisionOfCode returns the administrative division (positions 6–11) of a well-formed code. */
export function divisionOfCode(code: string): string {
  return /^\d{4}-\d{6}-/.test(code.trim()) ? code.trim().slice(5, 11) : ''
}

export function checkName(name: string): FieldCheck {
  const n = [...name.trim()].length
  if (n === 0) return { key: 'nameRequired' }
  if (n > 100) return { key: 'nameLong' }
  return null
}

export function checkInvestment(v: number | null | undefined): FieldCheck {
  if (v === null || v === undefined || !Number.isFinite(v)) return { key: 'investmentRequired' }
  if (v <= 0 || v > 1e8) return { key: 'investmentRange' }
  return null
}

export function checkArea(v: number | null | undefined): FieldCheck {
  if (v === null || v === undefined || !Number.isFinite(v)) return { key: 'areaRequired' }
  if (v < 0 || v > 1e8) return { key: 'areaRange' }
  return null
}

export function checkMobile(phone: string): FieldCheck {
  if (!phone) return null
  return /^1\d{10}$/.test(phone) ? null : { key: 'mobile' }
}
