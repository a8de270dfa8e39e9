import { describe, expect, it } from 'vitest'
import type { CalendarYear, MapSegment, MapStage, MapTask, ProjectMap } from '@/api/map'
import type { Project } from '@/api/types'
import {
  addDays,
  buildGantt,
  dateOf,
  defaultPeriod,
  durationSeries,
  mapSignature,
  mapYears,
  monthsBack,
  periodProblem,
  segmentShares,
  stageDeadline,
  startOfDay,
  taskLimitPoint,
  taskRows,
  WorkCalendar,
} from './map'

// The 2026 National Day run and its make-up days, from internal/calendar/holidays/2026.yaml.
const y2026: CalendarYear = {
  year: 2026,
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, name: '国庆节' })),
  workdays: [{ date: '2026-09-20' }, { date: '2026-10-10' }],
}
const cal = new WorkCalendar([y2026])

describe('dates in the city zone', () => {
  it('takes the Xiamen date of an instant', () => {
    expect(dateOf('2025-03-02T15:59:59Z')).toBe('2025-03-02')
    expect(dateOf('2025-03-02T16:00:00Z')).toBe('2025-03-03')
  })
  it('starts a day at 00:00 Xiamen time', () => {
    expect(new Date(startOfDay('2026-11-26')).toISOString()).toBe('2026-11-25T16:00:00.000Z')
  })
  it('adds days across months', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01')
  })
})

describe('WorkCalendar', () => {
  it('knows weekends, holidays and make-up days', () => {
    expect(cal.isWorkingDay('2026-09-19')).toBe(false) // Saturday
    expect(cal.isWorkingDay('2026-09-20')).toBe(true) // Sunday, make-up day
    expect(cal.isWorkingDay('2026-10-05')).toBe(false) // Monday, National Day
    expect(cal.isWorkingDay('2026-10-10')).toBe(true) // Saturday, make-up day
  })
  it('counts the days in (a, b]', () => {
    const cases: [string, string, 'WD' | 'ND', number][] = [
      ['2026-11-20', '2026-11-26', 'WD', 4], // Fri → Thu: Mon–Thu
      ['2026-11-20', '2026-11-20', 'WD', 0],
      ['2026-09-30', '2026-10-09', 'WD', 2], // the run: only 8th and 9th
      ['2026-09-30', '2026-10-10', 'WD', 3], // plus the make-up Saturday
      ['2026-09-30', '2026-10-10', 'ND', 10],
      ['2026-11-26', '2026-11-20', 'WD', -4],
    ]
    for (const [a, b, u, want] of cases) expect(cal.between(a, b, u), `${a}→${b} ${u}`).toBe(want)
  })
  it('finds the due day', () => {
    expect(cal.due('2026-11-20', 3)).toBe('2026-11-25')
    expect(cal.due('2026-09-30', 3)).toBe('2026-10-10')
    expect(cal.due('2026-09-30', 3, 'ND')).toBe('2026-10-03')
    expect(cal.due('2026-11-20', 0)).toBe('2026-11-20')
  })
  it('counts Monday–Friday for a year it has no schedule of', () => {
    const c = new WorkCalendar()
    expect(c.covers('2031-01-01')).toBe(false)
    expect(c.isWorkingDay('2026-10-05')).toBe(true)
    expect(c.between('2026-11-20', '2026-11-27')).toBe(5)
  })
})

describe('stageDeadline', () => {
  it('runs limit working days from the submission, warning at 80 %', () => {
    // submitted Fri 2026-11-20 (Xiamen), 8 WD: due Wed 12-02, warn from day 7 = Tue 12-01.
    const sub = '2026-11-20T04:30:36Z'
    expect(stageDeadline(sub, 8, '2026-11-27', cal)).toEqual({ due: '2026-12-02', used: 5, remaining: 3, level: 'normal' })
    expect(stageDeadline(sub, 8, '2026-12-01', cal).level).toBe('warning')
    expect(stageDeadline(sub, 8, '2026-12-02', cal)).toEqual({ due: '2026-12-02', used: 8, remaining: 0, level: 'warning' })
    expect(stageDeadline(sub, 8, '2026-12-03', cal)).toEqual({ due: '2026-12-02', used: 9, remaining: -1, level: 'overdue' })
  })
})

const seg = (kind: string, from: string, to: string | null, days: number, extra: Partial<MapSegment> = {}): MapSegment => ({ kind, from, to, working_days: days, ...extra })

function task(over: Partial<MapTask>): MapTask {
  return {
    id: 'T1',
    item_code: 'XM-ZRGH-003',
    item_name: '建设工程规划许可证核发',
    dept_code: 'ZRGH',
    dept_name: '厦门市自然资源和规划局',
    state: 8,
    state_name: '部门受理',
    limit: 3,
    unit: 'WD',
    result: '',
    accepted: true,
    segments: [],
    waiting_days: 0,
    paused_days: 0,
    used: 0,
    margin: 3,
    over_limit: false,
    ...over,
  }
}

const NOW = '2026-11-27T04:19:27Z'

// A real task from the demo data: 3 WD, used 5 (accepted Fri 11-20, 审查 to Thu 11-26, 签发 to Fri 11-27).
const late = task({
  state: 11,
  concluded_at: '2026-11-27T03:23:01Z',
  used: 5,
  margin: -2,
  over_limit: true,
  segments: [
    seg('waiting', '2026-11-20T04:30:36Z', '2026-11-20T08:25:32Z', 0, { ended_by: 'accept' }),
    seg('working', '2026-11-20T08:25:32Z', '2026-11-26T05:26:01Z', 4, { level: 1, level_name: '审查', ended_by: 'approve' }),
    seg('working', '2026-11-26T05:26:01Z', '2026-11-27T03:23:01Z', 1, { level: 2, level_name: '签发', ended_by: 'approve' }),
  ],
})

describe('taskLimitPoint', () => {
  it('places a limit the working time went past', () => {
    expect(taskLimitPoint(late, NOW, cal)).toEqual({ due: '2026-11-25', at: startOfDay('2026-11-26'), reached: true })
  })
  it('skips pauses: a correction moves the limit', () => {
    const t = task({
      limit: 3,
      segments: [
        seg('working', '2026-11-16T02:00:00Z', '2026-11-17T02:00:00Z', 1), // Mon → Tue: 1
        seg('paused', '2026-11-17T02:00:00Z', '2026-11-23T02:00:00Z', 4, { reason: 'correction' }),
        seg('working', '2026-11-23T02:00:00Z', null, 4), // Mon 11-23 → now: needs 2 more → Wed 11-25
      ],
    })
    expect(taskLimitPoint(t, NOW, cal)).toEqual({ due: '2026-11-25', at: startOfDay('2026-11-26'), reached: true })
  })
  it('projects the limit of a task at work within it', () => {
    const t = task({ limit: 5, segments: [seg('waiting', '2026-11-26T01:00:00Z', '2026-11-26T02:00:00Z', 0), seg('working', '2026-11-26T02:00:00Z', null, 1)] })
    expect(taskLimitPoint(t, NOW, cal)).toEqual({ due: '2026-12-03', at: startOfDay('2026-12-04'), reached: false })
  })
  it('shows where the limit of a task done within it would have been', () => {
    const t = task({ limit: 5, state: 11, concluded_at: '2026-11-24T02:00:00Z', segments: [seg('working', '2026-11-23T02:00:00Z', '2026-11-24T02:00:00Z', 1)] })
    expect(taskLimitPoint(t, NOW, cal)).toEqual({ due: '2026-11-30', at: startOfDay('2026-12-01'), reached: false })
  })
  it('cannot place the limit of a paused or never accepted task', () => {
    const paused = task({ segments: [seg('working', '2026-11-23T02:00:00Z', '2026-11-24T02:00:00Z', 1), seg('paused', '2026-11-24T02:00:00Z', null, 3, { reason: 'special' })] })
    expect(taskLimitPoint(paused, NOW, cal)).toBeNull()
    expect(taskLimitPoint(task({ accepted: false, segments: [seg('waiting', '2026-11-26T01:00:00Z', null, 1)] }), NOW, cal)).toBeNull()
  })
  it('counts natural days for an ND item', () => {
    const t = task({ unit: 'ND', limit: 3, segments: [seg('working', '2026-11-20T02:00:00Z', null, 7)] })
    expect(taskLimitPoint(t, NOW, cal)?.due).toBe('2026-11-23')
  })
})

const project = { id: 'P1', name: '灌口湾住宅项目（一期）', state: 'active', version: 3 } as unknown as Project

function stage(over: Partial<MapStage>): MapStage {
  return {
    number: 2,
    name: '工程建设许可',
    state: 'in_review',
    state_name: '审批中',
    lead_dept: 'ZRGH',
    lead_dept_name: '厦门市自然资源和规划局',
    round: 1,
    limit_days: 3,
    submitted_at: '2026-11-20T04:30:36Z',
    working_days: 5,
    running: true,
    over_limit: true,
    tasks: [],
    ...over,
  }
}

describe('buildGantt', () => {
  const m: ProjectMap = {
    project,
    now: NOW,
    stages: [stage({ tasks: [late] }), stage({ number: 3, name: '施工许可', state: 'pending', submitted_at: undefined, working_days: null, running: false, over_limit: false, tasks: [] })],
    departments: [],
  }
  const g = buildGantt(m, cal)

  it('has a row per stage and per task', () => {
    expect(g.rows.map((r) => `${r.kind}${r.stage.number}${r.task ? ':' + r.task.id : ''}`)).toEqual(['stage2', 'task2:T1', 'stage3'])
  })
  it('splits working time at the limit into overrun', () => {
    const bars = g.bars.filter((b) => b.row === 1).map((b) => [b.kind, new Date(b.start).toISOString(), new Date(b.end).toISOString()])
    expect(bars).toEqual([
      ['waiting', '2026-11-20T04:30:36.000Z', '2026-11-20T08:25:32.000Z'],
      ['working', '2026-11-20T08:25:32.000Z', '2026-11-25T16:00:00.000Z'],
      ['overrun', '2026-11-25T16:00:00.000Z', '2026-11-26T05:26:01.000Z'],
      ['overrun', '2026-11-26T05:26:01.000Z', '2026-11-27T03:23:01.000Z'],
    ])
  })
  it('draws the stage from its submission to now, over its limit in its own colour', () => {
    const bars = g.bars.filter((b) => b.row === 0).map((b) => [b.kind, b.running])
    expect(bars).toEqual([
      ['stage', false],
      ['stageOver', true],
    ])
    expect(g.limits.find((l) => l.row === 0)).toMatchObject({ due: '2026-11-25', over: true, limit: 3, unit: 'WD' })
  })
  it('spans the first submission to now while something runs', () => {
    expect(g.running).toBe(true)
    expect(g.min).toBe(Date.parse('2026-11-20T04:30:36Z'))
    expect(g.max).toBe(Date.parse(NOW))
  })
  it('ends a finished project at its last end or limit, not now', () => {
    const done = buildGantt({ ...m, stages: [stage({ state: 'completed', concluded_at: '2026-11-27T03:23:01Z', running: false, tasks: [late] })] }, cal)
    expect(done.running).toBe(false)
    expect(done.max).toBe(Date.parse('2026-11-27T03:23:01Z'))
  })
  it('flattens tasks into table rows with their limits', () => {
    expect(taskRows(m, cal).map((r) => [r.task.id, r.limit?.due])).toEqual([['T1', '2026-11-25']])
  })
  it('needs the calendar years from the first submission to a year ahead', () => {
    expect(mapYears(m)).toEqual([2026, 2027])
  })
  it('ignores now in the signature', () => {
    expect(mapSignature({ ...m, now: '2027-01-01T00:00:00Z' })).toBe(mapSignature(m))
  })
})

describe('segmentShares', () => {
  it('sizes segments by time, keeping short ones visible, summing to 100', () => {
    const shares = segmentShares(late, NOW)
    expect(shares.map((s) => s.kind)).toEqual(['waiting', 'working', 'working'])
    expect(shares[0].pct).toBeGreaterThanOrEqual(1.5)
    expect(shares.reduce((a, s) => a + s.pct, 0)).toBeCloseTo(100)
  })
  it('shows working time past the limit as overrun', () => {
    const shares = segmentShares(late, NOW, startOfDay('2026-11-26'))
    expect(shares.map((s) => s.kind)).toEqual(['waiting', 'working', 'overrun', 'overrun'])
    expect(shares.reduce((a, s) => a + s.pct, 0)).toBeCloseTo(100)
  })
})

describe('durationSeries', () => {
  it('keeps the server order and finds the slowest', () => {
    const g = (key: string, mean: number, slowest = false, limit: number | null = 5) => ({ key, name: key, unit: 'WD', count: 3, mean, p90: Math.ceil(mean), max: 9, limit, over_limit: 1, over_share: 1 / 3, slowest })
    const s = durationSeries([g('A', 7.5, true), g('B', 3.2, false, null)])
    expect(s).toEqual({ names: ['A', 'B'], keys: ['A', 'B'], units: ['WD', 'WD'], mean: [7.5, 3.2], p90: [8, 4], limit: [5, null], slowest: 0 })
    expect(durationSeries([g('A', 1), g('B', 4)]).slowest).toBe(1)
    expect(durationSeries(null).slowest).toBe(-1)
  })
})

describe('period', () => {
  it('defaults to the twelve months up to today, like the server', () => {
    expect(defaultPeriod('2026-11-27')).toEqual({ from: '2025-11-28', to: '2026-11-27' })
    expect(monthsBack('2026-11-27', 3)).toEqual({ from: '2026-08-28', to: '2026-11-27' })
  })
  it('checks what the server checks', () => {
    expect(periodProblem({ from: '2025-11-28', to: '2026-11-27' })).toBeNull()
    expect(periodProblem({ from: '2026-02-30', to: '2026-11-27' })).toBe('date')
    expect(periodProblem({ from: '2026-11-28', to: '2026-11-27' })).toBe('order')
    expect(periodProblem({ from: '2023-11-27', to: '2026-11-26' })).toBeNull()
    expect(periodProblem({ from: '2023-11-27', to: '2026-11-27' })).toBe('tooLong')
  })
})
