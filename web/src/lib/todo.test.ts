import { describe, expect, it } from 'vitest'
import type { Task } from '@/api/types'
import {
  applyFilter,
  clientFiltered,
  countLevels,
  defaultFilter,
  dueKey,
  filterFromQuery,
  filterToQuery,
  fingerprint,
  itemOptions,
  nearEnd,
  normalize,
  scrollTopFor,
  serverKey,
  serverQuery,
  sortRows,
  toRow,
  windowRange,
  type TodoFilter,
  type TodoRow,
} from './todo'

let seq = 0
function task(p: Partial<Task> = {}): Task {
  seq++
  return {
    id: `T${String(seq).padStart(4, '0')}`,
    project_id: 'P0',
    project_code: 'X-0',
    project_name: '默认项目',
    stage: 1,
    round: 1,
    item_code: 'XM-ZRGH-001',
    item_version: 1,
    item_name: '建设用地规划许可证核发',
    dept_code: 'ZRGH',
    state: 8,
    state_name: '部门受理',
    level: 1,
    level_name: '审查',
    level_role: 'reviewer',
    levels: [
      { name: '受理', role: 'clerk' },
      { name: '审查', role: 'reviewer' },
      { name: '签发', role: 'approver' },
    ],
    opinions: [],
    accepted: true,
    allow_rongque: false,
    allow_commitment: false,
    commitment: false,
    clock: { unit: 'WD', limit: 5, started: '2026-11-20', due: '2026-11-27', warn_from: '2026-11-26', paused: false, state: 'normal', state_name: '正常', remaining: 3 },
    assignee: '',
    result: '',
    actions: [],
    created_at: '2026-11-20T01:00:00Z',
    updated_at: '2026-11-20T01:00:00Z',
    version: 1,
    ...p,
  }
}

const proj = (id: string, code: string, name: string): Partial<Task> => ({ project_id: id, project_code: code, project_name: name })

function f(p: Partial<TodoFilter> = {}): TodoFilter {
  return { ...defaultFilter(), ...p }
}

describe('serverQuery', () => {
  it.each<[Partial<TodoFilter>, object]>([
    [{}, { open: true }],
    [{ group: 'toAccept' }, { state: [1, 7] }],
    [{ group: 'working' }, { state: [7, 8, 10] }],
    [{ group: 'paused' }, { state: [6, 9] }],
    [{ group: 'withdraw' }, { state: [16] }],
    [{ group: 'concluded' }, { open: false }],
    [{ group: 'all' }, {}],
    [{ clock: 'warning' }, { open: true, clock_state: 'warning' }],
    [{ clock: 'overdue', group: 'working' }, { state: [7, 8, 10], clock_state: 'overdue' }],
    // the server takes one clock state: "either" is filtered on the rows
    [{ clock: 'attention' }, { open: true }],
    // client-side parts never reach the server
    [{ item: 'X', q: 'abc', mine: true, sort: 'project' }, { open: true }],
  ])('%j → %j', (p, want) => {
    expect(serverQuery(f(p))).toEqual(want)
  })

  it('keys change only with the server part', () => {
    expect(serverKey(f({ q: 'a' }))).toBe(serverKey(f({ item: 'b', sort: 'received' })))
    expect(serverKey(f({ group: 'all' }))).not.toBe(serverKey(f()))
  })
})

describe('clientFiltered', () => {
  it.each<[Partial<TodoFilter>, boolean]>([
    [{}, false],
    [{ group: 'paused', clock: 'overdue' }, false],
    [{ sort: 'received' }, true],
    [{ group: 'toAccept' }, true],
    [{ clock: 'attention' }, true],
    [{ item: 'X' }, true],
    [{ q: '  ' }, false],
    [{ q: '集美' }, true],
    [{ mine: true }, true],
  ])('%j → %s', (p, want) => expect(clientFiltered(f(p))).toBe(want))
})

describe('applyFilter', () => {
  const a = toRow(task({ item_code: 'A', item_name: '甲事项', clock: { ...task().clock!, remaining: -2, state: 'overdue' }, ...proj('P1', '2026-350211-47-03-000001', '集美软件园三期') }))
  const b = toRow(task({ item_code: 'B', item_name: '乙事项', clock: { ...task().clock!, remaining: 1, state: 'warning' }, ...proj('P2', '2026-350203-47-03-000002', '思明商务中心') }))
  const c = toRow(task({ item_code: 'A', item_name: '甲事项', state: 1, accepted: false, clock: undefined, ...proj('P3', '2026-350206-47-03-000003', '湖里厂房') }))
  const d = toRow(task({ item_code: 'B', item_name: '乙事项', state: 7, accepted: true, clock: { ...task().clock!, paused: false } }))
  const e = toRow(task({ state: 7, accepted: false, clock: undefined }))
  const rows = [a, b, c, d, e]
  const ids = (rs: TodoRow[]) => rs.map((r) => r.task.id)

  it('keeps everything without client-side filters', () => {
    expect(ids(applyFilter(rows, f()))).toEqual(ids(rows))
  })
  it('7 补正结束 awaits acceptance only when never accepted', () => {
    expect(ids(applyFilter(rows, f({ group: 'toAccept' })))).toEqual(ids([a, b, c, d, e].filter((r) => !r.task.accepted)))
    expect(ids(applyFilter(rows, f({ group: 'working' })))).toEqual(ids([a, b, d]))
  })
  it('warning or overdue', () => {
    expect(ids(applyFilter(rows, f({ clock: 'attention' })))).toEqual(ids([a, b]))
  })
  it('by item', () => {
    expect(ids(applyFilter(rows, f({ item: 'A' })))).toEqual(ids([a, c]))
  })
  it('search: project name, code (full-width digits too) or item name, any case', () => {
    expect(ids(applyFilter(rows, f({ q: '集美' })))).toEqual(ids([a]))
    expect(ids(applyFilter(rows, f({ q: '３５０２０３' })))).toEqual(ids([b]))
    expect(ids(applyFilter(rows, f({ q: ' 000003 ' })))).toEqual(ids([c]))
    expect(ids(applyFilter(rows, f({ q: '乙事项' })))).toEqual(ids([b, d]))
    expect(applyFilter(rows, f({ q: 'nothing' }))).toEqual([])
  })
  it('mine asks the predicate, and without one keeps nothing', () => {
    expect(ids(applyFilter(rows, f({ mine: true }), (t) => t.item_code === 'B'))).toEqual(ids([b, d]))
    expect(applyFilter(rows, f({ mine: true }))).toEqual([])
  })
  it('combines filters', () => {
    expect(ids(applyFilter(rows, f({ item: 'A', clock: 'attention' })))).toEqual(ids([a]))
  })
})

describe('sortRows', () => {
  const r1 = toRow(task({ id: 'B', created_at: '2026-11-03T00:00:00Z', clock: { ...task().clock!, due: '2026-12-01' }, ...proj('P1', 'C-2', 'x') }))
  const r2 = toRow(task({ id: 'A', created_at: '2026-11-01T00:00:00Z', clock: { ...task().clock!, due: '2026-12-01' }, ...proj('P2', 'C-1', 'y') }))
  const r3 = toRow(task({ id: 'C', created_at: '2026-11-02T00:00:00Z', clock: { ...task().clock!, due: '2026-11-25' }, ...proj('P1', 'C-2', 'x') }))
  const r4 = toRow(task({ id: 'D', created_at: '2026-10-01T00:00:00Z', state: 1, accepted: false, clock: undefined, ...proj('P4', 'C-9', 'w') }))
  const r5 = toRow(task({ id: '0', created_at: '2026-10-02T00:00:00Z', state: 11, clock: { ...task().clock!, due: '2026-01-01' }, ...proj('P3', 'C-0', 'z') }))
  const ids = (rs: TodoRow[]) => rs.map((r) => r.task.id)
  const rows = [r1, r2, r3, r4, r5]

  it('deadline: due date then id, no deadline (not accepted, concluded) last — like the server', () => {
    expect(ids(sortRows(rows, 'deadline'))).toEqual(['C', 'A', 'B', '0', 'D'])
  })
  it('received: oldest first', () => {
    expect(ids(sortRows(rows, 'received'))).toEqual(['D', '0', 'A', 'C', 'B'])
  })
  it('project: by code, then deadline', () => {
    expect(ids(sortRows(rows, 'project'))).toEqual(['0', 'A', 'C', 'B', 'D'])
  })
  it('does not touch its input', () => {
    const before = ids(rows)
    sortRows(rows, 'received')
    expect(ids(rows)).toEqual(before)
  })
  it('dueKey', () => {
    expect(dueKey(r3.task)).toBe('2026-11-25')
    expect(dueKey(r4.task)).toBe('9999-12-31')
    expect(dueKey(r5.task)).toBe('9999-12-31')
  })
})

describe('rows', () => {
  it('colours the deadline once', () => {
    expect(toRow(task({ clock: { ...task().clock!, remaining: -1, state: 'overdue' } })).deadline.level).toBe('overdue')
    expect(toRow(task({ clock: { ...task().clock!, remaining: 1, state: 'warning' } })).deadline.level).toBe('warning')
    expect(toRow(task({ clock: { ...task().clock!, paused: true } })).deadline.level).toBe('paused')
    expect(toRow(task({ state: 11 })).deadline.level).toBe('done')
    expect(toRow(task({ state: 1, clock: undefined })).deadline.level).toBe('none')
  })
  it('counts by colour', () => {
    const rows = [
      toRow(task({ clock: { ...task().clock!, remaining: -1, state: 'overdue' } })),
      toRow(task({ clock: { ...task().clock!, remaining: -3, state: 'overdue' } })),
      toRow(task({ clock: { ...task().clock!, remaining: 1, state: 'warning' } })),
      toRow(task({ clock: { ...task().clock!, paused: true } })),
      toRow(task()),
    ]
    expect(countLevels(rows)).toEqual({ total: 5, overdue: 2, warning: 1, paused: 1 })
  })
  it('lists items by name with counts', () => {
    const rows = [toRow(task({ item_code: 'B', item_name: 'beta' })), toRow(task({ item_code: 'A', item_name: 'alpha' })), toRow(task({ item_code: 'B', item_name: 'beta' }))]
    expect(itemOptions(rows)).toEqual([
      { code: 'A', name: 'alpha', count: 1 },
      { code: 'B', name: 'beta', count: 2 },
    ])
  })
  it('fingerprint changes with versions and clocks only', () => {
    const t1 = task()
    expect(fingerprint([t1])).toBe(fingerprint([{ ...t1, updated_at: 'later' }]))
    expect(fingerprint([t1])).not.toBe(fingerprint([{ ...t1, version: 2 }]))
    expect(fingerprint([t1])).not.toBe(fingerprint([{ ...t1, clock: { ...t1.clock!, remaining: 2 } }]))
  })
  it('fingerprint changes when a project is renamed', () => {
    const t1 = task()
    expect(fingerprint([t1])).not.toBe(fingerprint([{ ...t1, project_name: '新名称' }]))
  })
  it('normalizes search text', () => {
    expect(normalize('  ＡＢＣ１２３ ')).toBe('abc123')
  })
})

describe('windowRange', () => {
  const base = { viewport: 600, rowHeight: 60, overscan: 5 }

  it('renders only the rows in view plus overscan', () => {
    const r = windowRange({ ...base, scrollTop: 0, count: 1200 })
    expect(r).toEqual({ start: 0, end: 16, offset: 0, total: 72_000 })
  })
  it('moves with the scroll position', () => {
    const r = windowRange({ ...base, scrollTop: 30_000, count: 1200 })
    // row 500 at the top; 11 rows fit; 5 overscan each side
    expect(r.start).toBe(495)
    expect(r.end).toBe(516)
    expect(r.offset).toBe(495 * 60)
  })
  it('costs the same for 1,000 or 100,000 rows', () => {
    const small = windowRange({ ...base, scrollTop: 6000, count: 1000 })
    const big = windowRange({ ...base, scrollTop: 6000, count: 100_000 })
    expect(big.end - big.start).toBe(small.end - small.start)
    expect(big.end - big.start).toBeLessThanOrEqual(Math.ceil(600 / 60) + 1 + 10)
  })
  it('clamps at the end and beyond it', () => {
    const r = windowRange({ ...base, scrollTop: 999_999, count: 1000 })
    expect(r.end).toBe(1000)
    expect(r.start).toBe(1000 - 10 - 5)
    expect(r.offset + (r.end - r.start) * 60).toBe(r.total)
  })
  it('clamps a negative scroll (rubber band)', () => {
    expect(windowRange({ ...base, scrollTop: -80, count: 50 }).start).toBe(0)
  })
  it('a list shorter than the viewport renders whole', () => {
    expect(windowRange({ ...base, scrollTop: 0, count: 4 })).toEqual({ start: 0, end: 4, offset: 0, total: 240 })
  })
  it('empty and degenerate input', () => {
    expect(windowRange({ ...base, scrollTop: 0, count: 0 })).toEqual({ start: 0, end: 0, offset: 0, total: 0 })
    expect(windowRange({ ...base, rowHeight: 0, scrollTop: 0, count: 10 })).toEqual({ start: 0, end: 0, offset: 0, total: 0 })
  })
  it('a zero-height viewport (hidden tab) still renders a row', () => {
    const r = windowRange({ viewport: 0, rowHeight: 60, scrollTop: 0, count: 100, overscan: 0 })
    expect(r.end).toBeGreaterThan(0)
  })
  it('every row is covered exactly once while scrolling through 1,000 rows', () => {
    const seen = new Uint8Array(1000)
    for (let top = 0; top <= 60 * 1000; top += 173) {
      const r = windowRange({ ...base, scrollTop: top, count: 1000 })
      const first = Math.floor(Math.min(top, 60 * 1000 - 600) / 60)
      expect(r.start).toBeLessThanOrEqual(first)
      expect(r.end).toBeGreaterThanOrEqual(Math.min(1000, first + 10))
      for (let i = r.start; i < r.end; i++) seen[i] = 1
    }
    expect(seen.every((x) => x === 1)).toBe(true)
  })
})

describe('nearEnd', () => {
  it('asks for the next page near the loaded end only when there is more', () => {
    expect(nearEnd({ end: 60 }, 100, true)).toBe(false)
    expect(nearEnd({ end: 70 }, 100, true)).toBe(true)
    expect(nearEnd({ end: 100 }, 100, false)).toBe(false)
    expect(nearEnd({ end: 5 }, 10, true, 30)).toBe(true)
  })
})

describe('scrollTopFor', () => {
  it('scrolls a row into view only when needed', () => {
    expect(scrollTopFor(5, 60, 0, 600)).toBeNull()
    expect(scrollTopFor(10, 60, 0, 600)).toBe(60)
    expect(scrollTopFor(2, 60, 300, 600)).toBe(120)
  })
})

describe('filter in the address', () => {
  it('round-trips', () => {
    const x = f({ group: 'paused', clock: 'attention', item: 'XM-1', q: '集美', mine: true, sort: 'received' })
    expect(filterFromQuery(filterToQuery(x))).toEqual(x)
  })
  it('defaults write nothing', () => {
    expect(filterToQuery(defaultFilter())).toEqual({})
  })
  it('ignores junk', () => {
    expect(filterFromQuery({ group: 'drop table', clock: ['x'], sort: null, mine: 'yes', q: ['a', 'b'] })).toEqual(f({ q: 'a' }))
  })
})
