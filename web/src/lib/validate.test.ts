import { describe, expect, it } from 'vitest'
import { checkArea, checkInvestment, checkMobile, checkName, checkProjectCode, divisionOfCode } from './validate'

describe('checkProjectCode', () => {
  it.each([
    ['2024-350211-47-03-012345', null],
    [' 2024-350211-47-03-012345 ', null],
    ['', 'codeRequired'],
    ['2024-350211-47-03-01234', 'codeLength'],
    ['2024 350211-47-03-012345', 'codeDash'],
    ['2024-35021A-47-03-012345', 'codeChar'],
    ['2013-350211-47-03-012345', 'codeYear'],
    ['2024-350211-47-04-012345', 'codeType'],
    ['２024-350211-47-03-012345', 'codeChar'],
  ])('%s → %s', (code, want) => {
    const got = checkProjectCode(code)
    expect(got?.key ?? null).toBe(want)
  })
  it('names the position of a wrong character', () => {
    expect(checkProjectCode('2024-350211-47-03-01234x')).toEqual({ key: 'codeChar', params: { pos: 24, c: 'x' } })
  })
})

describe('divisionOfCode', () => {
  it('reads positions 6–11', () => {
    expect(divisionOfCode('2024-350211-47-03-012345')).toBe('350211')
    expect(divisionOfCode('2024-3502')).toBe('')
  })
})

describe('other fields', () => {
  it('name', () => {
    expect(checkName('  ')?.key).toBe('nameRequired')
    expect(checkName('x'.repeat(101))?.key).toBe('nameLong')
    expect(checkName('厦门项目')).toBeNull()
  })
  it('investment', () => {
    expect(checkInvestment(null)?.key).toBe('investmentRequired')
    expect(checkInvestment(0)?.key).toBe('investmentRange')
    expect(checkInvestment(1e8 + 1)?.key).toBe('investmentRange')
    expect(checkInvestment(5000)).toBeNull()
  })
  it('area', () => {
    expect(checkArea(undefined)?.key).toBe('areaRequired')
    expect(checkArea(-1)?.key).toBe('areaRange')
    expect(checkArea(0)).toBeNull()
  })
  it('mobile', () => {
    expect(checkMobile('')).toBeNull()
    expect(checkMobile('13800000000')).toBeNull()
    expect(checkMobile('2380000000')?.key).toBe('mobile')
  })
})
