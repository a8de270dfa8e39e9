// Questionnaire → items: which situation questions matter for a flow, and
// the live preview of needed items grouped by stage and department, with
// what changed since the previous answer. Pure, tested without a DOM.
import type { CatalogFlow, CatalogItem, CatalogQuestion, ItemNeed, PreviewOut } from '@/api/types'

export interface PreviewItem extends ItemNeed {
  /** key is unique within a preview: stage number and item code. */
  key: string
  /** conditional: the item follows from a rule (a situation or a project fact), not always needed by the flow. */
  conditional: boolean
  /** questions: situation ids the matching rule reads. */
  questions: string[]
  /** added: not in the previous preview. */
  added: boolean
}

export interface PreviewDepartment {
  code: string
  name: string
  items: PreviewItem[]
}

export interface PreviewStageGroup {
  number: number
  name: string
  departments: PreviewDepartment[]
  count: number
}

export interface GroupedPreview {
  stages: PreviewStageGroup[]
  total: number
  /** removed: items of the previous preview that are no longer needed. */
  removed: PreviewItem[]
}

/** itemKey names an item within a preview. */
export function itemKey(stage: number, code: string): string {
  return `${stage}:${code}`
}

const answerRef = /\banswers\.([A-Za-z_][A-Za-z0-9_]*)/g

/** questionIdsInRule lists the situation ids a CEL rule reads (answers.<id>), in order, without repeats. */
export function questionIdsInRule(rule: string | null | undefined): string[] {
  if (!rule) return []
  const out: string[] = []
  for (const m of rule.matchAll(answerRef)) {
    if (!out.includes(m[1])) out.push(m[1])
  }
  return out
}

function flat(p: PreviewOut | null | undefined): PreviewItem[] {
  const out: PreviewItem[] = []
  for (const st of p?.stages ?? []) {
    for (const it of st.items ?? []) {
      out.push({ ...it, key: itemKey(st.number, it.code), conditional: !!it.rule, questions: questionIdsInRule(it.rule), added: false })
    }
  }
  return out
}

/**
 * groupPreview groups a preview by stage, then by department in the order
 * departments first appear in the stage; items keep the server's order.
 * With prev, items not in prev are marked added and prev's items missing
 * now are listed as removed (a first preview marks nothing).
 */
export function groupPreview(p: PreviewOut | null | undefined, prev?: PreviewOut | null): GroupedPreview {
  const before = prev ? new Set(flat(prev).map((i) => i.key)) : null
  const now = new Set<string>()
  const stages: PreviewStageGroup[] = []
  let total = 0
  for (const st of p?.stages ?? []) {
    const depts: PreviewDepartment[] = []
    const byCode = new Map<string, PreviewDepartment>()
    for (const it of st.items ?? []) {
      const key = itemKey(st.number, it.code)
      now.add(key)
      let d = byCode.get(it.department)
      if (!d) {
        d = { code: it.department, name: it.department_name || it.department, items: [] }
        byCode.set(it.department, d)
        depts.push(d)
      }
      d.items.push({ ...it, key, conditional: !!it.rule, questions: questionIdsInRule(it.rule), added: before !== null && !before.has(key) })
    }
    const count = depts.reduce((n, d) => n + d.items.length, 0)
    total += count
    stages.push({ number: st.number, name: st.name, departments: depts, count })
  }
  const removed = prev ? flat(prev).filter((i) => !now.has(i.key)) : []
  return { stages, total, removed }
}

/** itemsByQuestion maps each situation id to the names of the previewed items whose rule reads it. */
export function itemsByQuestion(p: PreviewOut | null | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const it of flat(p)) {
    for (const q of it.questions) {
      const names = (out[q] ??= [])
      if (!names.includes(it.name)) names.push(it.name)
    }
  }
  return out
}

/**
 * relevantQuestions keeps the questions that can change what a flow needs:
 * those read by the rule of an item of the flow, or by a condition of one
 * of its materials. Questionnaire order is kept. Without a flow, all.
 */
export function relevantQuestions(flow: CatalogFlow | null | undefined, items: CatalogItem[], questions: CatalogQuestion[]): CatalogQuestion[] {
  if (!flow) return questions
  const byKey = new Map(items.map((i) => [`${i.code}@${i.version}`, i]))
  const used = new Set<string>()
  for (const st of flow.stages ?? []) {
    for (const ref of st.items ?? []) {
      const it = byKey.get(`${ref.code}@${ref.version}`)
      if (!it) continue
      questionIdsInRule(it.when).forEach((q) => used.add(q))
      for (const m of it.materials ?? []) questionIdsInRule(m.condition).forEach((q) => used.add(q))
    }
  }
  return questions.filter((q) => used.has(q.id))
}

/** latestFlows keeps the newest version of each flow id, in first-seen order. */
export function latestFlows(flows: CatalogFlow[]): CatalogFlow[] {
  const out = new Map<string, CatalogFlow>()
  for (const f of flows) {
    const cur = out.get(f.id)
    if (!cur || f.version > cur.version) out.set(f.id, f)
  }
  return [...out.values()]
}

/** cleanAnswers drops unanswered questions (null, undefined, empty string) so the server uses its zero answers. */
export function cleanAnswers(answers: Record<string, unknown>, only?: Iterable<string>): Record<string, boolean | number | string> {
  const keep = only ? new Set(only) : null
  const out: Record<string, boolean | number | string> = {}
  for (const [k, v] of Object.entries(answers)) {
    if (keep && !keep.has(k)) continue
    if (v === null || v === undefined || v === '') continue
    if (typeof v === 'number' && !Number.isFinite(v)) continue
    if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') out[k] = v
  }
  return out
}
