import { describe, expect, it } from 'vitest'
import { dayKind, entryLine, isRealDate, markIndex, monthGrid, parseYearText, stripComment, summarize, weekdayOf, yearGrids, yearTemplate, yearToYAML, type YearFile } from './calendar'

// 2025 as published (internal/calendar/holidays/2025.yaml), the Spring Festival and National Day runs.
const y2025: YearFile = {
  year: 2025,
  source: '国务院办公厅关于2025年部分节假日安排的通知',
  holidays: [
    { date: '2025-01-01', name: '元旦' },
    ...['01-28', '01-29', '01-30', '01-31', '02-01', '02-02', '02-03', '02-04'].map((d) => ({ date: `2025-${d}`, name: '春节' })),
    ...['10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07', '10-08'].map((d) => ({ date: `2025-${d}`, name: '国庆节、中秋节' })),
  ],
  workdays: [
    { date: '2025-01-26', name: '春节' },
    { date: '2025-02-08', name: '春节' },
    { date: '2025-09-28', name: '国庆节、中秋节' },
    { date: '2025-10-11', name: '国庆节、中秋节' },
  ],
}

describe('dates', () => {
  it('weekdayOf', () => {
    expect(weekdayOf('2025-01-01')).toBe(3)
    expect(weekdayOf('2026-11-27')).toBe(5)
  })
  it('isRealDate', () => {
    expect(isRealDate('2024-02-29')).toBe(true)
    expect(isRealDate('2025-02-29')).toBe(false)
    expect(isRealDate('2025-13-01')).toBe(false)
    expect(isRealDate('2025-1-01')).toBe(false)
  })
  it('dayKind', () => {
    const m = markIndex(y2025)
    expect(dayKind('2025-01-28', m)).toBe('holiday')
    expect(dayKind('2025-01-26', m)).toBe('makeup')
    expect(dayKind('2025-01-25', m)).toBe('weekend')
    expect(dayKind('2025-01-27', m)).toBe('workday')
  })
})

describe('monthGrid', () => {
  it('starts on Monday and pads with the neighbouring months', () => {
    const g = monthGrid(2025, 1, markIndex(y2025), '2025-01-27')
    expect(g.weeks).toHaveLength(5)
    // 2025-01-01 is a Wednesday: Monday 2024-12-30 opens the grid.
    expect(g.weeks[0][0]).toMatchObject({ date: '2024-12-30', inMonth: false, kind: 'workday' })
    expect(g.weeks[0][2]).toMatchObject({ date: '2025-01-01', inMonth: true, kind: 'holiday', name: '元旦' })
    expect(g.weeks[3][6]).toMatchObject({ date: '2025-01-26', kind: 'makeup', name: '春节' })
    expect(g.weeks[4][0]).toMatchObject({ date: '2025-01-27', today: true })
    expect(g.weeks[4][6].date).toBe('2025-02-02')
    expect(g.weeks.every((w) => w.length === 7)).toBe(true)
  })
  it('counts the month: holidays, make-up days and working days', () => {
    const g = monthGrid(2025, 1, markIndex(y2025))
    // January 2025: 23 weekdays − 1 (Jan 1) − 4 (Jan 28–31) + 1 (Sunday Jan 26 worked) = 19.
    expect({ h: g.holidays, m: g.makeups, w: g.workingDays }).toEqual({ h: 5, m: 1, w: 19 })
  })
  it('a month starting on Monday has no padding before', () => {
    const g = monthGrid(2025, 9, new Map())
    expect(g.weeks[0][0].date).toBe('2025-09-01')
  })
  it('February of a year starting the month on Monday fills exactly 4 rows', () => {
    expect(monthGrid(2021, 2, new Map()).weeks).toHaveLength(4)
  })
  it('yearGrids builds 12 months; a year without data is Monday–Friday', () => {
    const gs = yearGrids(2030, null)
    expect(gs).toHaveLength(12)
    expect(gs.reduce((n, g) => n + g.workingDays, 0)).toBe(261)
  })
})

describe('summarize', () => {
  it('groups festival runs and their make-up days', () => {
    const s = summarize(2025, y2025)
    expect(s.holidays).toBe(17)
    expect(s.makeups).toBe(4)
    expect(s.festivals.map((f) => [f.name, f.from, f.to, f.days, f.makeups.length])).toEqual([
      ['元旦', '2025-01-01', '2025-01-01', 1, 0],
      ['春节', '2025-01-28', '2025-02-04', 8, 2],
      ['国庆节、中秋节', '2025-10-01', '2025-10-08', 8, 2],
    ])
    // weekday holidays: Jan 1, Jan 28–31, Feb 3–4, Oct 1–3, Oct 6–8 = 13
    expect(s.weekdayHolidays).toBe(13)
    expect(s.workingDays).toBe(261 - 13 + 4)
  })
  it('puts a make-up day with the nearest run of its festival', () => {
    const s = summarize(2022, {
      year: 2022,
      holidays: [
        { date: '2022-01-01', name: '元旦' },
        { date: '2022-12-31', name: '元旦' },
      ],
      workdays: [],
    })
    expect(s.festivals).toHaveLength(2)
  })
})

describe('parseYearText', () => {
  it('reads the bundled YAML format with comments', () => {
    const p = parseYearText(`# 2025: 国务院办公厅关于2025年部分节假日安排的通知
year: 2025
source: 国务院办公厅关于2025年部分节假日安排的通知
holidays:
  - {date: 2025-01-01, name: 元旦}  # 周三
  - {date: 2025-01-28, name: "春节"}  # 周二
workdays:
  - {date: 2025-01-26, name: 春节}  # 周日
`)
    expect(p.problems).toEqual([])
    expect(p.file).toEqual({
      year: 2025,
      source: '国务院办公厅关于2025年部分节假日安排的通知',
      holidays: [
        { date: '2025-01-01', name: '元旦' },
        { date: '2025-01-28', name: '春节' },
      ],
      workdays: [{ date: '2025-01-26', name: '春节' }],
    })
    expect(p.lines).toEqual({ 'holidays[0]': 5, 'holidays[1]': 6, 'workdays[0]': 8 })
  })
  it('reads block-style entries and an empty list', () => {
    const p = parseYearText('year: 2027\nholidays:\n  - date: 2027-10-01\n    name: 国庆节\n  - date: "2027-10-02"\n    name: 国庆节\nworkdays: []\n')
    expect(p.problems).toEqual([])
    expect(p.file?.holidays).toEqual([
      { date: '2027-10-01', name: '国庆节' },
      { date: '2027-10-02', name: '国庆节' },
    ])
    expect(p.file?.workdays).toEqual([])
  })
  it('reads the JSON the API returns', () => {
    const p = parseYearText(JSON.stringify(y2025))
    expect(p.problems).toEqual([])
    expect(p.file).toEqual(y2025)
  })
  it('round-trips through yearToYAML', () => {
    const text = yearToYAML(y2025)
    expect(text).toContain('  - {date: 2025-01-01, name: 元旦}  # 周三')
    expect(parseYearText(text).file).toEqual(y2025)
  })
  it('quotes names that YAML would misread', () => {
    const yf: YearFile = { year: 2027, holidays: [{ date: '2027-01-01', name: 'a: b, c' }], workdays: [] }
    expect(parseYearText(yearToYAML(yf)).file).toEqual(yf)
  })
  it('the template for a new year parses', () => expect(parseYearText(yearTemplate(2027)).file?.year).toBe(2027))

  const bad: [string, string, string, number][] = [
    ['empty', '  \n', 'empty', 0],
    ['misspelt key', 'year: 2027\nholiday:\n  - {date: 2027-01-01, name: 元旦}\n', 'unknownKey', 2],
    ['bad date', 'year: 2027\nholidays:\n  - {date: 2027-02-30, name: x}\n', 'date', 3],
    ['year not a number', 'year: twenty\nholidays: []\n', 'yearNumber', 1],
    ['no year', 'holidays:\n  - {date: 2027-01-01, name: 元旦}\n', 'yearMissing', 0],
    ['entry key', 'year: 2027\nholidays:\n  - {day: 2027-01-01}\n', 'unknownEntryKey', 3],
    ['entry outside a list', 'year: 2027\n  - {date: 2027-01-01}\n', 'entryOutside', 2],
    ['unclosed flow map', 'year: 2027\nholidays:\n  - {date: 2027-01-01\n', 'syntax', 3],
    ['no date', 'year: 2027\nholidays:\n  - name: 元旦\n', 'dateMissing', 3],
    ['bad JSON', '{"year": 2027,', 'json', 0],
    ['JSON unknown key', '{"year": 2027, "holiday": []}', 'unknownKey', 0],
    ['duplicate key', 'year: 2027\nyear: 2028\n', 'duplicateKey', 2],
  ]
  for (const [name, text, key, line] of bad) {
    it(`refuses: ${name}`, () => {
      const p = parseYearText(text)
      expect(p.file).toBeNull()
      expect(p.problems[0]).toMatchObject({ key, line })
    })
  }
})

describe('stripComment and entryLine', () => {
  it('keeps # inside quotes', () => {
    expect(stripComment('  - {date: 2025-01-01, name: "a #1"}  # 周三')).toBe('  - {date: 2025-01-01, name: "a #1"}')
    expect(stripComment('# whole line')).toBe('')
    expect(stripComment('source: a#b')).toBe('source: a#b')
  })
  it('places a server field error on its line', () => {
    expect(entryLine('holidays[1].date', { 'holidays[1]': 7 })).toBe(7)
    expect(entryLine('year', { 'holidays[1]': 7 })).toBe(0)
  })
})
