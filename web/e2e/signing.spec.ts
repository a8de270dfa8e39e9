// Signed decisions and signing keys in the browser: a decision with a
// handwritten signature (PC mouse, phone touch in the bottom sheet) is
// signed with the officer's SM2 key and shows 已签名 · 验签通过 with the
// drawing in the record; a blank pad sends no drawing; an officer rotates
// their own key and old signatures still verify; the security
// administrator revokes an officer's key with a reason while the audit
// administrator only reads; and a decision changed in the database after
// it was signed shows red 签名无效 in the record.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, horizontalOverflow, test } from './support/fixtures'
import { createSubmittedProject } from './support/api'
import { freshPassword } from './support/accounts'
import { decisionPanel, openFromTodo } from './support/officer'

/** draw scribbles a signature on the pad inside scope with the mouse (PC) or touch events (phone). */
async function draw(page: Page, scope: ReturnType<Page['locator']>, touch = false): Promise<void> {
  const canvas = scope.locator('[data-test="signature-pad"] canvas')
  await canvas.scrollIntoViewIfNeeded()
  const b = (await canvas.boundingBox())!
  const pts = Array.from({ length: 25 }, (_, i) => ({ x: b.x + 20 + (i * (b.width - 40)) / 24, y: b.y + b.height / 2 + Math.sin(i / 3) * 25 }))
  if (!touch) {
    await page.mouse.move(pts[0].x, pts[0].y)
    await page.mouse.down()
    for (const p of pts.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 })
    await page.mouse.up()
    return
  }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [pts[0]] })
  for (const p of pts.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
}

test('PC: a decision with a handwritten signature is signed, verified and shows the drawing', async ({ as, api }, testInfo) => {
  const name = `签名e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!

  const page = await as('fgw-clerk')
  await openFromTodo(page, v.project.code, task.item_name)
  const panel = await decisionPanel(page)
  await panel.getByRole('radio', { name: '受理', exact: true }).click()
  await expect(panel.getByText('手写签名（可选）')).toBeVisible()
  await expect(panel.getByText('SM2 签名密钥')).toBeVisible()
  await draw(page, panel)
  await expect(panel.getByText('已书写')).toBeVisible()
  await panel.getByRole('textbox').first().fill('申请材料齐全，予以受理。')
  const sent = page.waitForRequest((r) => r.url().endsWith(`/tasks/${task.id}/actions`) && r.method() === 'POST')
  await panel.getByRole('button', { name: '受理', exact: true }).click()
  const body = (await sent).postDataJSON() as { handwriting?: string }
  expect(body.handwriting).toMatch(/^data:image\/png;base64,/)
  expect(Buffer.from(body.handwriting!.split(',')[1], 'base64').length).toBeLessThanOrEqual(256 * 1024)
  await expect(page).toHaveURL(/\/todo/)

  // The record, on the project page (another reader: the applicant).
  const app = await as('qiye')
  await app.goto(`/projects/${v.project.id}`)
  const tag = app.locator('[data-test="signature-status"][data-sig="valid"]').first()
  await expect(tag).toHaveText(/已签名 · 验签通过/)
  const me = await api('fgw-clerk')
  const [key] = await me.get<{ fingerprint: string; state: string }[]>('/keys?owner=me')
  await tag.hover()
  await expect(app.getByRole('tooltip')).toContainText(key.fingerprint.slice(0, 4))
  // The drawing loads (session cookie) and enlarges on click.
  const img = app.locator('[data-test="handwriting"] img').first()
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0)
  await app.locator('[data-test="handwriting"]').first().click()
  await expect(app.locator('[data-test="handwriting-dialog"]')).toBeVisible()
})

test('PC: a blank or cleared pad sends no handwriting', async ({ as, api }, testInfo) => {
  const name = `无签名e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
  const page = await as('fgw-clerk')
  await openFromTodo(page, v.project.code, task.item_name)
  const panel = await decisionPanel(page)
  await panel.getByRole('radio', { name: '受理', exact: true }).click()
  await draw(page, panel)
  await panel.locator('[data-test="signature-clear"]').click()
  await expect(panel.getByText('未书写')).toBeVisible()
  const sent = page.waitForRequest((r) => r.url().endsWith(`/tasks/${task.id}/actions`) && r.method() === 'POST')
  await panel.getByRole('button', { name: '受理', exact: true }).click()
  expect((await sent).postDataJSON()).not.toHaveProperty('handwriting')
  // Still signed with SM2: the tag is there, without a drawing.
  await page.goto(`/tasks/${task.id}`)
  await expect(page.locator('[data-test="signature-status"][data-sig="valid"]').first()).toBeVisible()
  await expect(page.locator('[data-test="handwriting"]')).toHaveCount(0)
})

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })

  test('phone: signing in the bottom sheet does not scroll it', async ({ as, api }, testInfo) => {
    const name = `手机签名e2e${testInfo.workerIndex}-${Date.now() % 100000}`
    const qiye = await api('qiye')
    const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
    const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
    const page = await as('fgw-clerk')
    await openFromTodo(page, v.project.code, task.item_name)
    const panel = await decisionPanel(page)
    await panel.getByRole('radio', { name: '受理', exact: true }).tap()
    const body = page.getByRole('dialog', { name: '办理' }).locator('.el-drawer__body')
    await panel.locator('[data-test="signature-pad"]').scrollIntoViewIfNeeded()
    const before = await body.evaluate((b) => b.scrollTop)
    await draw(page, panel, true)
    expect(await body.evaluate((b) => b.scrollTop)).toBe(before)
    await expect(panel.getByText('已书写')).toBeVisible()
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
    const sent = page.waitForRequest((r) => r.url().endsWith(`/tasks/${task.id}/actions`) && r.method() === 'POST')
    await panel.getByRole('button', { name: '受理', exact: true }).tap()
    expect((await sent).postDataJSON().handwriting).toMatch(/^data:image\/png;base64,/)
  })
})

test('officer rotates their own key; earlier signatures still verify', async ({ as, api }, testInfo) => {
  const name = `轮换e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
  const clerk = await api('fgw-clerk')
  await clerk.act(task.id, 'accept') // signs with the current key (made on first use)

  const page = await as('fgw-clerk')
  await page.goto('/account')
  const keys = page.locator('[data-test="my-keys"]')
  await expect(keys.getByText('我的签名密钥')).toBeVisible()
  await expect(keys.getByText('使用中')).toBeVisible()
  await keys.locator('[data-test="rotate-key"]').click()
  const box = page.getByRole('dialog', { name: '轮换签名密钥' })
  await expect(box).toContainText('以前的签名照常验签通过')
  await box.getByRole('button', { name: '轮换' }).click()
  await expect(keys.getByText('已轮换').first()).toBeVisible()
  await expect(keys.getByText('使用中')).toHaveCount(1)

  await page.goto(`/tasks/${task.id}`)
  await expect(page.locator('[data-test="signature-status"][data-sig="valid"]').first()).toBeVisible()
})

test('security administrator revokes an officer key with a reason; the audit administrator only reads', async ({ as, api }, testInfo) => {
  // An officer the test makes, never a shared demo officer: revoking changes it. Its first key
  // is made by the security administrator's rotation (an officer's own first decision would too).
  const admin = await api('anquan')
  const username = `e2e-keys-${testInfo.workerIndex}-${Date.now() % 1_000_000}`
  const officer = await admin.post<{ id: string }>('/users', {
    username,
    display_name: '郑文博（e2e）',
    password: freshPassword(),
    roles: ['clerk'],
    dept_code: 'FGW',
  })
  const [made] = await admin.post<{ id: string; state: string; fingerprint: string }[]>('/keys/rotate', { owner: `user:${officer.id}` })
  expect(made.state).toBe('active')

  const page = await as('anquan')
  await page.goto('/admin/users')
  await page.getByPlaceholder('用户名、姓名、部门或信用代码').fill(username)
  const table = page.locator('[data-test="user-table"]')
  await expect(table.locator('tbody tr')).toHaveCount(1)
  await table.locator('[data-test="user-keys"]').click()
  const drawer = page.locator('[data-test="keys-drawer"]')
  await expect(drawer).toContainText('签名密钥 · 郑文博（e2e）')
  await expect(drawer.locator('[data-test="signing-keys"]')).toBeVisible()
  await expect(drawer.getByText('使用中')).toBeVisible()
  await drawer.locator('[data-test="revoke-key"]').first().click()
  const dlg = page.locator('[data-test="revoke-dialog"]')
  await dlg.locator('[data-test="revoke-ok"]').click()
  await expect(dlg).toContainText('请填写吊销原因')
  await dlg.locator('[data-test="revoke-reason"]').fill('e2e：人员离岗')
  await dlg.locator('[data-test="revoke-ok"]').click()
  await expect(drawer.getByText('已吊销').first()).toBeVisible()
  await expect(drawer).toContainText('e2e：人员离岗')
  await expect(drawer.locator('[data-test="revoke-key"]')).toHaveCount(0)
  const after = await admin.get<{ id: string; state: string; revoke_reason?: string }[]>(`/keys?owner=user:${officer.id}`)
  expect(after.map((k) => [k.id, k.state, k.revoke_reason])).toEqual([[made.id, 'revoked', 'e2e：人员离岗']])

  // The audit administrator sees the same keys and can change nothing.
  const audit = await as('shenji')
  await audit.goto('/admin/users')
  await audit.getByPlaceholder('用户名、姓名、部门或信用代码').fill(username)
  const auditTable = audit.locator('[data-test="user-table"]')
  await expect(auditTable.locator('tbody tr')).toHaveCount(1)
  await auditTable.locator('[data-test="user-keys"]').click()
  const ro = audit.locator('[data-test="keys-drawer"]')
  await expect(ro.getByText('只读：轮换和吊销密钥由安全管理员操作。')).toBeVisible()
  await expect(ro).toContainText('e2e：人员离岗')
  await expect(ro.locator('[data-test="rotate-key"]')).toHaveCount(0)
  await expect(ro.locator('[data-test="revoke-key"]')).toHaveCount(0)
  await ro.getByRole('button', { name: /关闭|Close/ }).click()
  await expect(ro).toBeHidden()

  // Department keys from the departments page (now open to the security and audit administrators).
  await audit.getByRole('menuitem', { name: '部门' }).click()
  await audit.locator('[data-test="dept-keys"]').first().click()
  const dept = audit.locator('[data-test="keys-drawer"]')
  await expect(dept.locator('[data-test="signing-keys"]')).toBeVisible()
  await expect(dept.locator('[data-test="rotate-key"]')).toHaveCount(0)
  await expect(dept.locator('[data-test="revoke-key"]')).toHaveCount(0)
})

/**
 * tamper changes a stored decision's opinion behind the server's back, in
 * the SQLite file of the server the global setup started (Debian's
 * sqlite3, as an intruder with access to the database would): the
 * signature no longer matches the record.
 */
function tamper(dataDir: string, taskId: string, opinion: string, changed: string): void {
  if (!/^[0-9A-Z]{26}$/.test(taskId) || /'/.test(opinion + changed)) throw new Error(`e2e: tamper: unexpected ${taskId} / ${opinion}`)
  const sql = `UPDATE events SET opinion = '${changed}' WHERE task_id = '${taskId}' AND opinion = '${opinion}'; SELECT changes();`
  let out: string
  try {
    out = execFileSync('sqlite3', ['-cmd', '.timeout 10000', join(dataDir, 'tongban.db'), sql], { encoding: 'utf8' })
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT'
    throw new Error(missing ? 'e2e: tamper needs the sqlite3 command line (apt-get install sqlite3)' : `e2e: tamper: ${(e as Error).message}`)
  }
  if (out.trim() !== '1') throw new Error(`e2e: tamper: ${out.trim() || 'no'} rows changed (want 1)`)
}

test('a decision changed after signing shows 签名无效：记录与签名不符', async ({ as, api, server }, testInfo) => {
  const name = `篡改e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
  const opinion = `申请材料齐全，予以受理（${name}）。`
  await (await api('fgw-clerk')).act(task.id, 'accept', { opinion })

  const page = await as('qiye')
  await page.goto(`/projects/${v.project.id}`)
  const entry = (text: string) => page.locator('.el-timeline-item').filter({ hasText: text })
  await expect(entry(opinion).locator('[data-test="signature-status"]')).toHaveAttribute('data-sig', 'valid')
  await expect(page.locator('[data-test="signature-status"][data-sig="valid"]')).toHaveCount(1)
  await expect(page.locator('[data-test="signature-broken"]')).toHaveCount(0)

  const changed = `申请材料齐全，予以受理并免于现场核查（${name}）。`
  tamper(server.dataDir, task.id, opinion, changed)
  await page.reload()
  const bad = entry(changed).locator('[data-test="signature-status"]')
  await expect(bad).toHaveAttribute('data-sig', 'invalid')
  await expect(bad).toHaveText('签名无效：记录与签名不符')
  await expect(page.locator('[data-test="signature-status"][data-sig="invalid"]')).toHaveCount(1)
  await expect(page.locator('[data-test="signature-status"][data-sig="valid"]')).toHaveCount(0)
  await expect(page.locator('.sig-bad')).toHaveCount(1)
  await expect(page.locator('.sig-bad')).toContainText(changed)
  const banner = page.locator('[data-test="signature-broken"]')
  await expect(banner).toContainText('有 1 条办理记录与其电子签名不符')
  await bad.hover()
  await expect(page.getByRole('tooltip')).toContainText('可能在签名后被改动')

  // The officer's task page says the same.
  const officer = await as('fgw-clerk')
  await officer.goto(`/tasks/${task.id}`)
  await expect(officer.locator('[data-test="signature-status"][data-sig="invalid"]')).toHaveText('签名无效：记录与签名不符')
})
