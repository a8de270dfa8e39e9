import { describe, expect, it } from 'vitest'
import type { CatalogFlow, CatalogItem, CatalogQuestion, ItemNeed, PreviewOut } from '@/api/types'
import { cleanAnswers, groupPreview, itemsByQuestion, latestFlows, questionIdsInRule, relevantQuestions } from './preview'

function need(code: string, dept: string, rule = ''): ItemNeed {
  return { code, name: `item ${code}`, department: dept, department_name: `dept ${dept}`, reason: `why ${code}`, reason_en: `why-en ${code}`, rule, limit: 5, unit: 'WD' }
}

const preview = (stages: Record<number, ItemNeed[]>): PreviewOut => ({
  flow_id: 'f',
  flow_version: 1,
  stages: Object.entries(stages).map(([n, items]) => ({ number: Number(n), name: `stage ${n}`, items })),
})

describe('questionIdsInRule', () => {
  it.each([
    ['', []],
    ['project.investment >= 5000.0', []],
    ['answers.touches_river', ['touches_river']],
    ['project.land_area >= 5000.0 || answers.earthwork_m3 >= 1000.0', ['earthwork_m3']],
    ['(answers.has_underground_space || project.floor_area >= 7000) && !answers.civil_defense_offsite', ['has_underground_space', 'civil_defense_offsite']],
    ['answers.env_category == "report_book" || answers.env_category == "report_form"', ['env_category']],
    ['myanswers.x', []],
  ] as const)('%s', (rule, want) => {
    expect(questionIdsInRule(rule)).toEqual(want)
  })
})

describe('groupPreview', () => {
  it('groups by stage, then department in first-seen order, keeping item order', () => {
    const p = preview({
      1: [need('A1', 'FGW'), need('B1', 'ZRGH', 'answers.land_source != "existing"'), need('A2', 'FGW', 'project.investment >= 5000.0')],
      2: [],
      3: [need('C1', 'ZJ')],
    })
    const g = groupPreview(p)
    expect(g.total).toBe(4)
    expect(g.stages.map((s) => [s.number, s.count])).toEqual([
      [1, 3],
      [2, 0],
      [3, 1],
    ])
    expect(g.stages[0].departments.map((d) => [d.code, d.name, d.items.map((i) => i.code)])).toEqual([
      ['FGW', 'dept FGW', ['A1', 'A2']],
      ['ZRGH', 'dept ZRGH', ['B1']],
    ])
    const b1 = g.stages[0].departments[1].items[0]
    expect(b1.conditional).toBe(true)
    expect(b1.questions).toEqual(['land_source'])
    expect(g.stages[0].departments[0].items[0].conditional).toBe(false)
    expect(g.removed).toEqual([])
    expect(g.stages.flatMap((s) => s.departments.flatMap((d) => d.items)).some((i) => i.added)).toBe(false)
  })

  it('marks what an answer added and lists what it removed', () => {
    const before = preview({ 1: [need('A1', 'FGW'), need('R1', 'SL', 'answers.touches_river')] })
    const after = preview({ 1: [need('A1', 'FGW'), need('E1', 'STHJ', 'answers.env_category == "report_form"')] })
    const g = groupPreview(after, before)
    const items = g.stages[0].departments.flatMap((d) => d.items)
    expect(items.map((i) => [i.code, i.added])).toEqual([
      ['A1', false],
      ['E1', true],
    ])
    expect(g.removed.map((i) => i.code)).toEqual(['R1'])
  })

  it('tells the same item in two stages apart', () => {
    const g = groupPreview(preview({ 1: [need('X', 'ZJ')], 4: [need('X', 'ZJ')] }), preview({ 1: [need('X', 'ZJ')] }))
    expect(g.stages[1].departments[0].items[0].added).toBe(true)
    expect(g.stages[0].departments[0].items[0].added).toBe(false)
  })

  it('copes with an empty or null preview', () => {
    expect(groupPreview(null)).toEqual({ stages: [], total: 0, removed: [] })
    expect(groupPreview({ flow_id: 'f', flow_version: 1, stages: null }).total).toBe(0)
    expect(groupPreview({ flow_id: 'f', flow_version: 1, stages: [{ number: 1, name: 's', items: null }] }).stages[0].count).toBe(0)
  })
})

describe('itemsByQuestion', () => {
  it('maps each situation to the items its answer brings in', () => {
    const p = preview({
      1: [need('A', 'FGW', 'answers.touches_river'), need('B', 'SL', 'answers.touches_river || answers.earthwork_m3 > 0'), need('C', 'ZJ')],
    })
    expect(itemsByQuestion(p)).toEqual({ touches_river: ['item A', 'item B'], earthwork_m3: ['item B'] })
  })
})

describe('relevantQuestions', () => {
  const q = (id: string): CatalogQuestion => ({ id, text: id, type: 'bool' })
  const item = (code: string, version: number, when?: string, conditions: string[] = []): CatalogItem => ({
    code,
    version,
    name: code,
    department: 'D',
    stage: 1,
    legal_limit: 20,
    committed_limit: 5,
    unit: 'WD',
    result: '',
    result_name: '',
    rongque: false,
    commitment: false,
    when,
    materials: conditions.map((c, i) => ({ code: `${code}-M${i}`, name: 'm', required: true, rongque_allowed: false, seal_required: false, straddle_seal_required: false, formats: ['pdf'], max_size_mb: 10, condition: c })),
  })
  const flow: CatalogFlow = {
    id: 'f',
    version: 2,
    name: 'f',
    project_type: 'x',
    government_invested: false,
    stages: [
      { number: 1, name: 's1', lead_department: 'D', limit_days: 5, items: [{ code: 'I1', version: 1 }, { code: 'I2', version: 2 }] },
      { number: 2, name: 's2', lead_department: 'D', limit_days: 5, items: [{ code: 'I3', version: 1 }] },
    ],
  }
  const items = [
    item('I1', 1, 'answers.touches_river'),
    item('I2', 1, 'answers.old_question'), // another version: not in the flow
    item('I2', 2, 'project.investment > 30', ['answers.land_source == "transfer"']),
    item('I3', 1),
    item('I9', 1, 'answers.unrelated'),
  ]
  const questions = [q('land_source'), q('unrelated'), q('touches_river'), q('old_question')]

  it('keeps questions read by the flow items’ rules and material conditions, in questionnaire order', () => {
    expect(relevantQuestions(flow, items, questions).map((x) => x.id)).toEqual(['land_source', 'touches_river'])
  })
  it('shows every question before a flow is chosen', () => {
    expect(relevantQuestions(null, items, questions)).toHaveLength(4)
  })
})

describe('latestFlows', () => {
  it('keeps the newest version of each flow', () => {
    const f = (id: string, version: number) => ({ id, version, name: `${id}@${version}`, project_type: '', government_invested: false, stages: [] })
    expect(latestFlows([f('a', 1), f('b', 1), f('a', 3), f('a', 2)]).map((x) => x.name)).toEqual(['a@3', 'b@1'])
  })
})

describe('cleanAnswers', () => {
  it('drops unanswered questions and keeps false and 0', () => {
    expect(cleanAnswers({ a: true, b: false, c: 0, d: null, e: '', f: 'x', g: Number.NaN, h: undefined })).toEqual({ a: true, b: false, c: 0, f: 'x' })
  })
  it('keeps only the listed questions', () => {
    expect(cleanAnswers({ a: true, b: false }, ['b'])).toEqual({ b: false })
  })
})
