import { describe, expect, it } from 'vitest'
import type { CatalogFlow, Clock, ProjectEvent, Task } from '@/api/types'
import { byDue, byUrgency, chaseable, commonStageName, compareStages, deptSummaries, lastChases, levelProgress, openCounts, stageCounts, stageLevel, stageRank } from './board'

const clock = (c: Partial<Clock>): Clock => ({ unit: 'WD', limit: 5, started: '2026-11-20', due: '2026-11-27', warn_from: '2026-11-26', paused: false, state: 'normal', state_name: '', remaining: 3, ...c })

function task(id: string, dept: string, state: number, c?: Partial<Clock>): Task {
  return { id, dept_code: dept, state, clock: c ? clock(c) : undefined, level: 1, levels: [{ name: '受理', role: 'clerk' }, { name: '审查', role: 'reviewer' }, { name: '签发', role: 'approver' }] } as Task
}

const ev = (task_id: string, at: string, actor_name = '周洁', opinion = '请加快办理。'): ProjectEvent => ({ seq: 0, id: at, project_id: 'P', kind: 'chase', task_id, at, actor_name, opinion, from_level: 0, to_level: 0 })

describe('lastChases', () => {
  it('keeps the latest chase per task and counts them', () => {
    const events: ProjectEvent[] = [
      ev('A', '2026-11-20T02:00:00Z', '周洁', '第一次'),
      { ...ev('A', '2026-11-21T02:00:00Z'), kind: 'approve' },
      ev('A', '2026-11-25T02:00:00Z', '周洁', '第二次'),
      ev('B', '2026-11-24T02:00:00Z'),
      { ...ev('', '2026-11-26T02:00:00Z'), task_id: undefined },
    ]
    const got = lastChases(events)
    expect(got.get('A')).toEqual({ at: '2026-11-25T02:00:00Z', by: '周洁', message: '第二次', count: 2 })
    expect(got.get('B')?.count).toBe(1)
    expect(got.size).toBe(2)
    expect(lastChases(null).size).toBe(0)
  })
})

const tasks = [
  task('1', 'ZRGH', 11, { state: 'overdue', remaining: -2 }), // concluded late: not open
  task('2', 'RF', 8, { state: 'warning', remaining: 1 }),
  task('3', 'SZYL', 6, { state: 'normal', remaining: 2, paused: true }),
  task('4', 'SZYL', 8, { state: 'overdue', remaining: -1 }),
  task('5', 'SL', 1), // received, no clock yet
]

describe('board shaping', () => {
  it('orders by urgency: overdue, warning, normal, paused, none, concluded', () => {
    expect(byUrgency(tasks).map((t) => t.id)).toEqual(['4', '2', '3', '5', '1'])
  })
  it('counts a stage', () => {
    expect(stageCounts(tasks)).toEqual({ total: 5, open: 4, overdue: 1, warning: 1, paused: 1, done: 1 })
  })
  it('summarises departments, most overdue first, with their last chase', () => {
    const chases = lastChases([ev('3', '2026-11-24T02:00:00Z'), ev('4', '2026-11-25T02:00:00Z', '周洁', '最新')])
    const got = deptSummaries(tasks, chases)
    expect(got.map((d) => [d.dept, d.open, d.overdue, d.warning])).toEqual([
      ['SZYL', 2, 1, 0],
      ['RF', 1, 0, 1],
      ['SL', 1, 0, 0],
      ['ZRGH', 0, 0, 0],
    ])
    expect(got[0].lastChase?.message).toBe('最新')
  })
  it('chases only open tasks', () => {
    expect(chaseable(tasks).map((t) => t.id)).toEqual(['2', '3', '4', '5'])
  })
  it('shows the level among the levels', () => {
    expect(levelProgress(tasks[0])).toBe('2/3')
    expect(levelProgress({ level: 0, levels: null })).toBe('')
  })
})

describe('compareStages', () => {
  it('puts overdue stages first, then by overdue items and time left', () => {
    const s = (name: string, level: 'normal' | 'warning' | 'overdue', remaining: number, overdue = 0, warning = 0) => ({ name, level, remaining, overdue, warning })
    const got = [s('a', 'normal', 5), s('b', 'overdue', -1), s('c', 'normal', 5, 2), s('d', 'warning', 1), s('e', 'normal', 2)].sort(compareStages).map((x) => x.name)
    expect(got).toEqual(['b', 'd', 'c', 'e', 'a'])
  })
  it('ranks a stage by its server clock, one without a clock last among the normal ones', () => {
    expect(stageLevel(clock({ state: 'warning' }))).toBe('warning')
    expect(stageLevel(undefined)).toBe('normal')
    expect(stageRank(clock({ state: 'overdue', remaining: -2 }), { overdue: 1, warning: 0 })).toEqual({ level: 'overdue', remaining: -2, overdue: 1, warning: 0 })
    const none = stageRank(undefined, { overdue: 0, warning: 0 })
    const some = stageRank(clock({ remaining: 9 }), { overdue: 0, warning: 0 })
    expect(compareStages(some, none)).toBeLessThan(0)
  })
})

describe('city counts', () => {
  it('counts open tasks by clock', () => {
    expect(openCounts(tasks)).toEqual({ open: 4, overdue: 1, warning: 1, paused: 1, notStarted: 1 })
  })
  it('orders by due date, tasks without a clock last', () => {
    const a = task('a', 'X', 8, { due: '2026-11-30' })
    const b = task('b', 'X', 8, { due: '2026-11-25', state: 'overdue', remaining: -1 })
    const c = task('c', 'X', 1)
    expect(byDue([a, c, b]).map((x) => x.id)).toEqual(['b', 'a', 'c'])
  })
})

describe('commonStageName', () => {
  const flow = (id: string, names: string[]): CatalogFlow =>
    ({ id, version: 1, name: id, project_type: id, government_invested: false, stages: names.map((name, i) => ({ number: i + 1, name, lead_department: 'X', limit_days: 5, items: [] })) }) as CatalogFlow
  it('names a stage every flow names alike, and nothing when they differ', () => {
    const flows = [flow('a', ['立项用地规划许可', '工程建设许可']), flow('b', ['立项用地规划许可', '工程建设许可（简易）']), flow('c', ['立项用地规划许可'])]
    expect(commonStageName(flows, 1)).toBe('立项用地规划许可')
    expect(commonStageName(flows, 2)).toBe('')
    expect(commonStageName(flows, 3)).toBe('')
    expect(commonStageName([], 1)).toBe('')
  })
})
