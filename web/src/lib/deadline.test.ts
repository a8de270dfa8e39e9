import { describe, expect, it } from 'vitest'
import { describeDeadline, levelFromRemaining, urgency, type ClockLike } from './deadline'

const clock = (c: Partial<ClockLike> & { unit?: string }): ClockLike => ({ remaining: 5, state: 'normal', paused: false, due: '2026-12-01', unit: 'WD', ...c })

describe('describeDeadline', () => {
  const cases: { name: string; clock: ClockLike | null; concluded?: boolean; want: { level: string; key: string; days: number | null; tagType: string; n?: number } }[] = [
    { name: 'no clock (not accepted yet)', clock: null, want: { level: 'none', key: 'none', days: null, tagType: 'info' } },
    { name: 'normal, working days', clock: clock({ remaining: 5 }), want: { level: 'normal', key: 'left.WD', days: 5, tagType: 'success', n: 5 } },
    { name: 'normal, natural days', clock: clock({ remaining: 3, unit: 'ND' }), want: { level: 'normal', key: 'left.ND', days: 3, tagType: 'success', n: 3 } },
    { name: 'warning keeps the server state', clock: clock({ remaining: 4, state: 'warning' }), want: { level: 'warning', key: 'left.WD', days: 4, tagType: 'warning', n: 4 } },
    { name: 'due today, warning', clock: clock({ remaining: 0, state: 'warning' }), want: { level: 'warning', key: 'today', days: 0, tagType: 'warning' } },
    { name: 'overdue by 2', clock: clock({ remaining: -2, state: 'overdue' }), want: { level: 'overdue', key: 'overdue.WD', days: 2, tagType: 'danger', n: 2 } },
    { name: 'negative remaining wins over a stale normal', clock: clock({ remaining: -1, state: 'normal' }), want: { level: 'overdue', key: 'overdue.WD', days: 1, tagType: 'danger', n: 1 } },
    { name: 'overdue on the due day itself', clock: clock({ remaining: 0, state: 'overdue' }), want: { level: 'overdue', key: 'today', days: 0, tagType: 'danger' } },
    { name: 'paused during correction', clock: clock({ remaining: 3, paused: true, state: 'normal' }), want: { level: 'paused', key: 'paused.WD', days: 3, tagType: 'info', n: 3 } },
    { name: 'paused while overdue shows 0 left', clock: clock({ remaining: -1, paused: true, state: 'overdue' }), want: { level: 'paused', key: 'paused.WD', days: -1, tagType: 'info', n: 0 } },
    { name: 'concluded on time', clock: clock({ remaining: 2 }), concluded: true, want: { level: 'done', key: 'done', days: 2, tagType: 'success' } },
    { name: 'concluded late', clock: clock({ remaining: -3, state: 'overdue' }), concluded: true, want: { level: 'doneLate', key: 'doneLate.WD', days: 3, tagType: 'danger', n: 3 } },
    { name: 'unknown server state falls back to the remaining days', clock: clock({ remaining: 1, state: '' }), want: { level: 'warning', key: 'left.WD', days: 1, tagType: 'warning', n: 1 } },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = describeDeadline(c.clock, { concluded: c.concluded })
      expect({ level: got.level, key: got.key, days: got.days, tagType: got.tagType }).toEqual({ level: c.want.level, key: c.want.key, days: c.want.days, tagType: c.want.tagType })
      if (c.want.n !== undefined) expect(got.params.n).toBe(c.want.n)
    })
  }

  it('keeps the due date', () => {
    expect(describeDeadline(clock({ due: '2026-12-24' })).due).toBe('2026-12-24')
  })
})

describe('levelFromRemaining', () => {
  it.each([
    [10, 'normal'],
    [3, 'normal'],
    [2, 'warning'],
    [0, 'warning'],
    [-1, 'overdue'],
  ] as const)('%i days left is %s', (days, want) => {
    expect(levelFromRemaining(days)).toBe(want)
  })
  it('takes a custom threshold', () => {
    expect(levelFromRemaining(4, 5)).toBe('warning')
  })
})

describe('urgency', () => {
  it('orders overdue (most first), warning, normal, paused, none, concluded', () => {
    const views = [
      describeDeadline(clock({ remaining: 8 })),
      describeDeadline(null),
      describeDeadline(clock({ remaining: -1, state: 'overdue' })),
      describeDeadline(clock({ remaining: 1, state: 'warning' })),
      describeDeadline(clock({ remaining: 2 }), { concluded: true }),
      describeDeadline(clock({ remaining: -5, state: 'overdue' })),
      describeDeadline(clock({ remaining: 3, paused: true })),
      describeDeadline(clock({ remaining: 2 })),
    ]
    const got = [...views].sort((a, b) => urgency(a) - urgency(b)).map((v) => `${v.level}:${v.days}`)
    expect(got).toEqual(['overdue:5', 'overdue:1', 'warning:1', 'normal:2', 'normal:8', 'paused:3', 'none:null', 'done:2'])
  })
})
