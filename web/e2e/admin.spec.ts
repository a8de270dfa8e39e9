// Administration: the security administrator's account life cycle (create
// with a taken username first, the once-shown password, disable → the
// account's open session ends and it cannot log in, enable, reset the
// password), the audit administrator's read-only list, and the system
// administrator's catalog (a flow's stages and items, an item's drawer) and
// working-day calendar (holiday marks, the due-date calculator).
import type { Page } from '@playwright/test'
import { expect, login, test } from './support/fixtures'

interface CatalogItemLite {
  code: string
  version: number
  name: string
  committed_limit: number
  legal_limit: number
  materials: { code: string; name: string }[] | null
}

/** submitLogin fills and sends the login form, wherever it leads. */
async function submitLogin(page: Page, username: string, password: string) {
  await expect(page.getByRole('heading', { name: '登录', exact: true })).toBeVisible()
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登 录' }).click()
}

/** confirmBox answers the app's confirmation box titled title with its button. */
async function confirmBox(page: Page, title: string, button: string) {
  const box = page.getByRole('dialog', { name: title })
  await expect(box).toBeVisible()
  await box.getByRole('button', { name: button, exact: true }).click()
  await expect(box).toBeHidden()
}

test('security administrator creates an officer, disables, enables and resets it; the account follows in its own browser', async ({ as, fresh, server }, testInfo) => {
  test.setTimeout(120_000)
  const username = `e2e-clerk-${testInfo.workerIndex}-${Date.now() % 1_000_000}`
  const admin = await as('anquan')
  await admin.getByRole('menuitem', { name: '账号' }).click()
  await expect(admin.getByRole('heading', { name: '账号管理' })).toBeVisible()

  // The form: a username that is taken first, said on the field.
  await admin.getByRole('button', { name: '创建账号' }).click()
  const form = admin.getByRole('dialog', { name: '创建账号' })
  await expect(form).toBeVisible()
  const usernameItem = form.locator('.el-form-item').filter({ has: admin.getByLabel('用户名') })
  await form.getByLabel('用户名').fill('zrgh-clerk')
  await form.getByLabel('姓名').fill('陈思远')
  await form.getByText('窗口受理人员', { exact: true }).click()
  await expect(form.getByRole('checkbox', { name: '窗口受理人员' })).toBeChecked()
  await form.getByLabel('所在部门').click()
  await admin.getByRole('option', { name: /（ZRGH）$/ }).click()
  await form.getByRole('button', { name: '生成' }).click()
  await expect(form.getByText('✓ 至少 10 位')).toBeVisible()
  await form.getByRole('button', { name: '创建', exact: true }).click()
  await expect(usernameItem.locator('.el-form-item__error')).toHaveText('用户名 zrgh-clerk 已存在')
  await expect(form).toBeVisible()
  // Another username: the message goes as it is edited, and the account is made.
  await form.getByLabel('用户名').fill(username)
  await expect(usernameItem.locator('.el-form-item__error')).toHaveCount(0)
  await form.getByRole('button', { name: '创建', exact: true }).click()

  // The password, shown this once.
  const created = admin.getByRole('dialog', { name: '账号已创建' })
  await expect(created).toContainText('初始密码只显示这一次')
  await expect(created.locator('[data-test="created-username"]')).toHaveText(username)
  const password = (await created.locator('[data-test="created-password"]').textContent())!.trim()
  expect(password.length).toBeGreaterThanOrEqual(10)
  await created.getByRole('button', { name: '我已记下，关闭' }).click()
  await expect(created).toBeHidden()
  await admin.getByPlaceholder('用户名、姓名、部门或信用代码').fill(username)
  const row = admin.locator('[data-test="user-table"]').getByRole('row').filter({ hasText: username })
  await expect(row).toContainText('陈思远')
  await expect(row).toContainText('窗口受理人员')
  await expect(row).toContainText('ZRGH')
  await expect(row).toContainText('启用')

  // The new officer logs in elsewhere with it and lands on the to-do list.
  const officer = await fresh()
  await login(officer, server, username, password)
  await expect(officer).toHaveURL(/\/todo/)
  await expect(officer.getByRole('heading', { name: '待办' })).toBeVisible()

  // Disabled: the open session ends (the list's next poll finds no session) and logging in is refused.
  await row.getByRole('button', { name: '停用' }).click()
  await confirmBox(admin, '停用账号', '停用')
  await expect(admin.getByText(`已停用账号 ${username}`)).toBeVisible()
  await expect(row.locator('[data-test="user-off"]')).toHaveText('停用')
  await expect(officer).toHaveURL(/\/login\?redirect=/, { timeout: 15_000 })
  await expect(officer.getByText('登录已失效，请重新登录')).toBeVisible()
  await submitLogin(officer, username, password)
  await expect(officer.getByRole('alert').filter({ hasText: '账号已停用' })).toBeVisible()
  await expect(officer).toHaveURL(/\/login/)

  // Enabled again: the same password works.
  await row.getByRole('button', { name: '启用' }).click()
  await confirmBox(admin, '启用账号', '启用')
  await expect(admin.getByText(`已启用账号 ${username}`)).toBeVisible()
  await expect(row.locator('[data-test="user-off"]')).toHaveCount(0)
  await submitLogin(officer, username, password)
  await expect(officer).toHaveURL(/\/todo/)

  // A new password: the session ends again, the old password no longer works, the new one does.
  await row.getByRole('button', { name: '重置密码' }).click()
  const reset = admin.getByRole('dialog', { name: '重置密码' })
  await expect(reset).toContainText(`为“陈思远”（${username}）设置新密码`)
  await reset.getByRole('button', { name: '生成' }).click()
  await reset.getByRole('button', { name: '重置密码' }).click()
  const done = admin.getByRole('dialog', { name: '密码已重置' })
  await expect(done).toContainText('新密码只显示这一次')
  const next = (await done.locator('[data-test="reset-shown"]').textContent())!.trim()
  expect(next).not.toBe(password)
  await done.getByRole('button', { name: '我已记下，关闭' }).click()
  await expect(done).toBeHidden()
  await expect(officer).toHaveURL(/\/login\?redirect=/, { timeout: 15_000 })
  await submitLogin(officer, username, password)
  await expect(officer.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible()
  await submitLogin(officer, username, next)
  await expect(officer).toHaveURL(/\/todo/)
  await expect(officer.getByRole('heading', { name: '待办' })).toBeVisible()
})

test('audit administrator reads the accounts and changes nothing', async ({ as }) => {
  const page = await as('shenji')
  await page.getByRole('menuitem', { name: '账号' }).click()
  await expect(page.getByRole('heading', { name: '账号管理' })).toBeVisible()
  await expect(page.locator('[data-test="read-only"]')).toContainText('审计管理员只能查看账号，不能创建或修改（三员分立）')
  const table = page.locator('[data-test="user-table"]')
  await expect(page.getByText(/^显示 \d+ 个，共 \d+ 个账号$/)).toBeVisible()
  await expect(table.locator('tbody tr').first()).toBeVisible()
  await expect(page.getByRole('button', { name: '创建账号' })).toHaveCount(0)
  // The only thing the audit administrator may open is an officer's signing keys (read only).
  await expect(table.getByRole('button', { name: /停用|启用|重置密码/ })).toHaveCount(0)
  // Searching is reading: it works.
  await page.getByPlaceholder('用户名、姓名、部门或信用代码').fill('qiantou')
  await expect(table.locator('tbody tr')).toHaveCount(1)
  await expect(table).toContainText('周洁（牵头协调）')
  await expect(table).toContainText('牵头部门协调人')
  await expect(table).toContainText('ZRGH')
  await expect(table.getByRole('button')).toHaveText(['签名密钥'])
})

test('system administrator reads a flow and an item in the catalog', async ({ as, api }) => {
  const { items } = await (await api('xitong')).get<{ items: CatalogItemLite[] }>('/catalog/items')
  const item = items.filter((i) => i.code === 'XM-FGW-001').sort((a, b) => b.version - a.version)[0]
  expect(item).toBeTruthy()

  const page = await as('xitong')
  await page.getByRole('menuitem', { name: '审批目录' }).click()
  await expect(page.getByRole('heading', { name: '审批目录' })).toBeVisible()
  await expect(page.getByRole('tab', { name: '审批流程' })).toHaveAttribute('aria-selected', 'true')

  // A flow: its four stages with the lead department, the limit and the items.
  await page.locator('[data-test="flow-select"]').click()
  await page.getByRole('option', { name: '社会投资小型低风险工业项目' }).click()
  const stages = page.locator('[data-test="flow-stage"]')
  await expect(stages).toHaveCount(4)
  const stage1 = stages.first()
  await expect(stage1).toContainText('第 1 阶段 · 立项用地规划许可')
  await expect(stage1).toContainText('发改委')
  await expect(stage1).toContainText('时限 2 个工作日')
  await expect(stage1).toContainText('3 个候选事项')
  await expect(stage1).toContainText('建设项目环境影响登记表备案')

  // An item's drawer: code, limits, levels and its materials.
  await stage1.getByRole('link', { name: item.name }).click()
  const drawer = page.getByRole('dialog', { name: item.name })
  await expect(drawer).toBeVisible()
  await expect(drawer).toContainText(`${item.code} · v${item.version}`)
  await expect(drawer).toContainText(`承诺 ${item.committed_limit}个工作日 / 法定 ${item.legal_limit}个工作日`)
  await expect(drawer).toContainText('受理')
  await expect(drawer).toContainText(`申报材料（${item.materials?.length ?? 0} 项）`)
  for (const m of item.materials ?? []) await expect(drawer).toContainText(m.name)
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
})

test('system administrator reads the working-day calendar and computes a due date across a holiday', async ({ as, api }) => {
  // 2025: 国庆节、中秋节 1–8 October, make-up working days Sunday 28 September and Saturday 11 October.
  const from = '2025-09-30'
  const want = await (await api('xitong')).get<{ due: string; covered: boolean }>(`/calendar/due?from=${from}&days=5&unit=WD`)
  expect(want).toEqual({ due: '2025-10-14', covered: true })

  const page = await as('xitong')
  await page.getByRole('menuitem', { name: '工作日历' }).click()
  await expect(page.getByRole('heading', { name: '工作日历' })).toBeVisible()
  await page.locator('.el-check-tag').filter({ hasText: /^2025$/ }).click()
  await expect(page).toHaveURL(/[?&]year=2025/)
  await expect(page.locator('[data-test="year-summary"]')).toContainText('国庆节、中秋节')

  const october = page.locator('[data-test="month"]').filter({ hasText: '十月' })
  await expect(october).toContainText('18 个工作日')
  // A day in its own month's grid (the neighbours' days fill the first and last weeks).
  const day = (d: string) => page.locator(`[data-date="${d}"]:not(.out)`)
  for (const d of ['2025-10-01', '2025-10-08']) {
    await expect(day(d)).toContainText('休')
    await expect(day(d)).toHaveAttribute('title', `${d} 法定节假日 · 国庆节、中秋节`)
  }
  for (const d of ['2025-09-28', '2025-10-11']) {
    await expect(day(d)).toContainText('班')
    await expect(day(d)).toHaveAttribute('title', `${d} 调休上班 · 国庆节、中秋节`)
  }
  await expect(day('2025-10-09')).toHaveAttribute('title', '2025-10-09 工作日')

  // The calculator, on the same calendar the deadlines use.
  const fromInput = page.getByLabel('受理日（不计入）')
  await fromInput.fill(from)
  await fromInput.press('Enter')
  await page.getByLabel('期限').fill('5')
  await page.getByRole('button', { name: '计算' }).click()
  const result = page.locator('[data-test="due-result"]')
  await expect(result).toContainText(`自 ${from} 起 5个工作日，到期日为`)
  await expect(result).toContainText(new RegExp(`${want.due}\\s*（周二）`))
  await result.getByRole('link').click()
  await expect(day(want.due)).toHaveClass(/focus/)
})
