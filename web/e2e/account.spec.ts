// 账号与密码: an applicant changes their own password from the header's
// user menu (a wrong current password first: the server's word on that
// field), and logs in again with the new one; the old one is refused. The
// account is made for the test, so the shared demo accounts keep theirs.
import { expect, login, test } from './support/fixtures'
import { createApplicant, freshPassword } from './support/accounts'

test('applicant changes the password from the header menu and logs in with the new one', async ({ api, fresh, server }, testInfo) => {
  const me = await createApplicant(await api('anquan'), 'e2e-pw', testInfo.workerIndex)
  const page = await fresh()
  await login(page, server, me.username, me.password)
  await expect(page).toHaveURL(/\/projects$/)

  // The header's user menu → 账号与密码.
  await page.getByRole('button', { name: '账号菜单' }).click()
  await page.getByRole('menuitem', { name: '账号与密码' }).click()
  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByRole('heading', { name: '账号与密码' })).toBeVisible()
  const profile = page.locator('[data-test="account-profile"]')
  await expect(profile.locator('[data-test="account-username"]')).toHaveText(me.username)
  await expect(profile.locator('[data-test="account-name"]')).toHaveText(me.displayName)
  await expect(profile).toContainText('申请人')
  await expect(profile.locator('[data-test="account-enterprise"]')).toHaveText('厦门鹭岛智造科技有限公司')

  const form = page.locator('[data-test="password-form"]')
  const field = (label: string) => form.locator('.el-form-item').filter({ has: page.getByLabel(label, { exact: true }) })
  const next = freshPassword()

  // The new password checked as it is typed; then a wrong current password: the server says so on that field.
  await form.getByLabel('当前密码').fill('not-my-password-1A')
  await form.getByLabel('新密码', { exact: true }).fill(next)
  await expect(form.getByText('✓ 至少 10 位')).toBeVisible()
  await form.getByLabel('确认新密码').fill(`${next}x`)
  await form.getByRole('button', { name: '修改密码' }).click()
  await expect(field('确认新密码').locator('.el-form-item__error')).toHaveText('两次输入的新密码不一致')
  await form.getByLabel('确认新密码').fill(next)
  await expect(field('确认新密码').locator('.el-form-item__error')).toHaveCount(0)
  await form.getByRole('button', { name: '修改密码' }).click()
  await expect(field('当前密码').locator('.el-form-item__error')).toHaveText('当前密码不正确')
  await expect(page.locator('[data-test="password-done"]')).toHaveCount(0)

  // The right one: done, and this session stays.
  await form.getByLabel('当前密码').fill(me.password)
  await expect(field('当前密码').locator('.el-form-item__error')).toHaveCount(0)
  await form.getByRole('button', { name: '修改密码' }).click()
  await expect(page.locator('[data-test="password-done"]')).toContainText('新密码已生效，下次登录请使用新密码')
  await expect(form.getByLabel('当前密码')).toHaveValue('')
  await page.getByRole('menuitem', { name: '我的项目' }).click()
  await expect(page).toHaveURL(/\/projects$/)

  // Log out; the old password is refused, the new one gets in.
  await page.getByRole('button', { name: '退出' }).click()
  await expect(page).toHaveURL(/\/login$/)
  await expect(page.getByText('已退出登录')).toBeVisible()
  await page.getByLabel('用户名').fill(me.username)
  await page.getByLabel('密码').fill(me.password)
  await page.getByRole('button', { name: '登 录' }).click()
  await expect(page.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible()
  await login(page, server, me.username, next)
  await expect(page).toHaveURL(/\/projects$/)
  await expect(page.getByRole('heading', { name: '我的项目' })).toBeVisible()
})
