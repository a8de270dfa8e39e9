// The header's message bell: what counts as unseen, the badge, the kind of
// each message, where it leads, and how long ago it came.
//
// Why "seen" lives in the browser: the server keeps messages per audience
// (a person, a department, an enterprise) and has no per-person read state
// for department and enterprise messages — one row is shared by every
// officer of the department, or every applicant of the enterprise — so
// marking it read on the server would mark it for all of them. Each browser
// therefore keeps, per user id, the time of the newest message that person
// has seen (the watermark; unseen = newer than it), plus the ids of newer
// messages opened one by one, in localStorage. Another browser starts
// unseen again.
import type { Notification } from '@/api/notifications'

/** SEEN_KEY_PREFIX + user id is the localStorage key of a person's seen state. */
export const SEEN_KEY_PREFIX = 'tongban.notify.seen.'

/** SEEN_IDS_MAX bounds the ids of messages opened one by one (older ones fall under the watermark anyway). */
export const SEEN_IDS_MAX = 100

/** SeenState is what one person has seen in this browser. */
export interface SeenState {
  /** Watermark: epoch ms of the newest message marked seen ("全部标为已读"); 0 = nothing yet. */
  at: number
  /** Messages newer than the watermark opened one by one. */
  ids: string[]
}

export const NOTHING_SEEN: SeenState = Object.freeze({ at: 0, ids: [] }) as SeenState

/** StorageLike is the part of localStorage used (tests pass a map). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>

export function seenKey(userId: string): string {
  return SEEN_KEY_PREFIX + userId
}

/** parseSeen reads a stored seen state; anything unreadable is "nothing seen". */
export function parseSeen(raw: string | null | undefined): SeenState {
  if (!raw) return { at: 0, ids: [] }
  try {
    const v = JSON.parse(raw) as unknown
    if (!v || typeof v !== 'object') return { at: 0, ids: [] }
    const o = v as { at?: unknown; ids?: unknown }
    const at = typeof o.at === 'number' && Number.isFinite(o.at) && o.at > 0 ? o.at : 0
    const ids = Array.isArray(o.ids) ? o.ids.filter((x): x is string => typeof x === 'string').slice(-SEEN_IDS_MAX) : []
    return { at, ids }
  } catch {
    return { at: 0, ids: [] }
  }
}

export function loadSeen(storage: StorageLike | null | undefined, userId: string): SeenState {
  if (!storage || !userId) return { at: 0, ids: [] }
  try {
    return parseSeen(storage.getItem(seenKey(userId)))
  } catch {
    // storage blocked (private mode, policy): nothing seen, for this page only
    return { at: 0, ids: [] }
  }
}

export function saveSeen(storage: StorageLike | null | undefined, userId: string, s: SeenState): void {
  if (!storage || !userId) return
  try {
    storage.setItem(seenKey(userId), JSON.stringify({ at: s.at, ids: s.ids }))
  } catch {
    // storage full or blocked: the state lasts for this page only
  }
}

/** messageTime is a message's time in epoch ms (0 when unreadable, so it never counts as new). */
export function messageTime(n: Pick<Notification, 'created_at'>): number {
  const t = Date.parse(n.created_at)
  return Number.isNaN(t) ? 0 : t
}

export function isUnseen(n: Notification, s: SeenState): boolean {
  return messageTime(n) > s.at && !s.ids.includes(n.id)
}

export function unseenCount(items: readonly Notification[], s: SeenState): number {
  return items.reduce((c, n) => c + (isUnseen(n, s) ? 1 : 0), 0)
}

/**
 * markAllSeen moves the watermark to the newest message shown (never
 * back), which also covers every message opened one by one.
 */
export function markAllSeen(items: readonly Notification[], s: SeenState): SeenState {
  const newest = items.reduce((m, n) => Math.max(m, messageTime(n)), 0)
  const at = Math.max(s.at, newest)
  return { at, ids: at === s.at ? s.ids : [] }
}

/** markSeen records one message as seen (opened from the list). */
export function markSeen(n: Notification, s: SeenState): SeenState {
  if (!isUnseen(n, s)) return s
  return { at: s.at, ids: [...s.ids, n.id].slice(-SEEN_IDS_MAX) }
}

/**
 * badgeText is the badge over the bell: nothing when all is seen, else the
 * unseen count, with a "+" when the page is full and its oldest message is
 * unseen too (older unseen ones may lie beyond what was fetched).
 */
export function badgeText(items: readonly Notification[], s: SeenState, limit: number): string {
  const n = unseenCount(items, s)
  if (n === 0) return ''
  const oldest = items[items.length - 1]
  return items.length >= limit && oldest && isUnseen(oldest, s) ? `${n}+` : String(n)
}

/** KindGroup is how a message is labelled (notify.kinds.*). */
export type KindGroup = 'chase' | 'task_new' | 'warning' | 'overdue' | 'correction' | 'task' | 'stage' | 'other'

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export interface KindView {
  group: KindGroup
  tag: TagType
}

const DANGER_ACTIONS = new Set(['refuse', 'reject', 'rongque_expire', 'revoke'])
const SUCCESS_ACTIONS = new Set(['approve', 'approve_commitment', 'accept', 'accept_rongque'])

/**
 * kindView labels a message kind as the server writes it: chase, task_new,
 * warning and overdue (department messages), task_<action> and
 * stage_<state> (the applicant's enterprise).
 */
export function kindView(kind: string): KindView {
  switch (kind) {
    case 'chase':
      return { group: 'chase', tag: 'warning' }
    case 'task_new':
      return { group: 'task_new', tag: 'primary' }
    case 'warning':
      return { group: 'warning', tag: 'warning' }
    case 'overdue':
      return { group: 'overdue', tag: 'danger' }
    case 'task_request_correction':
      return { group: 'correction', tag: 'warning' }
  }
  if (kind.startsWith('task_')) {
    const a = kind.slice(5)
    return { group: 'task', tag: DANGER_ACTIONS.has(a) ? 'danger' : SUCCESS_ACTIONS.has(a) ? 'success' : 'info' }
  }
  if (kind.startsWith('stage_')) {
    const st = kind.slice(6)
    return { group: 'stage', tag: st === 'completed' ? 'success' : st === 'stopped' ? 'danger' : 'info' }
  }
  return { group: 'other', tag: 'info' }
}

/** MessageLink is where a message leads, as a named route. */
export interface MessageLink {
  name: 'task' | 'project'
  params: { id: string }
}

/**
 * linkFor is where a message leads: an officer goes to the task (their
 * department's), anyone else who may read it to the project; none when
 * the message names neither.
 */
export function linkFor(n: Pick<Notification, 'task_id' | 'project_id'>, officer: boolean): MessageLink | null {
  if (officer && n.task_id) return { name: 'task', params: { id: n.task_id } }
  if (n.project_id) return { name: 'project', params: { id: n.project_id } }
  return null
}

/** RelativeTime is an i18n key under notify.time (or 'date' with the date itself) and its parameters. */
export type RelativeTime =
  | { key: 'justNow' }
  | { key: 'minutes' | 'hours' | 'days'; n: number }
  | { key: 'yesterday'; time: string }
  | { key: 'date'; date: string }

const pad = (n: number) => String(n).padStart(2, '0')

function dayNumber(d: Date): number {
  // Calendar days in the browser's zone, immune to daylight-saving hours.
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000)
}

/**
 * relativeTime says how long ago a message came, in the browser's zone:
 * just now, minutes, hours (today), yesterday at a time, days (within a
 * week), then the date. A time in the future (clock skew) is "just now".
 */
export function relativeTime(iso: string, now: Date): RelativeTime {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return { key: 'date', date: iso }
  const diff = now.getTime() - at.getTime()
  if (diff < 60_000) return { key: 'justNow' }
  if (diff < 3_600_000) return { key: 'minutes', n: Math.floor(diff / 60_000) }
  const days = dayNumber(now) - dayNumber(at)
  if (days <= 0) return { key: 'hours', n: Math.floor(diff / 3_600_000) }
  if (days === 1) return { key: 'yesterday', time: `${pad(at.getHours())}:${pad(at.getMinutes())}` }
  if (days < 7) return { key: 'days', n: days }
  return { key: 'date', date: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` }
}
