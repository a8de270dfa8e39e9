// The login page: Chinese by default, switchable to English, and clear
// messages for a missing field and a wrong password.
import { expect, passwordOf, test } from './support/fixtures'

test('login page at / is Chinese, switches to English, and says so when the password is wrong', async ({ page, server }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login$/)
  await expect(page).toHaveTitle('登录 · 通办')
  await expect(page.getByRole('heading', { name: '登录', exact: true })).toBeVisible()
  await expect(page.getByText('通办 · 工程建设项目审批管理系统')).toBeVisible()
  await expect(page.getByLabel('用户名')).toBeVisible()
  await expect(page.getByLabel('密码')).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')

  // Empty fields: inline messages, nothing sent.
  await page.getByRole('button', { name: '登 录' }).click()
  await expect(page.getByText('请输入用户名')).toBeVisible()
  await expect(page.getByText('请输入密码')).toBeVisible()

  // A wrong password: the server's message, in Chinese, and the password field cleared.
  await page.getByLabel('用户名').fill('qiye')
  await page.getByLabel('密码').fill('not-the-password')
  await page.getByRole('button', { name: '登 录' }).click()
  await expect(page.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible()
  await expect(page.getByLabel('密码')).toHaveValue('')
  await expect(page).toHaveURL(/\/login$/)

  // English.
  await page.getByRole('button', { name: '语言' }).click()
  await page.getByRole('menuitem', { name: 'English' }).click()
  await expect(page.getByRole('heading', { name: 'Log in', exact: true })).toBeVisible()
  await expect(page.getByLabel('Username')).toBeVisible()
  await expect(page.getByLabel('Password')).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await page.getByLabel('Password').fill('still-wrong')
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'wrong username or password' })).toBeVisible()

  // The choice is remembered across a reload; then the right password gets in, in English.
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Log in', exact: true })).toBeVisible()
  await page.getByLabel('Username').fill('qiye')
  await page.getByLabel('Password').fill(passwordOf(server, 'qiye'))
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page).toHaveURL(/\/projects$/)
  await expect(page.getByRole('heading', { name: 'My projects' })).toBeVisible()

  // Back to Chinese from inside the application.
  await page.getByRole('button', { name: 'Language' }).click()
  await page.getByRole('menuitem', { name: '中文' }).click()
  await expect(page.getByRole('heading', { name: '我的项目' })).toBeVisible()
})

test('a session-less deep link goes to the login page and back after logging in', async ({ page, server }) => {
  await page.goto('/enterprise')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)enterprise$/)
  await page.getByLabel('用户名').fill('qiye')
  await page.getByLabel('密码').fill(passwordOf(server, 'qiye'))
  await page.getByRole('button', { name: '登 录' }).click()
  await expect(page).toHaveURL(/\/enterprise$/)
  await expect(page.getByRole('heading', { name: '企业信息' })).toBeVisible()
})
