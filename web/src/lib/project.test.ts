import { describe, expect, it } from 'vitest'
import type { Material, ProjectEvent, Requirement, Stage, Task } from '@/api/types'
import { canSubmitStage, canUpload, correctionStatus, materialVersions, officerOf, roundTasks, submitReadiness, taskOpinions } from './project'

function task(p: Partial<Task>): Task {
  return {
    id: 't1',
    project_id: 'p',
    project_code: '2026-350211-47-03-000001',
    project_name: '集美软件园三期',
    stage: 1,
    round: 1,
    item_code: 'I',
    item_version: 1,
    item_name: 'item',
    dept_code: 'ZRGH',
    state: 8,
    state_name: '',
    level: 1,
    level_name: '',
    level_role: 'reviewer',
    levels: [],
    opinions: [],
    accepted: true,
    allow_rongque: false,
    allow_commitment: false,
    commitment: false,
    assignee: '',
    result: '',
    actions: [],
    created_at: '',
    updated_at: '',
    version: 1,
    ...p,
  }
}

function ev(p: Partial<ProjectEvent>): ProjectEvent {
  return { seq: 1, id: Math.random().toString(36), project_id: 'p', kind: 'approve', from_level: 0, to_level: 0, at: '2026-11-20T01:00:00Z', ...p }
}

function mat(code: string, version: number, at: string, stage = 1): Material {
  return { id: `${code}-${version}`, project_id: 'p', stage, material_code: code, version, blob_key: '', file_name: `${code}.pdf`, size: 100, format: 'pdf', uploaded_by: 'u', uploaded_at: at }
}

function req(code: string, p: Partial<Requirement> = {}): Requirement {
  return { code, name: code, required: true, rongque_allowed: false, seal_required: false, straddle_seal_required: false, formats: ['pdf'], max_size_mb: 10, items: [], ...p }
}

describe('officerOf', () => {
  const events = [
    ev({ task_id: 't1', actor_id: 'c1', actor_name: 'Clerk One', actor_role: 'clerk', kind: 'accept' }),
    ev({ task_id: 't1', actor_id: 'app', actor_name: 'Applicant', actor_role: 'applicant', kind: 'resubmit' }),
    ev({ task_id: 't2', actor_id: 'r9', actor_name: 'Other', actor_role: 'reviewer' }),
  ]
  it('names the assignee when the record knows them', () => {
    expect(officerOf(task({ assignee: 'c1' }), events)).toBe('Clerk One')
  })
  it('falls back to the last officer who acted on the task', () => {
    expect(officerOf(task({ assignee: 'unknown' }), events)).toBe('Clerk One')
  })
  it('never names the applicant as the officer', () => {
    expect(officerOf(task({ assignee: 'app' }), events)).toBe('Clerk One')
  })
  it('is empty when no officer acted yet', () => {
    expect(officerOf(task({ id: 't3' }), events)).toBe('')
  })
})

describe('taskOpinions', () => {
  it('merges the record and co-signing opinions, oldest first, without repeats', () => {
    const t = task({ opinions: [{ dept: 'QX', agree: true, text: 'agree', by: 'QX officer', at: '2026-11-20T03:00:00Z' }, { dept: 'XF', agree: true, text: 'dup', by: 'x', at: '2026-11-20T02:00:00Z' }] })
    const events = [
      ev({ task_id: 't1', opinion: 'dup', actor_name: 'A', actor_role: 'reviewer', kind: 'cosign', at: '2026-11-20T02:00:10Z' }),
      ev({ task_id: 't1', opinion: 'first', actor_name: 'B', actor_role: 'clerk', kind: 'accept', at: '2026-11-20T01:00:00Z' }),
      ev({ task_id: 't2', opinion: 'other task' }),
      ev({ task_id: 't1', kind: 'approve' }),
    ]
    expect(taskOpinions(t, events).map((o) => o.text)).toEqual(['first', 'dup', 'agree'])
  })
  it('leaves out the certificate events’ descriptions, keeps a revocation’s reason', () => {
    const events = [
      ev({ task_id: 't1', opinion: '经审查，予以备案。', kind: 'approve', at: '2026-11-20T01:00:00Z' }),
      ev({ task_id: 't1', opinion: '核发《企业投资项目备案证明》，编号 FGW-2026-000001', kind: 'cert.issue', at: '2026-11-20T01:00:01Z' }),
      ev({ task_id: 't1', opinion: '生成《企业投资项目备案证明》（FGW-2026-000001）电子证照文件', kind: 'cert.pdf', at: '2026-11-20T01:00:02Z' }),
      ev({ task_id: 't1', opinion: '建设规模变更', kind: 'cert.revoke', at: '2026-11-21T01:00:00Z' }),
    ]
    expect(taskOpinions(task({}), events).map((o) => o.text)).toEqual(['经审查，予以备案。', '建设规模变更'])
  })
})

describe('materialVersions and correctionStatus', () => {
  const mats = [mat('A', 1, '2026-11-20T01:00:00Z'), mat('A', 2, '2026-11-22T01:00:00Z'), mat('B', 1, '2026-11-20T01:00:00Z'), mat('A', 1, '2026-11-25T01:00:00Z', 2)]
  it('lists a stage’s versions newest first', () => {
    expect(materialVersions(mats, 1, 'A').map((m) => m.version)).toEqual([2, 1])
    expect(materialVersions(mats, 2, 'A').map((m) => m.version)).toEqual([1])
  })
  it('tells re-uploaded materials from pending ones', () => {
    const t = task({ state: 6, correction: { materials: ['A', 'B', 'C'], note: 'fix', at: '2026-11-21T00:00:00Z', round: 1 } })
    expect(correctionStatus(t, mats).map((c) => [c.code, c.reuploaded])).toEqual([
      ['A', true],
      ['B', false],
      ['C', false],
    ])
  })
  it('is empty without a correction', () => {
    expect(correctionStatus(task({}), mats)).toEqual([])
  })
})

describe('submitReadiness', () => {
  const uploaded = mat('X', 1, '2026-11-20T01:00:00Z')
  it('is ready when every required material is on file', () => {
    const r = submitReadiness([req('A', { uploaded }), req('B', { required: false })], false)
    expect(r.canSubmit).toBe(true)
    expect(r.missing).toEqual([])
  })
  it('blocks on a missing material that may not follow', () => {
    const r = submitReadiness([req('A'), req('B', { rongque_allowed: true })], true)
    expect(r.canSubmit).toBe(false)
    expect(r.blocking.map((x) => x.code)).toEqual(['A'])
    expect(r.missingRongque.map((x) => x.code)).toEqual(['B'])
  })
  it('lets 容缺 materials follow only with the commitment', () => {
    const reqs = [req('A', { uploaded }), req('B', { rongque_allowed: true })]
    expect(submitReadiness(reqs, false).canSubmit).toBe(false)
    expect(submitReadiness(reqs, true).canSubmit).toBe(true)
  })
  it('has nothing to submit without requirements', () => {
    expect(submitReadiness([], true).canSubmit).toBe(false)
  })
})

describe('stages', () => {
  const stage = (state: string, round = 2): Stage => ({ id: 's', number: 1, name: 's', lead_dept: 'D', state, state_name: '', round, limit_days: 5, reasons: [], version: 1 })
  it('splits tasks by round', () => {
    const r = roundTasks([task({ id: 'a', round: 1 }), task({ id: 'b', round: 2 }), task({ id: 'c', round: 2, stage: 2 })], stage('in_review'))
    expect(r.current.map((t) => t.id)).toEqual(['b'])
    expect(r.earlier.map((t) => t.id)).toEqual(['a'])
  })
  it.each([
    ['open', true, true],
    ['withdrawn', true, true],
    ['in_review', true, false],
    ['pending', false, false],
    ['completed', false, false],
    ['stopped', false, false],
  ])('%s: upload %s, submit %s', (state, upload, submit) => {
    expect(canUpload(stage(state))).toBe(upload)
    expect(canSubmitStage(stage(state), 'active')).toBe(submit)
  })
  it('never submits for a project no longer active', () => {
    expect(canSubmitStage(stage('open'), 'stopped')).toBe(false)
  })
})
