// Deadline display: what a task's clock means to a person, as an i18n key
// with its parameters and a colour. Pure, so it is tested without a DOM.
import type { Clock } from '@/api/types'

/** DeadlineLevel is the colour class of a deadline. */
export type DeadlineLevel = 'none' | 'normal' | 'warning' | 'overdue' | 'paused' | 'done' | 'doneLate'

/** TagType is the Element Plus tag/text type that shows a level. */
export type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export interface DeadlineView {
  level: DeadlineLevel
  /** Days left (positive), or overdue (positive count) for the overdue levels; null when there is no clock. */
  days: number | null
  unit: 'WD' | 'ND'
  due: string
  /** i18n key under "deadline.", e.g. "left.WD". */
  key: string
  params: Record<string, string | number>
  tagType: TagType
}

/** The clock fields the display needs: a ClockDTO or the same shape from elsewhere. */
export type ClockLike = Pick<Clock, 'remaining' | 'state' | 'paused' | 'due'> & Partial<Pick<Clock, 'unit' | 'limit'>>

export interface DeadlineOptions {
  /** The task is concluded (办结 etc.): the clock stopped at the conclusion. */
  concluded?: boolean
  /**
   * Warning threshold in days left, used only when the server gave no
   * clock state (the server's warn rule is authoritative: 80 % of the limit
   * or 2 working days before, configurable there).
   */
  warnDays?: number
}

const tagOf: Record<DeadlineLevel, TagType> = {
  none: 'info',
  normal: 'success',
  warning: 'warning',
  overdue: 'danger',
  paused: 'info',
  done: 'success',
  doneLate: 'danger',
}

function unitOf(u: string | undefined): 'WD' | 'ND' {
  return u === 'ND' ? 'ND' : 'WD'
}

/** levelFromRemaining is the fallback classification when the server sent no clock state. */
export function levelFromRemaining(remaining: number, warnDays = 2): 'normal' | 'warning' | 'overdue' {
  if (remaining < 0) return 'overdue'
  if (remaining <= warnDays) return 'warning'
  return 'normal'
}

/** describeDeadline turns a task clock into what the UI shows. */
export function describeDeadline(clock: ClockLike | null | undefined, opts: DeadlineOptions = {}): DeadlineView {
  if (!clock) {
    return { level: 'none', days: null, unit: 'WD', due: '', key: 'none', params: {}, tagType: tagOf.none }
  }
  const unit = unitOf(clock.unit)
  const remaining = Math.trunc(clock.remaining ?? 0)
  const state = clock.state === 'normal' || clock.state === 'warning' || clock.state === 'overdue' ? clock.state : levelFromRemaining(remaining, opts.warnDays)
  const base = { unit, due: clock.due ?? '' }
  if (opts.concluded) {
    if (state === 'overdue' || remaining < 0) {
      const days = Math.abs(remaining)
      return { ...base, level: 'doneLate', days, key: `doneLate.${unit}`, params: { n: days, due: base.due }, tagType: tagOf.doneLate }
    }
    return { ...base, level: 'done', days: remaining, key: 'done', params: { due: base.due }, tagType: tagOf.done }
  }
  if (clock.paused) {
    return { ...base, level: 'paused', days: remaining, key: `paused.${unit}`, params: { n: Math.max(remaining, 0) }, tagType: tagOf.paused }
  }
  if (state === 'overdue' || remaining < 0) {
    const days = Math.max(Math.abs(remaining), remaining < 0 ? 1 : 0)
    if (days === 0) {
      // The server says overdue on the due day itself only if its rule
      // says so; show it as due today rather than "overdue by 0".
      return { ...base, level: 'overdue', days: 0, key: 'today', params: {}, tagType: tagOf.overdue }
    }
    return { ...base, level: 'overdue', days, key: `overdue.${unit}`, params: { n: days }, tagType: tagOf.overdue }
  }
  const level = state === 'warning' ? 'warning' : 'normal'
  if (remaining === 0) {
    return { ...base, level, days: 0, key: 'today', params: {}, tagType: tagOf[level] }
  }
  return { ...base, level, days: remaining, key: `left.${unit}`, params: { n: remaining }, tagType: tagOf[level] }
}

/** urgency orders deadlines: overdue first (most overdue first), then warning, normal, paused, none, concluded. */
export function urgency(v: DeadlineView): number {
  const rank: Record<DeadlineLevel, number> = { overdue: 0, warning: 1, normal: 2, paused: 3, none: 4, done: 5, doneLate: 5 }
  const days = v.days ?? 0
  const within = v.level === 'overdue' ? -days : days
  return rank[v.level] * 1_000_000 + Math.max(-99_999, Math.min(99_999, within)) + 100_000
}
