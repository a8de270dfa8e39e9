// DTOs of the Tongban API, written by hand from the OpenAPI document
// (internal/httpapi/testdata/openapi.golden.json). Only what the UI uses.

export type Role =
  | 'applicant'
  | 'clerk'
  | 'reviewer'
  | 'approver'
  | 'lead'
  | 'supervisor'
  | 'sysadmin'
  | 'secadmin'
  | 'auditadmin'

export interface User {
  id: string
  username: string
  display_name: string
  roles: Role[]
  dept_code?: string
  enterprise_uscc?: string
  disabled: boolean
  created_at: string
  /** optimistic-lock version: send it back with PATCH /users/{id} */
  version: number
}

export interface MeBody {
  user: User
  csrf_token: string
  /** the applicant's enterprise, as registered */
  enterprise_name?: string
}

// --- catalog ---------------------------------------------------------------

export interface CatalogItemRef {
  code: string
  version: number
}

export interface CatalogFlowStage {
  number: number
  name: string
  lead_department: string
  limit_days: number
  items: CatalogItemRef[] | null
}

export interface CatalogFlow {
  id: string
  version: number
  name: string
  project_type: string
  government_invested: boolean
  description?: string
  stages: CatalogFlowStage[] | null
}

export interface CatalogMaterial {
  code: string
  name: string
  required: boolean
  rongque_allowed: boolean
  seal_required: boolean
  straddle_seal_required: boolean
  formats: string[] | null
  max_size_mb: number
  condition?: string
  note?: string
  why?: string
}

export interface CatalogItem {
  code: string
  version: number
  name: string
  department: string
  stage: number
  legal_limit: number
  committed_limit: number
  unit: string
  result: string
  result_name: string
  rongque: boolean
  commitment: boolean
  materials: CatalogMaterial[] | null
  when?: string
  why?: string
  basis?: string
}

export interface CatalogDepartment {
  code: string
  name: string
  short?: string
}

export interface CatalogOption {
  value: string
  label: string
}

export type QuestionType = 'bool' | 'number' | 'choice'

export interface CatalogQuestion {
  id: string
  text: string
  type: QuestionType | string
  help?: string
  unit?: string
  options?: CatalogOption[] | null
}

export interface StateInfo {
  code: number
  name: string
  name_en: string
  actions: string[] | null
}

export type Answers = Record<string, boolean | number | string | null>

export interface PreviewIn {
  flow_id: string
  district?: string
  investment: number
  land_area: number
  floor_area: number
  answers?: Answers
}

export interface ItemNeed {
  code: string
  name: string
  department: string
  department_name: string
  reason: string
  reason_en: string
  rule?: string
  limit: number
  unit: string
}

export interface PreviewStage {
  number: number
  name: string
  items: ItemNeed[] | null
}

export interface PreviewOut {
  flow_id: string
  flow_version: number
  stages: PreviewStage[] | null
}

// --- projects ----------------------------------------------------------------

export interface Agent {
  name: string
  phone: string
}

export type ProjectState = 'active' | 'completed' | 'stopped' | 'withdrawn'

export interface Project {
  id: string
  code: string
  name: string
  flow_id: string
  flow_version: number
  type: string
  district: string
  district_name: string
  address: string
  investment: number
  land_area: number
  floor_area: number
  government_invested: boolean
  enterprise_uscc: string
  enterprise_name: string
  agents: Agent[] | null
  answers: Record<string, unknown> | null
  state: ProjectState | string
  current_stage: number
  created_at: string
  updated_at: string
  version: number
}

export interface CreateProjectIn {
  code: string
  name: string
  flow_id: string
  district: string
  address?: string
  investment: number
  land_area: number
  floor_area: number
  enterprise_name?: string
  agents?: Agent[]
  answers?: Answers
}

export interface ListProjectsOut {
  items: Project[] | null
  total: number
}

export type StageState = 'pending' | 'open' | 'in_review' | 'completed' | 'stopped' | 'withdrawn'

export interface Stage {
  id: string
  number: number
  name: string
  lead_dept: string
  state: StageState | string
  state_name: string
  round: number
  limit_days: number
  submitted_at?: string
  concluded_at?: string
  reasons: string[] | null
  /** the stage's overall limit (limit_days working days from the latest submission), while in review and once concluded */
  clock?: Clock
  version: number
}

export interface Clock {
  unit: 'WD' | 'ND' | string
  limit: number
  started: string
  due: string
  warn_from: string
  paused: boolean
  state: 'normal' | 'warning' | 'overdue' | string
  state_name: string
  remaining: number
}

export interface Level {
  name: string
  role: string
}

export interface Opinion {
  dept: string
  agree: boolean
  text: string
  by: string
  at: string
}

export interface Correction {
  materials: string[] | null
  note: string
  at: string
  round: number
}

export interface Rongque {
  materials: string[] | null
  due: string
  supplied_at?: string
}

export interface Cosign {
  mode: string
  departments: string[] | null
}

export interface Task {
  id: string
  project_id: string
  /** the project's code and name, for lists */
  project_code: string
  project_name: string
  stage: number
  round: number
  item_code: string
  item_version: number
  item_name: string
  dept_code: string
  state: number
  state_name: string
  level: number
  level_name: string
  level_role: string
  levels: Level[] | null
  cosign?: Cosign
  opinions: Opinion[] | null
  accepted: boolean
  allow_rongque: boolean
  allow_commitment: boolean
  commitment: boolean
  rongque?: Rongque
  correction?: Correction
  clock?: Clock
  assignee: string
  /** display name of the department's officer who last acted; absent while none has */
  assignee_name?: string
  result: string
  actions: string[] | null
  created_at: string
  updated_at: string
  concluded_at?: string
  version: number
}

export interface Material {
  id: string
  project_id: string
  stage: number
  material_code: string
  version: number
  blob_key: string
  file_name: string
  size: number
  format: string
  uploaded_by: string
  uploaded_at: string
  /** the pre-review of this version (issue 5); absent until it first ran */
  check?: MaterialCheck
}

// --- material pre-review (issue 5) -------------------------------------------

export type FindingSeverity = 'error' | 'warning' | 'info'

/** Box is a region of a page image in its pixels: [x0, y0, x1, y1], origin top left. */
export type Box = [number, number, number, number]

/** Finding is one thing the pre-review found in a file. */
export interface Finding {
  /** stable: unsupported_type, corrupt_file, seal_missing, perforation_seal_missing, uscc_invalid, expired, … */
  code: string
  severity: FindingSeverity
  /** 1-based; absent: the whole file */
  page?: number
  region?: Box
  /** Simplified Chinese: what is wrong and what to do */
  message: string
  message_en: string
}

/** Seal is a red official seal, or a slice of a perforation seal (骑缝章), found on a page. */
export interface Seal {
  page: number
  bbox: Box
  kind: 'round' | 'oval' | 'perforation-slice' | string
  /** for a slice: left, right, top or bottom */
  edge?: string
}

/** PageInfo is what the checks saw of one page; regions and boxes are in pixels of width × height. */
export interface PageInfo {
  page: number
  width: number
  height: number
  dpi: number
  blank: boolean
}

/** PrereviewReport is the result of inspecting one file (the JSON of `tongban prereview inspect`). */
export interface PrereviewReport {
  file: string
  type: string
  pages: number
  findings: Finding[] | null
  seals: Seal[] | null
  /** uscc, enterprise_name, legal_representative, valid_from, valid_until, amount, amount_text */
  fields: Record<string, string> | null
  page_info?: PageInfo[] | null
  ocr: string
}

export type CheckStatus = 'checking' | 'done' | 'failed'

/** OcrState: pending while the text checks run (seconds); unavailable when the server has no OCR (not checked, not passed). */
export type OcrState = 'pending' | 'done' | 'unavailable' | 'skipped' | 'failed'

/** MaterialCheck is the pre-review of a material version: what the applicant saw on upload and the officer sees on the task. */
export interface MaterialCheck {
  status: CheckStatus | string
  ocr: OcrState | string
  errors: number
  warnings: number
  checked_at: string
  report: PrereviewReport | null
}

export interface Requirement {
  code: string
  name: string
  required: boolean
  rongque_allowed: boolean
  seal_required: boolean
  straddle_seal_required: boolean
  formats: string[] | null
  max_size_mb: number
  items: string[] | null
  uploaded?: Material
  /** missing_material or rongque_allowed while a required material is not on file (the server's prereview.CompletenessFinding); the page also works it out from what was just uploaded (lib/prereview completeness) */
  finding?: Finding
}

/** SignatureStatus is the server's verdict on a signed decision, checked on every read. */
export type SignatureStatus = 'valid' | 'invalid' | 'key_unknown'

/** EventSignature is the SM2 signature of an officer's decision (absent on system events). */
export interface EventSignature {
  /** "SM2-SM3" */
  alg: string
  key_id: string
  signer_id: string
  signer_name: string
  /** invalid: the stored decision no longer matches what the officer signed */
  status: SignatureStatus
  /** hex, 16 characters */
  fingerprint: string
}

export interface ProjectEvent {
  seq: number
  id: string
  project_id: string
  stage_id?: string
  task_id?: string
  kind: string
  actor_id?: string
  actor_name?: string
  actor_role?: string
  from?: string
  to?: string
  from_level: number
  to_level: number
  opinion?: string
  data?: Record<string, unknown>
  at: string
  /** the decision's SM2 signature, as verified by the server */
  signature?: EventSignature
  /** the officer's handwritten signature (PNG, GET with the session cookie), shown beside the decision for display only */
  handwriting_url?: string
}

export interface ProjectView {
  project: Project
  stages: Stage[] | null
  tasks: Task[] | null
  materials: Material[] | null
  events: ProjectEvent[] | null
  current_items: ItemNeed[] | null
  current_requirements: Requirement[] | null
}

export interface SubmitIn {
  commitment?: boolean
  version?: number
}

export interface SubmitOut {
  stage: Stage
  tasks: Task[] | null
}

export interface ActIn {
  action: string
  version: number
  opinion?: string
  agree?: boolean
  materials?: string[]
  rongque_days?: number
  /** the officer's handwritten signature drawn on the page: a data:image/png;base64 URL, ≤ 256 KB, ≤ 2000×1000 px; display only */
  handwriting?: string
}

// --- problems ----------------------------------------------------------------

export interface FieldProblem {
  code: string
  message: string
  message_en?: string
}

// Problem is an RFC 9457 problem+json body as internal/httpapi/problem.go writes it.
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  detail_en?: string
  detail_zh?: string
  code: string
  key?: string
  instance?: string
  fields?: Record<string, FieldProblem>
}
