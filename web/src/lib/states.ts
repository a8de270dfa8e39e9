// Colours of the national item-instance states (办件状态) and of stage and
// project states.
import type { TagType } from './deadline'

const passed = [11, 12]
const failed = [4, 5, 13, 15]
const gone = [2, 14, 16]
const paused = [6, 9]

export function stateTagType(code: number): TagType {
  if (passed.includes(code)) return 'success'
  if (failed.includes(code)) return 'danger'
  if (paused.includes(code)) return 'warning'
  if (gone.includes(code)) return 'info'
  return 'primary'
}

/** isPassed: 办结（通过）or 办结（容缺通过）. */
export function isPassed(code: number): boolean {
  return passed.includes(code)
}

/** isConcluded: the task is finished one way or another; its clock has stopped. */
export function isConcluded(code: number): boolean {
  return passed.includes(code) || failed.includes(code) || [2, 14].includes(code)
}

export function stageTagType(state: string): TagType {
  switch (state) {
    case 'completed':
      return 'success'
    case 'stopped':
      return 'danger'
    case 'in_review':
      return 'primary'
    case 'open':
      return 'warning'
  }
  return 'info'
}

export function projectTagType(state: string): TagType {
  switch (state) {
    case 'completed':
      return 'success'
    case 'stopped':
      return 'danger'
    case 'withdrawn':
      return 'info'
  }
  return 'primary'
}
