import { describe, expect, it } from 'vitest'
import type { MapSegment, MapStage, MapTask, ProjectMap } from '@/api/map'
import type { Project } from '@/api/types'
import {
  addDays,
  buildGantt,
  dateOf,
  defaultPeriod,
  durationSeries,
  limitAt,
  mapSignature,
  monthsBack,
  periodProblem,
  segmentShares,
  startOfDay,
  taskLimitPoint,
  taskRows,
} from './map'

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
  due: '2026-11-25',
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
  it('places the limit at the start of the day after due', () => {
    expect(limitAt('2026-11-25')).toBe(Date.parse('2026-11-25T16:00:00Z'))
  })
  it('places a limit the working time went past', () => {
    expect(taskLimitPoint(late, NOW)).toEqual({ due: '2026-11-25', at: startOfDay('2026-11-26'), reached: true })
  })
  it('projects the limit of a task at work within it', () => {
    const t = task({ limit: 5, due: '2026-12-03', segments: [seg('waiting', '2026-11-26T01:00:00Z', '2026-11-26T02:00:00Z', 0), seg('working', '2026-11-26T02:00:00Z', null, 1)] })
    expect(taskLimitPoint(t, NOW)).toEqual({ due: '2026-12-03', at: startOfDay('2026-12-04'), reached: false })
  })
  it('counts a running segment up to now', () => {
    const t = task({ due: '2026-11-25', segments: [seg('working', '2026-11-20T02:00:00Z', null, 5)] })
    expect(taskLimitPoint(t, NOW)?.reached).toBe(true)
  })
  it('shows where the limit of a task done within it would have been', () => {
    const t = task({ limit: 5, due: '2026-11-30', state: 11, concluded_at: '2026-11-24T02:00:00Z', segments: [seg('working', '2026-11-23T02:00:00Z', '2026-11-24T02:00:00Z', 1)] })
    expect(taskLimitPoint(t, NOW)).toEqual({ due: '2026-11-30', at: startOfDay('2026-12-01'), reached: false })
  })
  it('cannot place the limit of a never accepted task, nor of a paused one before it ran out', () => {
    const paused = task({ due: '2026-11-27', segments: [seg('working', '2026-11-23T02:00:00Z', '2026-11-24T02:00:00Z', 1), seg('paused', '2026-11-24T02:00:00Z', null, 3, { reason: 'special' })] })
    expect(taskLimitPoint(paused, NOW)).toBeNull()
    expect(taskLimitPoint(task({ accepted: false, segments: [seg('waiting', '2026-11-26T01:00:00Z', null, 1)] }), NOW)).toBeNull()
  })
  it('keeps the limit of a paused task that had run out before the pause', () => {
    const t = task({ due: '2026-11-20', segments: [seg('working', '2026-11-16T02:00:00Z', '2026-11-24T02:00:00Z', 6), seg('paused', '2026-11-24T02:00:00Z', null, 3, { reason: 'correction' })] })
    expect(taskLimitPoint(t, NOW)).toEqual({ due: '2026-11-20', at: startOfDay('2026-11-21'), reached: true })
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
    due: '2026-11-25',
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
    stages: [stage({ tasks: [late] }), stage({ number: 3, name: '施工许可', state: 'pending', submitted_at: undefined, due: undefined, working_days: null, running: false, over_limit: false, tasks: [] })],
    departments: [],
  }
  const g = buildGantt(m)

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
    const done = buildGantt({ ...m, stages: [stage({ state: 'completed', concluded_at: '2026-11-27T03:23:01Z', running: false, tasks: [late] })] })
    expect(done.running).toBe(false)
    expect(done.max).toBe(Date.parse('2026-11-27T03:23:01Z'))
  })
  it('flattens tasks into table rows with their limits', () => {
    expect(taskRows(m).map((r) => [r.task.id, r.limit?.due])).toEqual([['T1', '2026-11-25']])
  })
  it('draws a submitted stage without a due as a plain bar', () => {
    const g2 = buildGantt({ ...m, stages: [stage({ due: undefined, tasks: [] })] })
    expect(g2.bars.map((b) => b.kind)).toEqual(['stage'])
    expect(g2.limits).toEqual([])
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
