// The decisions an officer can take on a task (POST /tasks/{id}/actions),
// mirroring the server's transition table and guards
// (internal/approval/transition.go: Transitions, authorize, Apply) so the
// task page shows only what would be accepted — the server still decides.
// Pure, so it is tested without a DOM.
import type { ActIn, Role, Task } from '@/api/types'

/** OfficerAction is an action of POST /tasks/{id}/actions an officer takes (the applicant's resubmit, recall and withdraw are not here). */
export type OfficerAction =
  | 'accept'
  | 'accept_rongque'
  | 'approve_commitment'
  | 'refuse'
  | 'request_correction'
  | 'approve'
  | 'reject'
  | 'send_back'
  | 'start_special'
  | 'end_special'
  | 'cosign'
  | 'confirm_withdraw'
  | 'revoke'

/** Who may act, as the server's transition table says (approval.Actor). */
type Actor = 'clerk' | 'level' | 'officer' | 'approver' | 'cosigner'

const WORKING = [8, 7, 10]

interface Rule {
  from: number[]
  actor: Actor
}

/** RULES is the server's table for the officer actions, in the order the decision panel lists them. */
export const RULES: Record<OfficerAction, Rule> = {
  accept: { from: [1, 7], actor: 'clerk' },
  accept_rongque: { from: [1, 7], actor: 'clerk' },
  approve_commitment: { from: [1, 7], actor: 'clerk' },
  approve: { from: WORKING, actor: 'level' },
  send_back: { from: WORKING, actor: 'level' },
  reject: { from: WORKING, actor: 'level' },
  cosign: { from: WORKING, actor: 'cosigner' },
  request_correction: { from: [1, 8, 7, 10], actor: 'officer' },
  start_special: { from: WORKING, actor: 'officer' },
  end_special: { from: [9], actor: 'officer' },
  refuse: { from: [1, 7], actor: 'clerk' },
  confirm_withdraw: { from: [16], actor: 'clerk' },
  revoke: { from: [11, 12], actor: 'approver' },
}

export const OFFICER_ACTIONS = Object.keys(RULES) as OfficerAction[]

/** Person is who looks at the task: roles and department. */
export interface Person {
  roles: readonly Role[]
  dept_code?: string
}

export interface TaskContext {
  /** required materials of the item not uploaded (GET /tasks/{id} "missing") */
  missing?: readonly string[]
}

/** Availability is one action the panel shows; disabled ones say why (an i18n key under "task.why"). */
export interface Availability {
  action: OfficerAction
  enabled: boolean
  why?: 'materialsMissing' | 'commitmentUnsigned' | 'cosignPending'
}

const DEPT_OFFICERS: Role[] = ['clerk', 'reviewer', 'approver']

function has(p: Person, ...roles: Role[]): boolean {
  return p.roles.some((r) => roles.includes(r))
}

/** levelRole is the role of the task's current level ('' before acceptance or without levels). */
export function levelRole(t: Task): string {
  return t.levels?.[t.level]?.role ?? t.level_role ?? ''
}

/** isFinalLevel: the task waits at its last level (签发), where approve concludes it. */
export function isFinalLevel(t: Task): boolean {
  const n = t.levels?.length ?? 0
  return n > 0 && t.level >= n - 1
}

/** nextLevelName is the level an approve passes the task to ('' at the last level). */
export function nextLevelName(t: Task): string {
  if (isFinalLevel(t)) return ''
  return t.levels?.[t.level + 1]?.name ?? ''
}

/** previousLevelName is the level a send_back returns the task to. */
export function previousLevelName(t: Task): string {
  return t.levels?.[t.level - 1]?.name ?? ''
}

/** cosignSatisfied mirrors the server: every co-signing department agreed (会签), or one (或签). */
export function cosignSatisfied(t: Task): boolean {
  const depts = t.cosign?.departments ?? []
  if (depts.length === 0) return true
  const agree = new Map<string, boolean>()
  for (const o of t.opinions ?? []) agree.set(o.dept, o.agree)
  const n = depts.filter((d) => agree.get(d)).length
  return t.cosign?.mode === 'any' ? n >= 1 : n === depts.length
}

function allowedActor(t: Task, p: Person, actor: Actor): boolean {
  if (actor === 'cosigner') {
    // any officer of a co-signing department, but the opinion must come from a reviewer or an approver
    return !!p.dept_code && (t.cosign?.departments ?? []).includes(p.dept_code) && has(p, 'reviewer', 'approver')
  }
  if (!p.dept_code || p.dept_code !== t.dept_code) return false
  switch (actor) {
    case 'clerk':
      return has(p, 'clerk')
    case 'approver':
      return has(p, 'approver')
    case 'officer':
      return has(p, ...DEPT_OFFICERS)
    case 'level': {
      const role = levelRole(t)
      return !!role && p.roles.includes(role as Role)
    }
  }
  return false
}

/**
 * applicable: the item and the task's position allow the action at all
 * (otherwise it is not shown): the acceptance decisions only before the
 * task was accepted (a 7 补正结束 after acceptance is back in review, though
 * the state table would let the clerk "accept" it again) and the review
 * decisions only after (a 7 before acceptance is not in review), 容缺 and 告知承诺
 * only for items that have them, reject only at the last level, send_back
 * not at the first review level.
 */
function applicable(t: Task, a: OfficerAction): boolean {
  switch (a) {
    case 'accept':
    case 'refuse':
      return !t.accepted
    case 'accept_rongque':
      return !t.accepted && t.allow_rongque
    case 'approve_commitment':
      return !t.accepted && t.allow_commitment
    case 'reject':
      return t.accepted && isFinalLevel(t)
    case 'send_back':
      return t.accepted && t.level > 1
    case 'approve':
    case 'start_special':
    case 'cosign':
      return t.accepted
  }
  return true
}

/**
 * availableActions lists the actions the person can take on the task now,
 * in panel order. An action is listed when the state table allows it from
 * the task's state (and the server's own list says so, when it sent one),
 * the person's role and department match, and the item allows it; it is
 * disabled, with the reason, when a guard would refuse it (materials
 * missing for a plain acceptance, commitment not signed, co-signing
 * opinions incomplete).
 */
export function availableActions(t: Task, p: Person, ctx: TaskContext = {}): Availability[] {
  const server = t.actions && t.actions.length > 0 ? new Set(t.actions) : null
  const out: Availability[] = []
  for (const a of OFFICER_ACTIONS) {
    const rule = RULES[a]
    if (!rule.from.includes(t.state)) continue
    if (server && !server.has(a)) continue
    if (!allowedActor(t, p, rule.actor)) continue
    if (!applicable(t, a)) continue
    let why: Availability['why']
    if (a === 'accept' && (ctx.missing?.length ?? 0) > 0) why = 'materialsMissing'
    if (a === 'approve_commitment' && !t.commitment) why = 'commitmentUnsigned'
    if (a === 'approve' && isFinalLevel(t) && !cosignSatisfied(t)) why = 'cosignPending'
    out.push(why ? { action: a, enabled: false, why } : { action: a, enabled: true })
  }
  return out
}

/** The actions that mean "it is your turn": deciding on acceptance, deciding at your level, a co-signing opinion, a withdrawal to confirm. */
const TURN: OfficerAction[] = ['accept', 'accept_rongque', 'approve_commitment', 'refuse', 'approve', 'reject', 'send_back', 'cosign', 'confirm_withdraw']

/**
 * canAct: the task waits for this person (the to-do list's "mine"
 * filter): an acceptance decision for a clerk, the decision of the level
 * whose role they have, a co-signing opinion, a withdrawal to confirm, or
 * ending a special procedure at their level. Correction requests and
 * special procedures, which any officer of the department may start at any
 * level, do not count.
 */
export function canAct(t: Task, p: Person): boolean {
  return availableActions(t, p).some(
    (a) => TURN.includes(a.action) || (a.action === 'end_special' && !!levelRole(t) && p.roles.includes(levelRole(t) as Role)),
  )
}

/** concludes: the action ends the task (办结, 不予受理, 撤销, 撤件) — it cannot be undone. */
export function concludes(t: Task, a: OfficerAction): boolean {
  switch (a) {
    case 'approve':
      return isFinalLevel(t)
    case 'approve_commitment':
    case 'refuse':
    case 'reject':
    case 'revoke':
    case 'confirm_withdraw':
      return true
  }
  return false
}

/**
 * needsConfirm: actions that cannot be taken back ask first — every
 * conclusion, and a correction request, which goes to the applicant as the
 * one complete notice (一次性告知).
 */
export function needsConfirm(t: Task, a: OfficerAction): boolean {
  return concludes(t, a) || a === 'request_correction'
}

/** opinionRequired: the server refuses the action without an opinion. */
export function opinionRequired(a: OfficerAction): boolean {
  return ['refuse', 'reject', 'send_back', 'start_special', 'revoke', 'request_correction'].includes(a)
}

/** The special-procedure kinds of the Administrative Licensing Law art. 45 (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审). */
export const SPECIAL_KINDS = ['hearing', 'test', 'inspection', 'appraisal', 'expert', 'tender', 'auction', 'quarantine'] as const
export type SpecialKind = (typeof SPECIAL_KINDS)[number]

/** DecisionForm is what the decision panel collects. */
export interface DecisionForm {
  action: OfficerAction | ''
  opinion: string
  /** materials owed (容缺) or to correct (补正) */
  materials: string[]
  /** 容缺 period in the item's unit; 0 = the committed limit */
  rongqueDays: number
  /** co-signing: agree or not */
  agree: boolean
  specialKind: SpecialKind | ''
  /** expected length of the special procedure, in days */
  specialDays: number | null
}

export function emptyForm(action: OfficerAction | '' = ''): DecisionForm {
  return { action, opinion: '', materials: [], rongqueDays: 0, agree: true, specialKind: '', specialDays: null }
}

/** FormErrors are i18n keys under "task.err" by field. */
export type FormErrors = Partial<Record<'action' | 'opinion' | 'materials' | 'rongqueDays' | 'specialKind' | 'specialDays', string>>

export const OPINION_MAX = 2000
export const SPECIAL_DAYS_MAX = 365
export const RONGQUE_DAYS_MAX = 60

/**
 * validateDecision checks a form before it is sent, with the server's own
 * rules (opinion required and at most 2000 characters, 容缺 materials and
 * period) and the UI's: a correction notice says what to correct; a
 * special procedure names its kind and expected days.
 */
export function validateDecision(f: DecisionForm, t: Task): FormErrors {
  const e: FormErrors = {}
  if (!f.action) {
    e.action = 'action'
    return e
  }
  const opinion = f.opinion.trim()
  if (opinionRequired(f.action) && !opinion) e.opinion = 'opinion'
  if ([...f.opinion].length > OPINION_MAX) e.opinion = 'opinionLong'
  if (f.action === 'accept_rongque') {
    if (f.materials.length === 0) e.materials = 'rongqueMaterials'
    if (!Number.isInteger(f.rongqueDays) || f.rongqueDays < 0 || f.rongqueDays > Math.min(RONGQUE_DAYS_MAX, t.clock?.limit ?? RONGQUE_DAYS_MAX)) e.rongqueDays = 'rongqueDays'
  }
  if (f.action === 'start_special') {
    if (!f.specialKind) e.specialKind = 'specialKind'
    if (f.specialDays === null || !Number.isInteger(f.specialDays) || f.specialDays < 1 || f.specialDays > SPECIAL_DAYS_MAX) e.specialDays = 'specialDays'
  }
  return e
}

/**
 * actBody builds the request. The API has no fields for a special
 * procedure's kind and expected length, so they lead the opinion, which
 * the record keeps and the applicant sees: specialPrefix renders them in
 * the reader's language (e.g. "【专家评审】预计 10 天。").
 */
export function actBody(f: DecisionForm, t: Task, specialPrefix?: (kind: SpecialKind, days: number) => string): ActIn {
  const action = f.action as OfficerAction
  let opinion = f.opinion.trim()
  if (action === 'start_special' && f.specialKind && f.specialDays && specialPrefix) opinion = specialPrefix(f.specialKind, f.specialDays) + opinion
  const body: ActIn = { action, version: t.version }
  if (opinion) body.opinion = opinion
  if ((action === 'accept_rongque' || action === 'request_correction') && f.materials.length) body.materials = [...f.materials]
  if (action === 'accept_rongque' && f.rongqueDays > 0) body.rongque_days = f.rongqueDays
  if (action === 'cosign') body.agree = f.agree
  return body
}

/** insertTemplate appends a template opinion to what is typed, on a new line unless the box is empty. */
export function insertTemplate(current: string, template: string): string {
  const cur = current.replace(/\s+$/, '')
  if (!cur) return template
  if (cur.includes(template)) return current
  return `${cur}\n${template}`
}

/** PreviewKind is how the task page shows a material: in a frame (PDF), as an image, or as a download (OFD, DWG, …). */
export type PreviewKind = 'pdf' | 'image' | 'download'

export function previewKind(format: string | undefined): PreviewKind {
  const f = (format ?? '').toLowerCase()
  if (f === 'pdf') return 'pdf'
  if (['jpg', 'jpeg', 'png', 'gif', 'webp'].includes(f)) return 'image'
  return 'download'
}

/** AnswerValue is a situation answer ready to show: a message key with parameters, or the text itself. */
export type AnswerValue = { key: 'yes' | 'no' | 'none' } | { text: string }

/** answerValue formats one questionnaire answer with the question's options (choice labels) and unit. */
export function answerValue(v: unknown, q?: { type?: string; unit?: string; options?: { value: string; label: string }[] | null }): AnswerValue {
  if (v === null || v === undefined || v === '') return { key: 'none' }
  if (typeof v === 'boolean') return { key: v ? 'yes' : 'no' }
  if (typeof v === 'number') return { text: q?.unit ? `${v} ${q.unit}` : String(v) }
  const s = String(v)
  const opt = q?.options?.find((o) => o.value === s)
  return { text: opt ? opt.label : s }
}
