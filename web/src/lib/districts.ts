// Xiamen's districts by administrative division code (the server's
// approval.Districts); names come from i18n "districts.<code>".
export const DISTRICT_CODES = ['350203', '350205', '350206', '350211', '350212', '350213'] as const

export type DistrictCode = (typeof DISTRICT_CODES)[number]

export function isDistrict(code: string): code is DistrictCode {
  return (DISTRICT_CODES as readonly string[]).includes(code)
}
