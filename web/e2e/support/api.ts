// A thin API client for test set-up and checks (what the browser does is
// tested through the browser; this prepares projects and moves tasks the
// test is not about). One instance is one logged-in session.
import { request, type APIRequestContext, type APIResponse } from '@playwright/test'
import { fileFor } from './files'

export interface TaskLite {
  id: string
  project_id: string
  stage: number
  item_code: string
  item_name: string
  dept_code: string
  state: number
  level: number
  level_role: string
  levels: { name: string; role: string }[]
  actions: string[] | null
  version: number
  /** the deadline once accepted: due is the last day within the limit */
  clock?: { unit: string; due: string; state: 'normal' | 'warning' | 'overdue'; remaining: number; paused?: boolean } | null
}

export interface RequirementLite {
  code: string
  name: string
  required: boolean
  formats: string[] | null
  uploaded?: { id: string; version: number } | null
}

export interface ProjectViewLite {
  project: { id: string; code: string; name: string; state: string; current_stage: number }
  stages: { number: number; state: string; version: number }[]
  tasks: TaskLite[] | null
  current_requirements: RequirementLite[] | null
}

export class Api {
  private constructor(
    readonly ctx: APIRequestContext,
    private csrf: string,
    readonly username: string,
  ) {}

  static async login(baseURL: string, username: string, password: string): Promise<Api> {
    const ctx = await request.newContext({ baseURL, extraHTTPHeaders: { 'Accept-Language': 'zh-CN' } })
    const r = await ctx.post('/api/v1/auth/login', { data: { username, password } })
    if (!r.ok()) throw new Error(`e2e: API login as ${username}: HTTP ${r.status()} ${await r.text()}`)
    const body = (await r.json()) as { csrf_token: string }
    return new Api(ctx, body.csrf_token, username)
  }

  private async json<T>(r: APIResponse, what: string): Promise<T> {
    if (!r.ok()) throw new Error(`e2e: ${this.username}: ${what}: HTTP ${r.status()} ${await r.text()}`)
    return (await r.json()) as T
  }

  async get<T>(path: string): Promise<T> {
    return this.json<T>(await this.ctx.get(`/api/v1${path}`), `GET ${path}`)
  }

  async post<T>(path: string, data: unknown): Promise<T> {
    return this.json<T>(await this.ctx.post(`/api/v1${path}`, { data, headers: { 'X-CSRF-Token': this.csrf } }), `POST ${path}`)
  }

  project(id: string): Promise<ProjectViewLite> {
    return this.get<ProjectViewLite>(`/projects/${id}`)
  }

  /** upload uploads file, or a small file in a format the material takes (fileFor). */
  async upload(projectId: string, stage: number, code: string, formats: string[] | null, file?: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const f = file ?? fileFor(code, formats)
    const r = await this.ctx.put(`/api/v1/projects/${projectId}/stages/${stage}/materials/${encodeURIComponent(code)}`, {
      data: f.buffer,
      headers: { 'X-CSRF-Token': this.csrf, 'X-File-Name': encodeURIComponent(f.name), 'Content-Type': f.mimeType },
    })
    await this.json(r, `upload ${code}`)
  }

  /** act performs a task action at the task's current version. */
  async act(taskId: string, action: string, extra: Record<string, unknown> = {}): Promise<TaskLite> {
    const t = (await this.get<{ task: TaskLite }>(`/tasks/${taskId}`)).task
    return this.post<TaskLite>(`/tasks/${taskId}/actions`, { action, version: t.version, opinion: '同意。', ...extra })
  }

  dispose() {
    return this.ctx.dispose()
  }
}

let serial = Math.floor(Math.random() * 9000)

/** projectCode returns a fresh, well-formed investment project code in 集美区 (350211). */
export function projectCode(worker: number): string {
  serial = (serial + 1) % 10000
  return `2025-350211-47-03-${9}${worker % 10}${String(serial).padStart(4, '0')}`
}

/**
 * The small flow the tests use: 社会投资小型低风险工业项目. With
 * in_approval_catalog = no and env_category = registration its stage 1 has
 * two items in two departments: XM-FGW-001 企业投资项目备案 (FGW, clerk →
 * approver) and XM-STHJ-003 建设项目环境影响登记表备案 (STHJ, clerk).
 */
export const SMALL_FLOW = 'small_lowrisk_industrial'
export const SMALL_ANSWERS = { in_approval_catalog: false, env_category: 'registration' }

/**
 * A flow whose stage 1 the demo lead coordinator's department leads:
 * 社会投资工业厂房类, stage 1 led by ZRGH (qiantou). With LEAD_ANSWERS (on
 * top of SMALL_ANSWERS) its stage 1 has three items in three departments:
 * XM-FGW-001 企业投资项目备案 (FGW, 受理 → 确认, one working day),
 * XM-STHJ-003 建设项目环境影响登记表备案 (STHJ, 备案) and XM-SL-001
 * 生产建设项目水土保持方案审批 (SL, 受理 → 审查 → 签发).
 */
export const LEAD_FLOW = 'social_industrial_plant'
export const LEAD_ANSWERS = { land_source: 'existing' }

/**
 * createSubmittedProject opens a project of SMALL_FLOW (or flow) as the
 * applicant (answers override SMALL_ANSWERS; env_category 'report_form'
 * brings XM-STHJ-002 with three levels, clerk → reviewer → approver,
 * instead of XM-STHJ-003), uploads every required stage-1 material and
 * submits stage 1.
 */
export async function createSubmittedProject(applicant: Api, name: string, worker: number, answers: Record<string, unknown> = {}, flow = SMALL_FLOW): Promise<ProjectViewLite> {
  const p = await applicant.post<{ id: string }>('/projects', {
    code: projectCode(worker),
    name,
    flow_id: flow,
    district: '350211',
    address: '集美区后溪镇岩内路以东',
    investment: 3200,
    land_area: 12000,
    floor_area: 8600,
    answers: { ...SMALL_ANSWERS, ...answers },
  })
  let v = await applicant.project(p.id)
  for (const r of v.current_requirements ?? []) {
    if (r.required) await applicant.upload(p.id, 1, r.code, r.formats)
  }
  v = await applicant.project(p.id)
  const st = v.stages.find((s) => s.number === 1)!
  await applicant.post(`/projects/${p.id}/stages/1/submit`, { version: st.version })
  return applicant.project(p.id)
}
