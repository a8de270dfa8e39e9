import { describe, expect, it } from 'vitest'
import type { Notification } from '@/api/notifications'
import {
  badgeText,
  isUnseen,
  kindView,
  linkFor,
  loadSeen,
  markAllSeen,
  markSeen,
  messageTime,
  parseSeen,
  relativeTime,
  saveSeen,
  SEEN_IDS_MAX,
  seenKey,
  unseenCount,
  type SeenState,
  type StorageLike,
} from './notifications'

const note = (id: string, created_at: string, extra: Partial<Notification> = {}): Notification => ({
  id,
  audience: 'dept:SL',
  kind: 'chase',
  title: '催办：生产建设项目水土保持方案审批',
  body: '请加快办理。',
  created_at,
  ...extra,
})

// Newest first, as the server sends them; two at the same instant (one transaction).
const items = [
  note('c', '2026-11-27T08:00:00Z'),
  note('b2', '2026-11-26T08:00:00.500Z'),
  note('b1', '2026-11-26T08:00:00.500Z'),
  note('a', '2026-11-25T08:00:00Z'),
]

function memoryStorage(init: Record<string, string> = {}): StorageLike & { data: Record<string, string> } {
  const data = { ...init }
  return {
    data,
    getItem: (k) => (k in data ? data[k] : null),
    setItem: (k, v) => {
      data[k] = String(v)
    },
  }
}

describe('seen state', () => {
  it('counts everything unseen before anything was seen', () => {
    expect(unseenCount(items, { at: 0, ids: [] })).toBe(4)
  })

  it('marks all seen up to the newest message, never moving back', () => {
    const s = markAllSeen(items, { at: 0, ids: [] })
    expect(s).toEqual({ at: Date.parse('2026-11-27T08:00:00Z'), ids: [] })
    expect(unseenCount(items, s)).toBe(0)
    // An older page does not move the watermark back.
    expect(markAllSeen(items.slice(2), s)).toEqual(s)
    // A newer message is unseen again.
    const more = [note('d', '2026-11-27T08:00:01Z'), ...items]
    expect(unseenCount(more, s)).toBe(1)
    expect(isUnseen(more[0], s)).toBe(true)
  })

  it('compares instants, not strings (fractions of a second, zones)', () => {
    const s = markAllSeen([note('x', '2026-11-26T08:00:00Z')], { at: 0, ids: [] })
    expect(isUnseen(note('y', '2026-11-26T08:00:00.5Z'), s)).toBe(true)
    expect(isUnseen(note('z', '2026-11-26T16:00:00+08:00'), s)).toBe(false)
  })

  it('treats messages at the watermark instant as seen', () => {
    const s = markAllSeen([items[1]], { at: 0, ids: [] })
    expect(isUnseen(items[2], s)).toBe(false)
  })

  it('marks one message seen, which "mark all" then absorbs', () => {
    let s: SeenState = { at: 0, ids: [] }
    s = markSeen(items[0], s)
    expect(s.ids).toEqual(['c'])
    expect(unseenCount(items, s)).toBe(3)
    expect(markSeen(items[0], s)).toBe(s) // already seen: unchanged
    s = markAllSeen(items, s)
    expect(s.ids).toEqual([])
    expect(markSeen(items[3], s)).toBe(s) // under the watermark
  })

  it('keeps at most SEEN_IDS_MAX ids', () => {
    let s: SeenState = { at: 0, ids: [] }
    for (let i = 0; i < SEEN_IDS_MAX + 5; i++) s = markSeen(note(`n${i}`, '2026-11-27T08:00:00Z'), s)
    expect(s.ids).toHaveLength(SEEN_IDS_MAX)
    expect(s.ids[0]).toBe('n5')
  })

  it('never counts a message with an unreadable time as new', () => {
    expect(messageTime(note('x', 'not a time'))).toBe(0)
    expect(isUnseen(note('x', 'not a time'), { at: 0, ids: [] })).toBe(false)
  })
})

describe('stored seen state', () => {
  it('is kept per user', () => {
    const st = memoryStorage()
    saveSeen(st, 'U1', { at: 1234, ids: ['c'] })
    expect(st.data[seenKey('U1')]).toBe('{"at":1234,"ids":["c"]}')
    expect(loadSeen(st, 'U1')).toEqual({ at: 1234, ids: ['c'] })
    expect(loadSeen(st, 'U2')).toEqual({ at: 0, ids: [] })
    expect(loadSeen(st, '')).toEqual({ at: 0, ids: [] })
    expect(loadSeen(null, 'U1')).toEqual({ at: 0, ids: [] })
  })

  it('reads anything unreadable as nothing seen', () => {
    for (const raw of [null, '', 'x', '42', 'null', '[]', '{"at":"soon"}', '{"at":-5,"ids":"c"}']) {
      expect(parseSeen(raw)).toEqual({ at: 0, ids: [] })
    }
    expect(parseSeen('{"at":7,"ids":["a",3,"b"]}')).toEqual({ at: 7, ids: ['a', 'b'] })
  })

  it('survives blocked storage', () => {
    const blocked: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    expect(loadSeen(blocked, 'U1')).toEqual({ at: 0, ids: [] })
    expect(() => saveSeen(blocked, 'U1', { at: 1, ids: [] })).not.toThrow()
  })
})

describe('badgeText', () => {
  const page = (n: number) => Array.from({ length: n }, (_, i) => note(`m${i}`, new Date(Date.UTC(2026, 10, 27, 8, 0, 0) - i * 60_000).toISOString()))
  it('shows nothing, the count, or a lower bound when older unseen ones may not have been fetched', () => {
    const none: SeenState = { at: 0, ids: [] }
    expect(badgeText([], none, 20)).toBe('')
    expect(badgeText(page(7), none, 20)).toBe('7')
    expect(badgeText(page(20), none, 20)).toBe('20+')
    // The newest opened: 19 unseen, the oldest among them: still a lower bound.
    const full = page(20)
    expect(badgeText(full, markSeen(full[0], none), 20)).toBe('19+')
    // Seen up to the fifth newest: exactly 4 newer.
    expect(badgeText(full, markAllSeen(full.slice(4), none), 20)).toBe('4')
    expect(badgeText(full, markAllSeen(full, none), 20)).toBe('')
  })
})

describe('kindView', () => {
  it('labels what the server writes', () => {
    const got = Object.fromEntries(
      ['chase', 'task_new', 'warning', 'overdue', 'task_request_correction', 'task_approve', 'task_reject', 'task_refuse', 'task_send_back', 'stage_completed', 'stage_stopped', 'stage_withdrawn', 'broadcast'].map((k) => [
        k,
        `${kindView(k).group}/${kindView(k).tag}`,
      ]),
    )
    expect(got).toEqual({
      chase: 'chase/warning',
      task_new: 'task_new/primary',
      warning: 'warning/warning',
      overdue: 'overdue/danger',
      task_request_correction: 'correction/warning',
      task_approve: 'task/success',
      task_reject: 'task/danger',
      task_refuse: 'task/danger',
      task_send_back: 'task/info',
      stage_completed: 'stage/success',
      stage_stopped: 'stage/danger',
      stage_withdrawn: 'stage/info',
      broadcast: 'other/info',
    })
  })
})

describe('linkFor', () => {
  it('sends officers to the task and others to the project', () => {
    const n = { project_id: 'P1', task_id: 'T1' }
    expect(linkFor(n, true)).toEqual({ name: 'task', params: { id: 'T1' } })
    expect(linkFor(n, false)).toEqual({ name: 'project', params: { id: 'P1' } })
    expect(linkFor({ project_id: 'P1' }, true)).toEqual({ name: 'project', params: { id: 'P1' } })
    expect(linkFor({ project_id: '', task_id: '' }, true)).toBeNull()
    expect(linkFor({}, false)).toBeNull()
  })
})

describe('relativeTime', () => {
  // Local times, so the test holds in any zone.
  const now = new Date(2026, 10, 27, 10, 30, 0)
  const at = (...a: [number, number, number, number, number, number?]) => new Date(...(a as [number, number, number, number, number, number])).toISOString()

  it('says how long ago', () => {
    expect(relativeTime(at(2026, 10, 27, 10, 29, 30), now)).toEqual({ key: 'justNow' })
    expect(relativeTime(at(2026, 10, 27, 10, 31, 0), now)).toEqual({ key: 'justNow' }) // clock skew
    expect(relativeTime(at(2026, 10, 27, 10, 5, 0), now)).toEqual({ key: 'minutes', n: 25 })
    expect(relativeTime(at(2026, 10, 27, 0, 10, 0), now)).toEqual({ key: 'hours', n: 10 })
    expect(relativeTime(at(2026, 10, 26, 23, 50, 0), now)).toEqual({ key: 'yesterday', time: '23:50' })
    expect(relativeTime(at(2026, 10, 26, 8, 5, 0), now)).toEqual({ key: 'yesterday', time: '08:05' })
    expect(relativeTime(at(2026, 10, 25, 11, 0, 0), now)).toEqual({ key: 'days', n: 2 })
    expect(relativeTime(at(2026, 10, 21, 9, 0, 0), now)).toEqual({ key: 'days', n: 6 })
    expect(relativeTime(at(2026, 10, 20, 9, 0, 0), now)).toEqual({ key: 'date', date: '2026-11-20' })
    expect(relativeTime(at(2025, 0, 3, 9, 0, 0), now)).toEqual({ key: 'date', date: '2025-01-03' })
  })

  it('passes an unreadable time through', () => {
    expect(relativeTime('garbage', now)).toEqual({ key: 'date', date: 'garbage' })
  })
})
