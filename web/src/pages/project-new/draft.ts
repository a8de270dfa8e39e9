// The new-project draft the wizard edits, and its request body.
import type { Agent, Answers, CreateProjectIn } from '@/api/types'
import { cleanAnswers } from '@/lib/preview'

export interface ProjectDraft {
  flow_id: string
  code: string
  name: string
  district: string
  address: string
  investment: number | null
  land_area: number | null
  floor_area: number | null
  agents: Agent[]
  answers: Record<string, boolean | number | string | null>
}

export function emptyDraft(): ProjectDraft {
  return { flow_id: '', code: '', name: '', district: '', address: '', investment: null, land_area: null, floor_area: null, agents: [], answers: {} }
}

export function draftBody(d: ProjectDraft, questionIds?: Iterable<string>): CreateProjectIn {
  const agents = d.agents.filter((a) => a.name.trim() || a.phone.trim()).map((a) => ({ name: a.name.trim(), phone: a.phone.trim() }))
  return {
    flow_id: d.flow_id,
    code: d.code.trim(),
    name: d.name.trim(),
    district: d.district,
    address: d.address.trim() || undefined,
    investment: d.investment ?? 0,
    land_area: d.land_area ?? 0,
    floor_area: d.floor_area ?? 0,
    agents: agents.length ? agents : undefined,
    answers: cleanAnswers(d.answers, questionIds) as Answers,
  }
}
