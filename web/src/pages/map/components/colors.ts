// The map's colours: one per kind of time, the same in the chart, the
// legend and the compact bars of the phone view.
import type { BarKind } from '@/lib/map'

export const KIND_COLOR: Record<BarKind, string> = {
  waiting: '#a9b4c6',
  working: '#2f6ec4',
  correction: '#e6a23c',
  special: '#8e6bbf',
  overrun: '#d03050',
  stage: '#9fbbe0',
  stageOver: '#f2a7b1',
}

export const LIMIT_COLOR = '#303133'
export const OVER_COLOR = '#d03050'
export const NOW_COLOR = '#2e9b5f'

/** escapeHtml: tooltips are HTML; names come from the server. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}
