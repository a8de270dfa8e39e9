import { describe, expect, it } from 'vitest'
import type { CatalogFlow, CatalogQuestion, User } from '@/api/types'
import {
  canManageUser,
  catalogFileName,
  catalogProblems,
  checkDept,
  checkPassword,
  checkRoles,
  checkUSCC,
  checkUserForm,
  checkUsername,
  deptSummary,
  passwordRules,
  replaceUser,
  filterUsers,
  generatePassword,
  GEN_LENGTH,
  latestItems,
  passwordClasses,
  projectRules,
  roleBlocked,
  ruleMentions,
  situationUses,
  userBody,
  usccCheckChar,
  type CatalogItemFull,
  type UserForm,
} from './admin'

const keys = (cs: ({ key: string } | null)[]) => cs.map((c) => c?.key ?? null)

describe('checkUsername', () => {
  const cases: [string, string | null][] = [
    ['', 'usernameRequired'],
    ['   ', 'usernameRequired'],
    ['ab', 'usernameLength'],
    ['abc', null],
    ['  zrgh-clerk  ', null],
    ['a b', 'usernameChars'],
    ['a/b', 'usernameChars'],
    ['a\\bc', 'usernameChars'],
    ['x'.repeat(64), null],
    ['x'.repeat(65), 'usernameLength'],
    // The server counts bytes: one Chinese character is 3 bytes.
    ['张三', null],
    ['张', null],
    ['é', 'usernameLength'],
    ['张'.repeat(22), 'usernameLength'],
  ]
  for (const [in_, want] of cases) it(JSON.stringify(in_), () => expect(checkUsername(in_)?.key ?? null).toBe(want))
})

describe('checkPassword', () => {
  it('accepts a policy password', () => expect(checkPassword('Abcdefgh12#', 'someone')).toEqual([]))
  it('reports every problem at once', () => expect(keys(checkPassword('abc', 'x'))).toEqual(['passwordShort', 'passwordClasses']))
  it('counts characters, not bytes', () => expect(keys(checkPassword('密码密码密码密码Ab1', 'x'))).toEqual([]))
  it('refuses the username inside, ignoring case', () => expect(keys(checkPassword('XiTong2026#abc', 'xitong'))).toEqual(['passwordUsername']))
  it('ignores usernames shorter than 3', () => expect(checkPassword('Abcdefgh12#', 'ab')).toEqual([]))
  it('refuses control characters', () => expect(keys(checkPassword('Abcdefgh12\u0007', 'x'))).toEqual(['passwordControl']))
  it('too long', () => expect(keys(checkPassword('Aa1' + 'x'.repeat(130), 'u'))).toEqual(['passwordLong']))
  it('empty', () => expect(keys(checkPassword('', 'u'))).toEqual(['passwordRequired']))
  it('counts classes as the server', () => {
    expect(passwordClasses('aB3#').count).toBe(4)
    expect(passwordClasses('中文abc').count).toBe(2) // Chinese counts as a symbol
  })
})

describe('generatePassword', () => {
  it('meets the policy every time', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword()
      expect(pw).toHaveLength(GEN_LENGTH)
      expect(checkPassword(pw, 'someuser')).toEqual([])
      expect(passwordClasses(pw).count).toBe(4)
      expect(pw).not.toMatch(/[0OoIl1iZz2Ss5B8]/)
    }
  })
})

describe('checkRoles (三员分立)', () => {
  const cases: [string[], string | null][] = [
    [[], 'rolesEmpty'],
    [['clerk'], null],
    [['clerk', 'reviewer', 'approver', 'lead'], null],
    [['sysadmin'], null],
    [['sysadmin', 'secadmin'], 'rolesAdminSeparation'],
    [['auditadmin', 'clerk'], 'rolesAdminExclusive'],
    [['applicant', 'clerk'], 'rolesApplicantExclusive'],
    [['supervisor', 'reviewer'], 'rolesSupervisorExclusive'],
    [['supervisor'], null],
  ]
  for (const [roles, want] of cases) it(roles.join('+') || 'none', () => expect(checkRoles(roles as never)?.key ?? null).toBe(want))

  it('names the roles in conflict', () => {
    expect(checkRoles(['secadmin', 'auditadmin'])?.params).toEqual({ a: 'secadmin', b: 'auditadmin' })
    expect(checkRoles(['clerk', 'supervisor'])?.params).toEqual({ b: 'clerk' })
  })

  it('roleBlocked says why a role cannot join the chosen ones', () => {
    expect(roleBlocked('reviewer', ['clerk'])).toBeNull()
    expect(roleBlocked('secadmin', ['sysadmin'])?.key).toBe('rolesAdminSeparation')
    expect(roleBlocked('clerk', ['applicant'])?.key).toBe('rolesApplicantExclusive')
    expect(roleBlocked('supervisor', ['clerk'])?.key).toBe('rolesSupervisorExclusive')
    expect(roleBlocked('clerk', [])).toBeNull()
    expect(roleBlocked('clerk', ['clerk'])).toBeNull()
  })
})

describe('checkUSCC', () => {
  it('accepts real codes', () => {
    for (const c of ['91110000802100433B', '914403001922038216', '9144030071526726XG', '91330100799655058B', '911000001000013428']) expect(checkUSCC(c)).toBeNull()
  })
  it('normalises case and spaces', () => expect(checkUSCC(' 9144030071526726xg ')).toBeNull())
  it('computes the check character as the server', () => expect(usccCheckChar('91350200MA2XXXXXX')).toBe('F'))
  const cases: [string, string, Record<string, unknown>?][] = [
    ['', 'usccRequired'],
    ['9135020', 'usccLength', { n: 7 }],
    ['91350200MA2XXXXXXX', 'usccCheck', { want: 'F', got: 'X' }],
    ['91350200MA2XXXXXIF', 'usccLetter', { pos: 17, c: 'I' }],
    ['9135020OMA2XXXXXXF', 'usccLetter', { pos: 8, c: 'O' }],
    ['913502A0MA2XXXXXXF', 'usccDivision', { pos: 7, c: 'A' }],
    ['91350200MA2XXXXXX＃', 'usccChar', { pos: 18, c: '＃' }],
  ]
  for (const [code, key, params] of cases) {
    it(`${code || 'empty'} → ${key}`, () => {
      const got = checkUSCC(code)
      expect(got?.key).toBe(key)
      if (params) expect(got?.params).toEqual(params)
    })
  }
})

describe('checkDept', () => {
  it('needs a department only for officers', () => {
    expect(checkDept(['supervisor'], '', ['ZRGH'])).toBeNull()
    expect(checkDept(['clerk'], '', ['ZRGH'])?.key).toBe('deptRequired')
    expect(checkDept(['clerk'], 'XX', ['ZRGH'])?.key).toBe('deptUnknown')
    expect(checkDept(['lead'], 'ZRGH', ['ZRGH'])).toBeNull()
  })
})

describe('checkUserForm and userBody', () => {
  const base: UserForm = { username: 'new-clerk', display_name: '张三', password: 'Abcdefgh12#', roles: ['clerk'], dept_code: 'ZRGH', enterprise_uscc: '', enterprise_name: '' }
  it('a complete officer is ready', () => expect(checkUserForm(base, ['ZRGH'])).toEqual({}))
  it('an applicant needs a valid USCC and the enterprise name', () => {
    const e = checkUserForm({ ...base, roles: ['applicant'], dept_code: '', enterprise_uscc: '91350200MA2XXXXXXX' }, ['ZRGH'])
    expect(Object.keys(e).sort()).toEqual(['enterprise_name', 'enterprise_uscc'])
    expect(e.enterprise_uscc?.[0]?.key).toBe('usccCheck')
  })
  it('sends only what the roles need', () => {
    expect(userBody({ ...base, enterprise_uscc: 'x', username: ' u1 ' })).toEqual({ username: 'u1', display_name: '张三', password: 'Abcdefgh12#', roles: ['clerk'], dept_code: 'ZRGH' })
    expect(userBody({ ...base, roles: ['applicant'], enterprise_uscc: ' 9144030071526726xg', enterprise_name: ' 腾讯 ' })).toEqual({
      username: 'new-clerk',
      display_name: '张三',
      password: 'Abcdefgh12#',
      roles: ['applicant'],
      enterprise_uscc: '9144030071526726XG',
      enterprise_name: '腾讯',
    })
    expect(userBody({ ...base, roles: ['auditadmin'] })).not.toHaveProperty('dept_code')
  })
})

describe('filterUsers', () => {
  const u = (username: string, roles: string[], extra: Partial<User> = {}): User => ({ id: username, username, display_name: username.toUpperCase(), roles: roles as never, disabled: false, created_at: '', version: 1, ...extra })
  const users = [u('zrgh-clerk', ['clerk'], { dept_code: 'ZRGH' }), u('qiye', ['applicant'], { enterprise_uscc: '91350200MA2XXXXXXF' }), u('xitong', ['sysadmin']), u('zj-lead', ['lead', 'reviewer'], { dept_code: 'ZJ' }), u('old', ['clerk'], { dept_code: 'ZJ', disabled: true })]
  const names = (l: User[]) => l.map((x) => x.username)
  it('admins first, then by role order and name', () => expect(names(filterUsers(users, { q: '', role: '', dept: '' }))).toEqual(['xitong', 'qiye', 'old', 'zrgh-clerk', 'zj-lead']))
  it('by role, including second roles', () => expect(names(filterUsers(users, { q: '', role: 'reviewer', dept: '' }))).toEqual(['zj-lead']))
  it('by department', () => expect(names(filterUsers(users, { q: '', role: '', dept: 'ZJ' }))).toEqual(['old', 'zj-lead']))
  it('by text: username, name, USCC, department name', () => {
    expect(names(filterUsers(users, { q: 'MA2X', role: '', dept: '' }))).toEqual(['qiye'])
    expect(names(filterUsers(users, { q: '建设局', role: '', dept: '' }, (c) => (c === 'ZJ' ? '市建设局' : c)))).toEqual(['old', 'zj-lead'])
  })
  it('by status', () => expect(names(filterUsers(users, { q: '', role: '', dept: '', status: 'disabled' }))).toEqual(['old']))
})

const item = (code: string, dept: string, extra: Partial<CatalogItemFull> = {}): CatalogItemFull => ({
  code,
  version: 1,
  name: code,
  department: dept,
  stage: 1,
  legal_limit: 20,
  committed_limit: 5,
  unit: 'WD',
  result: 'licence',
  result_name: '',
  rongque: false,
  commitment: false,
  materials: [],
  ...extra,
})

describe('catalog derivations', () => {
  const items = [
    item('XM-ZJ-001', 'ZJ', { stage: 3 }),
    item('XM-ZJ-001', 'ZJ', { version: 2, stage: 3, name: 'v2' }),
    item('XM-ZRGH-001', 'ZRGH', { when: 'answers.touches_river && project.investment > 10' }),
    item('XM-QX-001', 'QX', { cosign: { mode: 'any', departments: ['ZJ', 'XF'] }, materials: [{ code: 'M-1', name: 'm', required: true, rongque_allowed: false, seal_required: false, straddle_seal_required: false, formats: [], max_size_mb: 1, condition: 'answers.touches_river_bank' }] }),
    item('XM-SL-001', 'SL', { when: 'project.floor_area >= 7000' }),
  ]
  const flows: CatalogFlow[] = [
    { id: 'f', version: 1, name: 'F1', project_type: 'x', government_invested: false, stages: [{ number: 3, name: '施工许可', lead_department: 'ZRGH', limit_days: 5, items: [] }] },
    { id: 'f', version: 2, name: 'F2', project_type: 'x', government_invested: false, stages: [{ number: 3, name: '施工许可', lead_department: 'ZJ', limit_days: 5, items: [] }] },
  ]
  it('latestItems keeps the newest version', () => expect(latestItems(items).find((i) => i.code === 'XM-ZJ-001')?.name).toBe('v2'))
  it('deptSummary: own items, co-signs and lead stages of the newest flows', () => {
    const zj = deptSummary('ZJ', items, flows)
    expect(zj.items.map((i) => `${i.code}@${i.version}`)).toEqual(['XM-ZJ-001@2'])
    expect(zj.cosigns.map((i) => i.code)).toEqual(['XM-QX-001'])
    expect(zj.leads).toEqual([{ flowId: 'f', flowName: 'F2', stage: 3, stageName: '施工许可' }])
    expect(zj.kind).toBe('lead')
    expect(deptSummary('ZRGH', items, flows).kind).toBe('approving')
    expect(deptSummary('XF', items, flows).kind).toBe('consulted')
    expect(deptSummary('NONE', items, flows).kind).toBe('none')
  })
  it('ruleMentions matches whole identifiers', () => {
    expect(ruleMentions('answers.touches_river', 'touches_river')).toBe(true)
    expect(ruleMentions('answers.touches_river_bank', 'touches_river')).toBe(false)
    expect(ruleMentions('!answers.touches_river && x', 'touches_river')).toBe(true)
    expect(ruleMentions(undefined, 'x')).toBe(false)
  })
  it('situationUses lists items and materials whose rules read the question', () => {
    const q = (id: string): CatalogQuestion => ({ id, text: id, type: 'bool' })
    expect(situationUses(q('touches_river'), items).map((u) => u.kind + ':' + u.itemCode)).toEqual(['item:XM-ZRGH-001'])
    expect(situationUses(q('touches_river_bank'), items).map((u) => `${u.kind}:${u.itemCode}:${u.materialCode}`)).toEqual(['material:XM-QX-001:M-1'])
  })
  it('projectRules lists rules on project facts only', () => expect(projectRules(items).map((u) => u.itemCode)).toEqual(['XM-SL-001']))
})

describe('catalogProblems', () => {
  it('splits file:line problems', () => {
    const got = catalogProblems('审批目录有 2 处错误：\nitems/stage2.yaml:41: 事项 XM-ZRGH-003：承诺时限超过法定时限\nflows/a.yaml: 缺少 stages\n……另有 3 处错误未列出')
    expect(got.head).toBe('审批目录有 2 处错误：')
    expect(got.problems).toEqual([
      { where: 'items/stage2.yaml:41', message: '事项 XM-ZRGH-003：承诺时限超过法定时限' },
      { where: 'flows/a.yaml', message: '缺少 stages' },
      { where: '', message: '……另有 3 处错误未列出' },
    ])
  })
  it('keeps whole-catalog problems ("catalog: …")', () => {
    expect(catalogProblems('审批目录有 1 处错误：\ncatalog: 事项 XM-ZRGH-003 第1版与正在使用的版本内容不同').problems).toEqual([{ where: 'catalog', message: '事项 XM-ZRGH-003 第1版与正在使用的版本内容不同' }])
  })
  it('a one-line message has no list', () => expect(catalogProblems('没有上传任何目录文件')).toEqual({ head: '没有上传任何目录文件', problems: [] }))
})

describe('catalogFileName', () => {
  const cases: [string, boolean, string][] = [
    ['departments.yaml', false, 'departments.yaml'],
    ['xiamen/items/stage1.yaml', true, 'items/stage1.yaml'],
    ['xiamen/departments.yml', true, 'departments.yml'],
    ['xiamen/README.md', true, ''],
    ['xiamen/.git/config.yaml', true, ''],
    ['../x.yaml', false, ''],
    ['a\\b.yaml', false, 'a/b.yaml'],
  ]
  for (const [p, folder, want] of cases) it(`${p} (${folder ? 'folder' : 'files'})`, () => expect(catalogFileName(p, folder)).toBe(want))
})

describe('managing accounts', () => {
  const acct = (id: string, extra: Partial<User> = {}): User => ({ id, username: id, display_name: id, roles: ['clerk'], disabled: false, created_at: '', version: 1, ...extra })
  it('offers the actions to the system and security administrators, not on their own row', () => {
    const target = acct('shouli')
    expect(canManageUser({ id: 'anquan', roles: ['secadmin'] }, target)).toBe(true)
    expect(canManageUser({ id: 'xitong', roles: ['sysadmin'] }, target)).toBe(true)
    expect(canManageUser({ id: 'anquan', roles: ['secadmin'] }, acct('anquan'))).toBe(false)
  })
  it('keeps the audit administrator and everyone else read-only', () => {
    expect(canManageUser({ id: 'shenji', roles: ['auditadmin'] }, acct('shouli'))).toBe(false)
    expect(canManageUser({ id: 'x', roles: ['lead', 'reviewer'] }, acct('shouli'))).toBe(false)
    expect(canManageUser(null, acct('shouli'))).toBe(false)
  })
  it('replaces the account the server answered with, in place', () => {
    const list = [acct('a'), acct('b'), acct('c')]
    const got = replaceUser(list, acct('b', { disabled: true, version: 2 }))
    expect(got.map((u) => [u.id, u.disabled, u.version])).toEqual([
      ['a', false, 1],
      ['b', true, 2],
      ['c', false, 1],
    ])
    expect(list[1].disabled).toBe(false)
    expect(replaceUser(list, acct('z'))).toEqual(list)
  })
  it('passwordRules ticks what the password meets', () => {
    const ok = (pw: string, u = 'shencha') => passwordRules(pw, u).map((r) => r.ok)
    expect(ok('')).toEqual([false, false, false])
    expect(ok('abc')).toEqual([false, false, true])
    expect(ok('Xiamen#2025ok')).toEqual([true, true, true])
    expect(ok('Shencha#2025')).toEqual([true, true, false])
    expect(passwordRules('abcdefghij1', 'u')[1].params).toEqual({ n: 3, has: 2 })
  })
})
