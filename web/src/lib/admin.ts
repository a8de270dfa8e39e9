// Administration screens' logic: the account form's checks mirroring the
// server (internal/workflow/account.go createUser, internal/auth role.go
// ValidateRoles and policy.go CheckPasswordPolicy, internal/ident/uscc.go),
// the account list's filter, and what the catalog says about each
// department. The server stays authoritative; these checks only let the
// administrator see a mistake before sending.
import type { CatalogFlow, CatalogItem, CatalogQuestion, Cosign, Level, Role, User } from '@/api/types'

/** Check is an i18n key under "admin.check." with its parameters, or null when the value is fine. */
export type Check = { key: string; params?: Record<string, string | number> } | null

/** ALL_ROLES in the server's display order (auth.Roles). */
export const ALL_ROLES: Role[] = ['applicant', 'clerk', 'reviewer', 'approver', 'lead', 'supervisor', 'sysadmin', 'secadmin', 'auditadmin']
export const OFFICER: Role[] = ['clerk', 'reviewer', 'approver', 'lead']
export const ADMINS: Role[] = ['sysadmin', 'secadmin', 'auditadmin']

/** Who may create accounts (userAdmins in internal/httpapi/server.go); the audit administrator only reads. */
export const USER_CREATORS: Role[] = ['sysadmin', 'secadmin']

export const isOfficerRole = (r: Role) => OFFICER.includes(r)
export const isAdminRole = (r: Role) => ADMINS.includes(r)
export const needsDept = (roles: readonly Role[]) => roles.some(isOfficerRole)
export const needsEnterprise = (roles: readonly Role[]) => roles.includes('applicant')

// --- username, display name ------------------------------------------------------

const utf8Len = (s: string) => new TextEncoder().encode(s).length

/** checkUsername: 3–64 bytes after trimming (the server counts bytes), no spaces or slashes. */
export function checkUsername(raw: string): Check {
  const u = raw.trim()
  if (!u) return { key: 'usernameRequired' }
  if (/[\s/\\]/.test(u)) return { key: 'usernameChars' }
  const n = utf8Len(u)
  if (n < 3 || n > 64) return { key: 'usernameLength', params: { n } }
  return null
}

export function checkDisplayName(raw: string): Check {
  const n = [...raw.trim()].length
  if (n === 0) return { key: 'displayNameRequired' }
  if (n > 100) return { key: 'displayNameLong' }
  return null
}

// --- password --------------------------------------------------------------------

export const MIN_PASSWORD_LEN = 10
export const MAX_PASSWORD_LEN = 128
export const MIN_PASSWORD_CLASSES = 3

/** passwordClasses counts upper, lower, digit and symbol as CheckPasswordPolicy does. */
export function passwordClasses(pw: string): { upper: boolean; lower: boolean; digit: boolean; symbol: boolean; control: boolean; count: number } {
  let upper = false
  let lower = false
  let digit = false
  let symbol = false
  let control = false
  for (const c of pw) {
    if (c >= 'A' && c <= 'Z') upper = true
    else if (c >= 'a' && c <= 'z') lower = true
    else if (c >= '0' && c <= '9') digit = true
    else if (/[\p{Cc}\p{Cf}]/u.test(c)) control = true
    else symbol = true
  }
  return { upper, lower, digit, symbol, control, count: [upper, lower, digit, symbol].filter(Boolean).length }
}

/** checkPassword lists every rule the password breaks (all at once, like the server). */
export function checkPassword(pw: string, username: string): Check[] {
  if (!pw) return [{ key: 'passwordRequired' }]
  const out: Check[] = []
  const n = [...pw].length
  if (n < MIN_PASSWORD_LEN) out.push({ key: 'passwordShort', params: { min: MIN_PASSWORD_LEN, n } })
  if (n > MAX_PASSWORD_LEN) out.push({ key: 'passwordLong', params: { max: MAX_PASSWORD_LEN, n } })
  const cls = passwordClasses(pw)
  if (cls.control) out.push({ key: 'passwordControl' })
  if (cls.count < MIN_PASSWORD_CLASSES) out.push({ key: 'passwordClasses', params: { min: MIN_PASSWORD_CLASSES, n: cls.count } })
  const u = username.trim()
  if ([...u].length >= 3 && pw.toLowerCase().includes(u.toLowerCase())) out.push({ key: 'passwordUsername' })
  return out
}

// Alphabets of auth.GeneratePassword: no characters easily confused when
// read aloud or copied from a printout.
const GEN_UPPER = 'ACDEFGHJKLMNPQRTUVWXY'
const GEN_LOWER = 'abcdefghjkmnpqrtuvwxy'
const GEN_DIGIT = '34679'
const GEN_SYMBOL = '#%+=@^*'
export const GEN_LENGTH = 16

/** randomIndex is a uniform integer in [0, n), n ≤ 256, by rejection sampling. */
function randomIndex(n: number, rand: (buf: Uint8Array) => Uint8Array): number {
  const limit = 256 - (256 % n)
  const buf = new Uint8Array(1)
  for (;;) {
    rand(buf)
    if (buf[0] < limit) return buf[0] % n
  }
}

/**
 * generatePassword makes a 16-character initial password that meets the
 * policy (all four classes), as the server's GeneratePassword does. The API
 * takes the password in the request and never makes one, so the form does.
 */
export function generatePassword(rand: (buf: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const all = GEN_UPPER + GEN_LOWER + GEN_DIGIT + GEN_SYMBOL
  const b: string[] = []
  for (const set of [GEN_UPPER, GEN_LOWER, GEN_DIGIT, GEN_SYMBOL]) b.push(set[randomIndex(set.length, rand)])
  while (b.length < GEN_LENGTH) b.push(all[randomIndex(all.length, rand)])
  for (let i = b.length - 1; i > 0; i--) {
    const j = randomIndex(i + 1, rand)
    ;[b[i], b[j]] = [b[j], b[i]]
  }
  return b.join('')
}

// --- roles (三员分立) ----------------------------------------------------------------

/**
 * checkRoles mirrors auth.ValidateRoles: at least one role; at most one of
 * the three administrators (三员分立), who hold no other role; an applicant
 * holds no other role; a supervisor is not also an officer. Officer roles
 * combine freely.
 */
export function checkRoles(roles: readonly Role[]): Check {
  if (roles.length === 0) return { key: 'rolesEmpty' }
  const admins = roles.filter(isAdminRole)
  if (admins.length > 1) return { key: 'rolesAdminSeparation', params: { a: admins[0], b: admins[1] } }
  if (admins.length === 1 && roles.length > 1) return { key: 'rolesAdminExclusive', params: { a: admins[0], b: roles.find((r) => r !== admins[0])! } }
  if (roles.includes('applicant') && roles.length > 1) return { key: 'rolesApplicantExclusive', params: { b: roles.find((r) => r !== 'applicant')! } }
  if (roles.includes('supervisor') && roles.some(isOfficerRole)) return { key: 'rolesSupervisorExclusive', params: { b: roles.find(isOfficerRole)! } }
  return null
}

/**
 * roleBlocked says why role cannot be added to the roles already chosen
 * (the check checkRoles would fail), so the form can disable it with a
 * reason instead of letting the administrator find out on submit.
 */
export function roleBlocked(role: Role, chosen: readonly Role[]): Check {
  if (chosen.includes(role) || chosen.length === 0) return null
  return checkRoles([...chosen, role])
}

export function checkDept(roles: readonly Role[], dept: string, known: readonly string[]): Check {
  if (!needsDept(roles)) return null
  if (!dept) return { key: 'deptRequired' }
  if (known.length && !known.includes(dept)) return { key: 'deptUnknown', params: { code: dept } }
  return null
}

// --- unified social credit code (GB 32100-2015) ---------------------------------------

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export const normalizeUSCC = (s: string) => s.trim().toUpperCase()

/** usccCheckChar is the check character (position 18) of a valid 17-character body. */
export function usccCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]
}

/** checkUSCC mirrors ident.ValidateUSCC on the normalised code (trimmed, upper case). */
export function checkUSCC(raw: string): Check {
  const code = normalizeUSCC(raw)
  if (!code) return { key: 'usccRequired' }
  const chars = [...code]
  if (chars.length !== 18) return { key: 'usccLength', params: { n: chars.length } }
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    const pos = i + 1
    if (USCC_ALPHABET.indexOf(c) < 0) {
      return { key: 'IOZSV'.includes(c) ? 'usccLetter' : 'usccChar', params: { pos, c } }
    }
    if (pos >= 3 && pos <= 8 && (c < '0' || c > '9')) return { key: 'usccDivision', params: { pos, c } }
  }
  const want = usccCheckChar(code)
  if (code[17] !== want) return { key: 'usccCheck', params: { want, got: code[17] } }
  return null
}

export function checkEnterpriseName(roles: readonly Role[], name: string): Check {
  if (!needsEnterprise(roles)) return null
  const n = [...name.trim()].length
  if (n === 0) return { key: 'enterpriseNameRequired' }
  if (n > 200) return { key: 'enterpriseNameLong' }
  return null
}

// --- the whole form ------------------------------------------------------------------

export interface UserForm {
  username: string
  display_name: string
  password: string
  roles: Role[]
  dept_code: string
  enterprise_uscc: string
  enterprise_name: string
}

export type FormErrors = Partial<Record<keyof UserForm, Check[]>>

/** checkUserForm runs every field's checks; an empty object means ready to send. */
export function checkUserForm(f: UserForm, deptCodes: readonly string[]): FormErrors {
  const out: FormErrors = {}
  const put = (k: keyof UserForm, ...cs: Check[]) => {
    const list = cs.filter((c): c is NonNullable<Check> => c !== null)
    if (list.length) out[k] = list
  }
  put('username', checkUsername(f.username))
  put('display_name', checkDisplayName(f.display_name))
  put('password', ...checkPassword(f.password, f.username))
  put('roles', checkRoles(f.roles))
  put('dept_code', checkDept(f.roles, f.dept_code, deptCodes))
  if (needsEnterprise(f.roles)) {
    put('enterprise_uscc', checkUSCC(f.enterprise_uscc))
    put('enterprise_name', checkEnterpriseName(f.roles, f.enterprise_name))
  }
  return out
}

/** UserBody is the POST /users body (createUserIn in internal/httpapi/routes.go). */
export interface UserBody {
  username: string
  display_name: string
  password: string
  roles: Role[]
  dept_code?: string
  enterprise_uscc?: string
  enterprise_name?: string
}

/** userBody is the POST /users body: only what the roles need, trimmed. */
export function userBody(f: UserForm): UserBody {
  const body: UserBody = {
    username: f.username.trim(),
    display_name: f.display_name.trim(),
    password: f.password,
    roles: [...f.roles],
  }
  if (needsDept(f.roles)) body.dept_code = f.dept_code
  if (needsEnterprise(f.roles)) {
    body.enterprise_uscc = normalizeUSCC(f.enterprise_uscc)
    body.enterprise_name = f.enterprise_name.trim()
  }
  return body
}

// --- the account list ------------------------------------------------------------------

export interface UserFilter {
  q: string
  role: Role | ''
  dept: string
  /** '' all, 'active', 'disabled' */
  status?: '' | 'active' | 'disabled'
}

/** filterUsers filters by a free text (username, name, USCC, department), a role and a department; sorted admins first, then by username. */
export function filterUsers(users: readonly User[], f: UserFilter, deptName: (code: string) => string = (c) => c): User[] {
  const q = f.q.trim().toLowerCase()
  const rank = (u: User) => Math.min(...u.roles.map((r) => ALL_ROLES.indexOf(r)).map((i) => (i < 0 ? 99 : i)))
  return users
    .filter((u) => {
      if (f.role && !u.roles.includes(f.role)) return false
      if (f.dept && u.dept_code !== f.dept) return false
      if (f.status === 'active' && u.disabled) return false
      if (f.status === 'disabled' && !u.disabled) return false
      if (!q) return true
      const hay = [u.username, u.display_name, u.enterprise_uscc ?? '', u.dept_code ?? '', u.dept_code ? deptName(u.dept_code) : ''].join(' ').toLowerCase()
      return hay.includes(q)
    })
    .sort((a, b) => {
      const ra = ADMINS.some((r) => a.roles.includes(r)) ? 0 : 1
      const rb = ADMINS.some((r) => b.roles.includes(r)) ? 0 : 1
      return ra - rb || rank(a) - rank(b) || a.username.localeCompare(b.username)
    })
}

/** roleCounts counts accounts per role (an account with two roles counts for both). */
export function roleCounts(users: readonly User[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const u of users) for (const r of u.roles) out[r] = (out[r] ?? 0) + 1
  return out
}

// --- managing an account (停用 / 启用, 重置密码) ---------------------------------------------

/** Who may disable, enable and reset accounts (userAdmins, as for creating). */
export const USER_MANAGERS: Role[] = USER_CREATORS

/**
 * canManageUser says whether the actions on target are offered to the
 * actor: the system or security administrator, never on their own account
 * (the server answers user.self: a second administrator must act, and one's
 * own password is changed on the account page).
 */
export function canManageUser(actor: { id: string; roles: readonly Role[] } | null | undefined, target: Pick<User, 'id'>): boolean {
  if (!actor) return false
  if (!actor.roles.some((r) => USER_MANAGERS.includes(r))) return false
  return actor.id !== target.id
}

/** replaceUser puts the server's answer in the list in place of the account with its id (the list is unchanged when it is not there). */
export function replaceUser(users: readonly User[], u: User): User[] {
  return users.map((x) => (x.id === u.id ? u : x))
}

/** PasswordRule is one line of the live checklist under a password field. */
export interface PasswordRule {
  /** i18n key under "admin.users." */
  key: 'pwRuleLength' | 'pwRuleClasses' | 'pwRuleUsername'
  params: Record<string, number>
  ok: boolean
}

/** passwordRules is the checklist shown while a password is typed: length, classes, no username (CheckPasswordPolicy's rules). */
export function passwordRules(pw: string, username: string): PasswordRule[] {
  const n = [...pw].length
  const cls = passwordClasses(pw)
  const u = username.trim()
  return [
    { key: 'pwRuleLength', params: { n: MIN_PASSWORD_LEN }, ok: n >= MIN_PASSWORD_LEN && n <= MAX_PASSWORD_LEN },
    { key: 'pwRuleClasses', params: { n: MIN_PASSWORD_CLASSES, has: cls.count }, ok: cls.count >= MIN_PASSWORD_CLASSES },
    { key: 'pwRuleUsername', params: {}, ok: !!pw && !([...u].length >= 3 && pw.toLowerCase().includes(u.toLowerCase())) },
  ]
}

// --- catalog -------------------------------------------------------------------------------

/** CatalogItemFull is an item as GET /catalog/items returns it (levels and cosign included). */
export interface CatalogItemFull extends CatalogItem {
  levels?: Level[] | null
  cosign?: Cosign | null
}

/** latestItems keeps the newest version of each item code, in code order. */
export function latestItems<T extends { code: string; version: number }>(items: readonly T[]): T[] {
  const by = new Map<string, T>()
  for (const it of items) {
    const cur = by.get(it.code)
    if (!cur || it.version > cur.version) by.set(it.code, it)
  }
  return [...by.values()].sort((a, b) => a.code.localeCompare(b.code))
}

/** latestFlows keeps the newest version of each flow id, in the catalog's order. */
export function latestFlows(flows: readonly CatalogFlow[]): CatalogFlow[] {
  const out: CatalogFlow[] = []
  for (const f of flows) {
    const i = out.findIndex((x) => x.id === f.id)
    if (i < 0) out.push(f)
    else if (f.version > out[i].version) out[i] = f
  }
  return out
}

export interface DeptSummary {
  code: string
  /** items the department handles (newest versions), by stage */
  items: CatalogItemFull[]
  /** items where its opinion is asked (会签 / 或签) */
  cosigns: CatalogItemFull[]
  /** flow stages it leads (牵头), as "flow name · stage n" pairs */
  leads: { flowId: string; flowName: string; stage: number; stageName: string }[]
  /** kind derived from the catalog: a lead department, an approving one, or only consulted */
  kind: 'lead' | 'approving' | 'consulted' | 'none'
}

/** deptSummary derives what the catalog gives a department; the API has no department kind, so it is inferred. */
export function deptSummary(code: string, items: readonly CatalogItemFull[], flows: readonly CatalogFlow[]): DeptSummary {
  const latest = latestItems(items)
  const own = latest.filter((i) => i.department === code).sort((a, b) => a.stage - b.stage || a.code.localeCompare(b.code))
  const cosigns = latest.filter((i) => i.cosign?.departments?.includes(code))
  const leads: DeptSummary['leads'] = []
  for (const f of latestFlows(flows)) {
    for (const s of f.stages ?? []) {
      if (s.lead_department === code) leads.push({ flowId: f.id, flowName: f.name, stage: s.number, stageName: s.name })
    }
  }
  const kind = leads.length ? 'lead' : own.length ? 'approving' : cosigns.length ? 'consulted' : 'none'
  return { code, items: own, cosigns, leads, kind }
}

/** itemKey is "CODE@VERSION". */
export const itemKey = (code: string, version: number) => `${code}@${version}`

/** indexItems maps "CODE@VERSION" to the item. */
export function indexItems<T extends { code: string; version: number }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [itemKey(i.code, i.version), i]))
}

export interface SituationUse {
  kind: 'item' | 'material'
  itemCode: string
  itemName: string
  materialCode?: string
  materialName?: string
  rule: string
  why?: string
}

/** ruleMentions reports whether a CEL rule reads answers.<id> (the dot form the catalog requires). */
export function ruleMentions(rule: string | undefined, id: string): boolean {
  if (!rule) return false
  return new RegExp(`\\banswers\\.${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(rule)
}

/** situationUses lists the rules that read a question: items added and materials made required. */
export function situationUses(q: CatalogQuestion, items: readonly CatalogItemFull[]): SituationUse[] {
  const out: SituationUse[] = []
  for (const it of latestItems(items)) {
    if (ruleMentions(it.when, q.id)) out.push({ kind: 'item', itemCode: it.code, itemName: it.name, rule: it.when!, why: it.why })
    for (const m of it.materials ?? []) {
      if (ruleMentions(m.condition, q.id)) out.push({ kind: 'material', itemCode: it.code, itemName: it.name, materialCode: m.code, materialName: m.name, rule: m.condition!, why: m.why })
    }
  }
  return out
}

/** projectRules lists the items and materials whose rules read only project facts (no answers). */
export function projectRules(items: readonly CatalogItemFull[]): SituationUse[] {
  const out: SituationUse[] = []
  const factOnly = (r?: string) => !!r && !/\banswers\./.test(r)
  for (const it of latestItems(items)) {
    if (factOnly(it.when)) out.push({ kind: 'item', itemCode: it.code, itemName: it.name, rule: it.when!, why: it.why })
    for (const m of it.materials ?? []) {
      if (factOnly(m.condition)) out.push({ kind: 'material', itemCode: it.code, itemName: it.name, materialCode: m.code, materialName: m.name, rule: m.condition!, why: m.why })
    }
  }
  return out
}

// --- publishing a catalog ----------------------------------------------------------------------

export interface CatalogProblem {
  where: string
  message: string
}

/**
 * catalogProblems splits the server's "the catalog has N problems:" message
 * (one "file:line: message" per line, see internal/catalog/problem.go) into
 * a list; a message of another shape is one problem without a place.
 */
export function catalogProblems(detail: string): { head: string; problems: CatalogProblem[] } {
  const lines = detail.split('\n')
  const head = lines[0] ?? ''
  const problems: CatalogProblem[] = []
  for (const l of lines.slice(1)) {
    const s = l.trim()
    if (!s) continue
    const m = /^([A-Za-z0-9_./-]+(?::\d+)?):\s+(.*)$/.exec(s)
    if (m) problems.push({ where: m[1], message: m[2] })
    else problems.push({ where: '', message: s })
  }
  return { head, problems }
}

/**
 * catalogFileName turns a picked file's path into the relative name the
 * server wants ("items/stage1.yaml"): a folder pick drops its own top
 * folder ("xiamen/items/stage1.yaml" → "items/stage1.yaml"). Returns '' for
 * files that are not YAML or hidden.
 */
export function catalogFileName(path: string, fromFolder: boolean): string {
  let p = path.replace(/\\/g, '/').replace(/^\/+/, '')
  if (fromFolder && p.includes('/')) p = p.slice(p.indexOf('/') + 1)
  const parts = p.split('/')
  if (parts.some((x) => x === '' || x === '.' || x === '..' || x.startsWith('.'))) return ''
  if (!/\.ya?ml$/i.test(p)) return ''
  return p
}

/** LevelRole names of a level's role, for the level chain. */
export function levelChain(levels: readonly Level[] | null | undefined): string[] {
  return (levels ?? []).map((l) => l.name)
}
