import { describe, expect, it } from 'vitest'
import type { Role, Task } from '@/api/types'
import {
  actBody,
  answerValue,
  previewKind,
  availableActions,
  canAct,
  concludes,
  cosignSatisfied,
  emptyForm,
  insertTemplate,
  isFinalLevel,
  needsConfirm,
  nextLevelName,
  previousLevelName,
  validateDecision,
  type DecisionForm,
  type OfficerAction,
  type Person,
} from './task'

function task(p: Partial<Task> = {}): Task {
  return {
    id: 'T1',
    project_id: 'P1',
    project_code: '2026-350211-47-03-000001',
    project_name: '集美软件园三期',
    stage: 1,
    round: 1,
    item_code: 'XM-ZRGH-001',
    item_version: 1,
    item_name: '建设用地规划许可证核发',
    dept_code: 'ZRGH',
    state: 8,
    state_name: '部门受理',
    level: 1,
    level_name: '审查',
    level_role: 'reviewer',
    levels: [
      { name: '受理', role: 'clerk' },
      { name: '审查', role: 'reviewer' },
      { name: '签发', role: 'approver' },
    ],
    opinions: [],
    accepted: true,
    allow_rongque: false,
    allow_commitment: false,
    commitment: false,
    assignee: '',
    result: '',
    actions: null,
    created_at: '2026-11-20T01:00:00Z',
    updated_at: '2026-11-20T01:00:00Z',
    version: 4,
    ...p,
  }
}

const person = (role: Role, dept = 'ZRGH'): Person => ({ roles: [role], dept_code: dept })
const clerk = person('clerk')
const reviewer = person('reviewer')
const approver = person('approver')
const lead = person('lead')

const names = (t: Task, p: Person, missing: string[] = []) => availableActions(t, p, { missing }).map((a) => a.action)

describe('availableActions', () => {
  const cases: { name: string; task: Partial<Task>; who: Person; missing?: string[]; want: OfficerAction[] }[] = [
    { name: 'received: the clerk accepts, sends back for correction or refuses', task: { state: 1, level: 0, accepted: false }, who: clerk, want: ['accept', 'request_correction', 'refuse'] },
    {
      name: 'received, item with 容缺 and 告知承诺',
      task: { state: 1, level: 0, accepted: false, allow_rongque: true, allow_commitment: true, commitment: true },
      who: clerk,
      want: ['accept', 'accept_rongque', 'approve_commitment', 'request_correction', 'refuse'],
    },
    { name: 'received: a reviewer may only ask for a correction', task: { state: 1, level: 0, accepted: false }, who: reviewer, want: ['request_correction'] },
    { name: 'received: the lead coordinator decides nothing', task: { state: 1, level: 0, accepted: false }, who: lead, want: [] },
    { name: 'another department sees nothing', task: { state: 1, level: 0 }, who: person('clerk', 'ZJ'), want: [] },
    { name: 'no department: nothing', task: {}, who: { roles: ['reviewer'] }, want: [] },
    { name: 'at 审查: the reviewer approves (to 签发), corrects, starts a special procedure', task: {}, who: reviewer, want: ['approve', 'request_correction', 'start_special'] },
    { name: 'at 审查: the approver may not approve for the reviewer', task: {}, who: approver, want: ['request_correction', 'start_special'] },
    { name: 'at 审查: a clerk may correct or start a special procedure', task: {}, who: clerk, want: ['request_correction', 'start_special'] },
    { name: 'at 签发: the approver approves, sends back, rejects', task: { level: 2, level_role: 'approver', level_name: '签发' }, who: approver, want: ['approve', 'send_back', 'reject', 'request_correction', 'start_special'] },
    { name: 'special procedure running: end it', task: { state: 9 }, who: reviewer, want: ['end_special'] },
    { name: 'in correction: nothing for the department', task: { state: 6 }, who: reviewer, want: [] },
    { name: 'resubmitted after acceptance: back in review', task: { state: 7 }, who: reviewer, want: ['approve', 'request_correction', 'start_special'] },
    { name: 'resubmitted after acceptance: no second acceptance for the clerk', task: { state: 7, allow_rongque: true }, who: clerk, want: ['request_correction', 'start_special'] },
    { name: 'resubmitted before acceptance: the clerk decides on acceptance', task: { state: 7, level: 0, accepted: false, allow_rongque: true }, who: clerk, want: ['accept', 'accept_rongque', 'request_correction', 'refuse'] },
    { name: 'withdrawal asked: the clerk confirms', task: { state: 16 }, who: clerk, want: ['confirm_withdraw'] },
    { name: 'approved: the approver may revoke', task: { state: 11, level: 2 }, who: approver, want: ['revoke'] },
    { name: 'approved: the reviewer may not', task: { state: 11, level: 2 }, who: reviewer, want: [] },
    { name: 'rejected: nothing', task: { state: 13, level: 2 }, who: approver, want: [] },
    { name: 'two-level item: approve at the last level, no send back', task: { levels: [{ name: '受理', role: 'clerk' }, { name: '审批', role: 'approver' }], level: 1, level_role: 'approver' }, who: approver, want: ['approve', 'reject', 'request_correction', 'start_special'] },
    {
      name: 'co-signing department: a reviewer gives an opinion',
      task: { cosign: { mode: 'all', departments: ['ZJ', 'JT'] } },
      who: person('reviewer', 'ZJ'),
      want: ['cosign'],
    },
    { name: 'co-signing department: a clerk may not', task: { cosign: { mode: 'all', departments: ['ZJ'] } }, who: person('clerk', 'ZJ'), want: [] },
    { name: 'the server list narrows the table', task: { actions: ['request_correction'] }, who: reviewer, want: ['request_correction'] },
  ]
  for (const c of cases) {
    it(c.name, () => expect(names(task(c.task), c.who, c.missing)).toEqual(c.want))
  }

  it('plain acceptance is disabled while materials are missing', () => {
    const a = availableActions(task({ state: 1, level: 0, accepted: false }), clerk, { missing: ['M-1'] })
    expect(a.find((x) => x.action === 'accept')).toEqual({ action: 'accept', enabled: false, why: 'materialsMissing' })
    expect(a.find((x) => x.action === 'refuse')?.enabled).toBe(true)
  })
  it('告知承诺 needs the signed commitment', () => {
    const a = availableActions(task({ state: 1, level: 0, accepted: false, allow_commitment: true, commitment: false }), clerk)
    expect(a.find((x) => x.action === 'approve_commitment')).toEqual({ action: 'approve_commitment', enabled: false, why: 'commitmentUnsigned' })
  })
  it('final approval waits for co-signing opinions', () => {
    const t = task({ level: 2, level_role: 'approver', cosign: { mode: 'all', departments: ['ZJ', 'JT'] }, opinions: [{ dept: 'ZJ', agree: true, text: '', by: '', at: '' }] })
    expect(availableActions(t, approver).find((x) => x.action === 'approve')).toEqual({ action: 'approve', enabled: false, why: 'cosignPending' })
    // a level below the last only passes the task on
    expect(availableActions({ ...t, level: 1 }, reviewer).find((x) => x.action === 'approve')?.enabled).toBe(true)
  })
})

describe('levels', () => {
  it('names the next and previous levels', () => {
    expect(nextLevelName(task())).toBe('签发')
    expect(isFinalLevel(task())).toBe(false)
    expect(isFinalLevel(task({ level: 2 }))).toBe(true)
    expect(nextLevelName(task({ level: 2 }))).toBe('')
    expect(previousLevelName(task({ level: 2 }))).toBe('审查')
    expect(isFinalLevel(task({ levels: [] }))).toBe(false)
  })
})

describe('cosignSatisfied', () => {
  const op = (dept: string, agree: boolean) => ({ dept, agree, text: '', by: '', at: '' })
  it.each<[Partial<Task>, boolean]>([
    [{}, true],
    [{ cosign: { mode: 'all', departments: ['A', 'B'] }, opinions: [op('A', true)] }, false],
    [{ cosign: { mode: 'all', departments: ['A', 'B'] }, opinions: [op('A', true), op('B', true)] }, true],
    [{ cosign: { mode: 'all', departments: ['A', 'B'] }, opinions: [op('A', true), op('B', false)] }, false],
    [{ cosign: { mode: 'any', departments: ['A', 'B'] }, opinions: [op('B', true)] }, true],
    [{ cosign: { mode: 'any', departments: ['A', 'B'] }, opinions: [op('B', false)] }, false],
  ])('%j → %s', (p, want) => expect(cosignSatisfied(task(p))).toBe(want))
})

describe('canAct', () => {
  it.each<[string, Partial<Task>, Person, boolean]>([
    ['at 审查, for the reviewer', {}, reviewer, true],
    ['at 审查, not for the approver (who could only correct or pause it)', {}, approver, false],
    ['at 签发, for the approver', { level: 2 }, approver, true],
    ['received, for the clerk, even with materials missing', { state: 1, level: 0, accepted: false }, clerk, true],
    ['received, not for the reviewer', { state: 1, level: 0, accepted: false }, reviewer, false],
    ['in correction: the applicant’s turn', { state: 6 }, reviewer, false],
    ['special procedure at 审查: the reviewer ends it', { state: 9 }, reviewer, true],
    ['special procedure at 审查: not the approver’s turn', { state: 9 }, approver, false],
    ['withdrawal to confirm: the clerk', { state: 16 }, clerk, true],
    ['approved: nobody’s turn (revoking is not a to-do)', { state: 11, level: 2 }, approver, false],
    ['co-signing department', { cosign: { mode: 'all', departments: ['ZJ'] } }, person('reviewer', 'ZJ'), true],
  ])('%s', (_name, p, who, want) => {
    expect(canAct(task(p), who)).toBe(want)
  })
  it('an acceptance waiting on materials is still the clerk’s turn', () => {
    expect(canAct(task({ state: 1, level: 0, accepted: false, allow_rongque: false }), clerk)).toBe(true)
  })
})

describe('confirmation', () => {
  it.each<[OfficerAction, Partial<Task>, boolean, boolean]>([
    ['approve', {}, false, false],
    ['approve', { level: 2 }, true, true],
    ['reject', { level: 2 }, true, true],
    ['refuse', {}, true, true],
    ['approve_commitment', {}, true, true],
    ['revoke', {}, true, true],
    ['confirm_withdraw', {}, true, true],
    ['request_correction', {}, false, true],
    ['accept', {}, false, false],
    ['start_special', {}, false, false],
    ['send_back', { level: 2 }, false, false],
  ])('%s %j: concludes %s, confirm %s', (a, p, c, n) => {
    expect(concludes(task(p), a)).toBe(c)
    expect(needsConfirm(task(p), a)).toBe(n)
  })
})

describe('validateDecision', () => {
  const form = (p: Partial<DecisionForm>): DecisionForm => ({ ...emptyForm(), ...p })
  it.each<[Partial<DecisionForm>, object]>([
    [{}, { action: 'action' }],
    [{ action: 'approve' }, {}],
    [{ action: 'accept' }, {}],
    [{ action: 'refuse' }, { opinion: 'opinion' }],
    [{ action: 'refuse', opinion: '   ' }, { opinion: 'opinion' }],
    [{ action: 'reject', opinion: '不符合规划条件' }, {}],
    [{ action: 'send_back' }, { opinion: 'opinion' }],
    [{ action: 'request_correction', materials: ['M-1'] }, { opinion: 'opinion' }],
    [{ action: 'request_correction', opinion: '请补正' }, {}],
    [{ action: 'approve', opinion: 'x'.repeat(2001) }, { opinion: 'opinionLong' }],
    [{ action: 'accept_rongque' }, { materials: 'rongqueMaterials' }],
    [{ action: 'accept_rongque', materials: ['M-1'], rongqueDays: 61 }, { rongqueDays: 'rongqueDays' }],
    [{ action: 'accept_rongque', materials: ['M-1'], rongqueDays: 1.5 }, { rongqueDays: 'rongqueDays' }],
    [{ action: 'accept_rongque', materials: ['M-1'], rongqueDays: 10 }, {}],
    [{ action: 'start_special' }, { opinion: 'opinion', specialKind: 'specialKind', specialDays: 'specialDays' }],
    [{ action: 'start_special', opinion: '组织专家评审', specialKind: 'expert', specialDays: 0 }, { specialDays: 'specialDays' }],
    [{ action: 'start_special', opinion: '组织专家评审', specialKind: 'expert', specialDays: 10 }, {}],
    [{ action: 'end_special' }, {}],
    [{ action: 'cosign', agree: false }, {}],
  ])('%j → %j', (p, want) => expect(validateDecision(form(p), task())).toEqual(want))
})

describe('actBody', () => {
  const t = task({ version: 7 })
  it('carries the version seen and only the fields of the action', () => {
    expect(actBody({ ...emptyForm('approve'), opinion: ' 同意。 ', materials: ['M-1'], rongqueDays: 5 }, t)).toEqual({ action: 'approve', version: 7, opinion: '同意。' })
    expect(actBody(emptyForm('accept'), t)).toEqual({ action: 'accept', version: 7 })
  })
  it('correction lists the materials', () => {
    expect(actBody({ ...emptyForm('request_correction'), opinion: '请补正', materials: ['M-1', 'M-2'] }, t)).toEqual({ action: 'request_correction', version: 7, opinion: '请补正', materials: ['M-1', 'M-2'] })
  })
  it('容缺 acceptance: materials owed and the period (0 = the committed limit, not sent)', () => {
    expect(actBody({ ...emptyForm('accept_rongque'), materials: ['M-1'], rongqueDays: 0 }, t)).toEqual({ action: 'accept_rongque', version: 7, materials: ['M-1'] })
    expect(actBody({ ...emptyForm('accept_rongque'), materials: ['M-1'], rongqueDays: 5 }, t)).toEqual({ action: 'accept_rongque', version: 7, materials: ['M-1'], rongque_days: 5 })
  })
  it('co-signing sends agree, also when false', () => {
    expect(actBody({ ...emptyForm('cosign'), agree: false, opinion: '不同意' }, t)).toEqual({ action: 'cosign', version: 7, agree: false, opinion: '不同意' })
  })
  it('a special procedure puts its kind and days before the reason', () => {
    const prefix = (k: string, d: number) => `【${k}】预计 ${d} 天。`
    expect(actBody({ ...emptyForm('start_special'), specialKind: 'expert', specialDays: 10, opinion: '组织专家评审' }, t, prefix)).toEqual({
      action: 'start_special',
      version: 7,
      opinion: '【expert】预计 10 天。组织专家评审',
    })
  })
})

describe('insertTemplate', () => {
  it.each([
    ['', '同意。', '同意。'],
    ['  ', '同意。', '同意。'],
    ['经审查，', '同意。', '经审查，\n同意。'],
    ['同意。', '同意。', '同意。'],
  ])('%j + %j → %j', (cur, tpl, want) => expect(insertTemplate(cur, tpl)).toBe(want))
})

describe('previewKind', () => {
  it.each([
    ['pdf', 'pdf'],
    ['PDF', 'pdf'],
    ['jpg', 'image'],
    ['png', 'image'],
    ['ofd', 'download'],
    ['dwg', 'download'],
    ['', 'download'],
    [undefined, 'download'],
  ])('%s → %s', (f, want) => expect(previewKind(f)).toBe(want))
})

describe('answerValue', () => {
  const q = { type: 'choice', options: [{ value: 'report_form', label: '报告表' }] }
  it.each<[unknown, object | undefined, object]>([
    [true, undefined, { key: 'yes' }],
    [false, undefined, { key: 'no' }],
    [null, undefined, { key: 'none' }],
    ['', undefined, { key: 'none' }],
    [4630, { unit: '吨标煤' }, { text: '4630 吨标煤' }],
    [12, {}, { text: '12' }],
    ['report_form', q, { text: '报告表' }],
    ['other', q, { text: 'other' }],
  ])('%j → %j', (v, qq, want) => expect(answerValue(v, qq)).toEqual(want))
})
