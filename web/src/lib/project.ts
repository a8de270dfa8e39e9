// What the project page derives from GET /projects/{id}: who handles a task,
// its opinions, the versions of a material, whether a correction has been
// re-uploaded and whether a stage can be submitted. Pure, tested.
import type { Material, ProjectEvent, Requirement, Stage, Task } from '@/api/types'

export interface Actor {
  name: string
  role: string
}

/** actorNames maps actor ids to the name and role the record gives them. */
export function actorNames(events: readonly ProjectEvent[]): Map<string, Actor> {
  const m = new Map<string, Actor>()
  for (const e of events) {
    if (e.actor_id && e.actor_name) m.set(e.actor_id, { name: e.actor_name, role: e.actor_role ?? '' })
  }
  return m
}

const notOfficers = ['applicant', 'system', '']

/**
 * officerOf names the officer responsible for a task: the assignee when the
 * record names them as an officer, else the last officer who acted on it.
 * (The API gives the assignee's id only; see the report's API gaps.)
 */
export function officerOf(task: Task, events: readonly ProjectEvent[], names = actorNames(events)): string {
  const a = task.assignee ? names.get(task.assignee) : undefined
  if (a && !notOfficers.includes(a.role)) return a.name
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]
    if (e.task_id === task.id && e.actor_name && !notOfficers.includes(e.actor_role ?? '')) return e.actor_name
  }
  return ''
}

export interface OpinionEntry {
  at: string
  by: string
  role: string
  kind: string
  text: string
  agree?: boolean
  dept?: string
}

/**
 * SYSTEM_NOTES are event kinds whose opinion field is the system's own
 * description (核发《…》，编号 …; 生成《…》电子证照文件), not what an officer
 * said: the record shows them, the opinions leave them out.
 */
const SYSTEM_NOTES: ReadonlySet<string> = new Set(['cert.issue', 'cert.pdf'])

/** taskOpinions lists what officers said on a task, oldest first: the record's opinions and the co-signing opinions. */
export function taskOpinions(task: Task, events: readonly ProjectEvent[]): OpinionEntry[] {
  const out: OpinionEntry[] = []
  const seen = new Set<string>()
  for (const e of events) {
    if (e.task_id !== task.id || !e.opinion || SYSTEM_NOTES.has(e.kind)) continue
    out.push({ at: e.at, by: e.actor_name ?? '', role: e.actor_role ?? '', kind: e.kind, text: e.opinion })
    seen.add(`${e.opinion}\u0000${e.at.slice(0, 16)}`)
  }
  for (const o of task.opinions ?? []) {
    if (seen.has(`${o.text}\u0000${o.at.slice(0, 16)}`)) continue
    out.push({ at: o.at, by: o.by, role: '', kind: 'cosign', text: o.text, agree: o.agree, dept: o.dept })
  }
  return out.sort((a, b) => a.at.localeCompare(b.at))
}

/** materialVersions lists the uploaded versions of one material of a stage, newest first. */
export function materialVersions(materials: readonly Material[], stage: number, code: string): Material[] {
  return materials.filter((m) => m.stage === stage && m.material_code === code).sort((a, b) => b.version - a.version)
}

export interface CorrectionMaterial {
  code: string
  /** reuploaded: a version came in after the correction was asked for. */
  reuploaded: boolean
  latest?: Material
}

/** correctionStatus tells, for each material a correction names, whether it was uploaded again since. */
export function correctionStatus(task: Task, materials: readonly Material[]): CorrectionMaterial[] {
  const c = task.correction
  if (!c) return []
  const since = Date.parse(c.at)
  return (c.materials ?? []).map((code) => {
    const latest = materialVersions(materials, task.stage, code)[0]
    const reuploaded = !!latest && (Number.isNaN(since) || Date.parse(latest.uploaded_at) > since)
    return { code, reuploaded, latest }
  })
}

export interface Readiness {
  missing: Requirement[]
  /** missing ones that may follow later under a 容缺 commitment. */
  missingRongque: Requirement[]
  /** missing ones that block the submission whatever the commitment. */
  blocking: Requirement[]
  canSubmit: boolean
}

/** submitReadiness says whether a stage can be submitted with these requirements and the commitment signed or not. */
export function submitReadiness(reqs: readonly Requirement[], commitment: boolean): Readiness {
  const missing = reqs.filter((r) => r.required && !r.uploaded)
  const missingRongque = missing.filter((r) => r.rongque_allowed)
  const blocking = missing.filter((r) => !r.rongque_allowed)
  return { missing, missingRongque, blocking, canSubmit: reqs.length > 0 && blocking.length === 0 && (missingRongque.length === 0 || commitment) }
}

/** roundTasks splits a stage's tasks into the current round's and earlier rounds'. */
export function roundTasks(tasks: readonly Task[], stage: Stage): { current: Task[]; earlier: Task[] } {
  const mine = tasks.filter((t) => t.stage === stage.number)
  return { current: mine.filter((t) => t.round === stage.round), earlier: mine.filter((t) => t.round !== stage.round) }
}

/** canUpload: the server takes uploads while a stage is open, withdrawn or in review. */
export function canUpload(stage: Stage | undefined): boolean {
  return !!stage && ['open', 'withdrawn', 'in_review'].includes(stage.state)
}

/** canSubmitStage: an open or withdrawn stage of an active project may be submitted. */
export function canSubmitStage(stage: Stage | undefined, projectState: string): boolean {
  return !!stage && projectState === 'active' && (stage.state === 'open' || stage.state === 'withdrawn')
}
