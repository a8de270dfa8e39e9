// Electronic certificates: the project page's card (PDF once rendered,
// 核验 in a new tab, 撤销 by the issuing department's approver), the
// record download, and the public verification page without a session.
// A certificate is issued when a task of an item whose result is a
// licence, approval or filing is approved at its last level: here
// XM-FGW-001 企业投资项目备案 (a filing) of the small flow's stage 1, which
// 发改委's clerk accepts (受理) and its approver confirms (确认).
import { expect, horizontalOverflow, test } from './support/fixtures'
import { createSubmittedProject, type Api } from './support/api'

/** ISSUING_ITEM is in stage 1 of every project createSubmittedProject makes (SMALL_FLOW). */
const ISSUING_ITEM = 'XM-FGW-001'
/** UNKNOWN is a well-formed number (DEPT-YYYY-NNNNNN) no certificate has; a malformed one is a 400. */
const UNKNOWN = 'FGW-2020-999999'

interface CertLite {
  number: string
  title: string
  status: string
  pdf_ready: boolean
}

/** issue makes a project, approves its 企业投资项目备案 and waits for the one certificate that issues. */
async function issue(api: (u: string) => Promise<Api>, name: string, worker: number) {
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, worker)
  const task = (v.tasks ?? []).find((t) => t.item_code === ISSUING_ITEM)!
  await (await api('fgw-clerk')).act(task.id, 'accept')
  await (await api('fgw-approver')).act(task.id, 'approve')
  let certs: CertLite[] = []
  await expect
    .poll(async () => {
      certs = await qiye.get<CertLite[]>(`/projects/${v.project.id}/certificates`)
      return certs.length
    })
    .toBe(1)
  return { project: v.project, cert: certs[0] }
}

test('the applicant downloads the certificate PDF and the record, and verifies it in a new tab', async ({ as, api }, testInfo) => {
  test.setTimeout(120_000)
  const { project, cert } = await issue(api, `电子证照e2e${testInfo.workerIndex}-${Date.now() % 100000}`, testInfo.workerIndex)

  const page = await as('qiye')
  await page.goto(`/projects/${project.id}`)
  const row = page.locator(`[data-cert="${cert.number}"]`)
  await expect(row).toContainText(cert.title)
  await expect(row.locator('[data-test="cert-status"]')).toHaveText('有效')
  // The PDF button waits for the rendering (polled every 3 s), then downloads.
  const pdf = row.locator('[data-test="cert-pdf"]')
  await expect(pdf).toHaveText('下载 PDF', { timeout: 20_000 })
  const [dl] = await Promise.all([page.waitForEvent('download'), pdf.click()])
  expect(dl.suggestedFilename()).toBe(`${cert.title}-${cert.number}.pdf`)
  // No 撤销 for the applicant.
  await expect(row.locator('[data-test="cert-revoke"]')).toHaveCount(0)

  // The record, named after the project code, with its help.
  const [rec] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="record-download"]').click()])
  expect(rec.suggestedFilename()).toBe(`办件记录-${project.code}.json`)
  const body = JSON.parse(await (await import('node:fs/promises')).readFile((await rec.path())!, 'utf8'))
  expect(body.format).toBe('tongban/record/v1')
  await page.locator('[data-test="record-help"]').click()
  await expect(page.locator('[data-test="record-help-text"]')).toContainText(`tongban ledger verify --record 办件记录-${project.code}.json`)

  // 核验 opens the public page in a new tab: green, the ledger line, and no /me call.
  const [tab] = await Promise.all([page.waitForEvent('popup'), row.locator('[data-test="cert-verify"]').click()])
  const calls: string[] = []
  tab.on('request', (r) => calls.push(new URL(r.url()).pathname))
  await expect(tab).toHaveURL(new RegExp(`/verify/${cert.number}$`))
  const result = tab.locator('[data-test="verify-result"]')
  await expect(result).toHaveAttribute('data-outcome', 'valid')
  await expect(result.locator('[data-test="verify-status"]')).toHaveText('证照有效')
  await expect(result.locator('[data-check="signature"]')).toContainText('验签通过')
  // The inclusion proof needs a checkpoint after the certificate's entry
  // (signed every 10 s while the ledger grows): until then the page says
  // so; reload until it shows the proof.
  await expect(async () => {
    await tab.reload()
    await expect(result).toHaveAttribute('data-outcome', 'valid', { timeout: 5_000 })
    await expect(result).toContainText(/已记入防篡改账本：第 \d+ 条，共 \d+ 条/, { timeout: 2_000 })
  }).toPass({ timeout: 60_000, intervals: [2_000, 3_000, 5_000] })
  expect(calls.filter((p) => p.startsWith('/api/') && !p.startsWith('/api/v1/public/'))).toEqual([])
})

test('the approver revokes a certificate; the public page then says revoked, with the reason', async ({ as, api, browser, server }, testInfo) => {
  test.setTimeout(120_000)
  const { project, cert } = await issue(api, `撤销证照e2e${testInfo.workerIndex}-${Date.now() % 100000}`, testInfo.workerIndex)
  const reason = '建设单位申请变更建设规模，原备案依据已失效。'

  const officer = await as('fgw-approver')
  await officer.goto(`/projects/${project.id}`)
  const row = officer.locator(`[data-cert="${cert.number}"]`)
  await row.locator('[data-test="cert-revoke"]').click()
  const dialog = officer.getByRole('dialog', { name: '撤销电子证照' })
  await expect(dialog).toContainText('撤销后不可恢复')
  // The reason is required.
  await dialog.getByRole('button', { name: '确认撤销' }).click()
  await expect(dialog).toContainText('请填写撤销原因')
  await dialog.locator('[data-test="revoke-reason"]').fill(reason)
  await dialog.getByRole('button', { name: '确认撤销' }).click()
  await expect(row.locator('[data-test="cert-status"]')).toHaveText('已撤销')
  await expect(row.locator('[data-test="cert-revoked"]')).toContainText(reason)
  await expect(row.locator('[data-test="cert-revoke"]')).toHaveCount(0)

  // Anyone, no session, straight from the QR code's address (lower case typed by hand).
  const ctx = await browser.newContext({ baseURL: server.baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await ctx.newPage()
  await page.goto(`/verify/${cert.number.toLowerCase()}`)
  await expect(page).toHaveURL(new RegExp(`/verify/${cert.number}$`))
  const result = page.locator('[data-test="verify-result"]')
  await expect(result).toHaveAttribute('data-outcome', 'revoked')
  await expect(result.locator('[data-test="verify-status"]')).toHaveText('证照已撤销')
  await expect(result.locator('[data-test="verify-revocation"]')).toContainText(reason)
  await ctx.close()
})

test('public verification: bad and unknown numbers, a changed PDF, English, and a phone', async ({ browser, server, api }, testInfo) => {
  test.setTimeout(120_000)
  const { project, cert } = await issue(api, `核验页e2e${testInfo.workerIndex}-${Date.now() % 100000}`, testInfo.workerIndex)
  const qiye = await api('qiye')
  // The issued file, once the job has rendered it (about a second after the approval).
  await expect
    .poll(async () => (await qiye.get<CertLite[]>(`/projects/${project.id}/certificates`))[0].pdf_ready, { timeout: 20_000 })
    .toBe(true)
  const res = await qiye.ctx.get(`/api/v1/certificates/${cert.number}/pdf`)
  expect(res.status()).toBe(200)
  expect(res.headers()['content-type']).toBe('application/pdf')
  const original = Buffer.from(await res.body())

  const ctx = await browser.newContext({ baseURL: server.baseURL, locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const page = await ctx.newPage()
  await page.goto('/verify')
  await expect(page).not.toHaveURL(/\/login/)
  await expect(page.locator('[data-test="verify-title"]')).toHaveText('电子证照核验')

  await page.locator('[data-test="verify-number"]').fill('ABC_1')
  await page.locator('[data-test="verify-query"]').click()
  await expect(page.locator('[data-test="verify-number-error"]')).toContainText('不能含“_”')

  // Characters the page takes but not in the server's form (DEPT-YYYY-NNNNNN): the server's word, in red.
  await page.locator('[data-test="verify-number"]').fill('ABC-1')
  await page.locator('[data-test="verify-query"]').click()
  await expect(page.locator('[data-test="verify-failure"]')).toContainText('证照编号格式不对（如 ZRGH-2026-000001）')
  await expect(page.locator('[data-test="verify-result"]')).toHaveCount(0)

  await page.locator('[data-test="verify-number"]').fill(UNKNOWN)
  await page.locator('[data-test="verify-query"]').click()
  await expect(page.locator('[data-test="verify-result"]')).toHaveAttribute('data-outcome', 'not_found')
  await expect(page.locator('[data-test="verify-status"]')).toHaveText('未找到该编号')

  // The issued PDF: valid and the same file; one byte changed: altered.
  await page.getByRole('tab', { name: '上传文件核验' }).click()
  await page.locator('[data-test="verify-file"]').setInputFiles({ name: 'cert.pdf', mimeType: 'application/pdf', buffer: original })
  await expect(page.locator('[data-test="verify-result"]')).toHaveAttribute('data-outcome', 'valid')
  await expect(page.locator('[data-check="file"]')).toContainText('文件与签发的原件一致')
  const changed = Buffer.from(original)
  changed[changed.length - 10] ^= 1
  await page.locator('[data-test="verify-file"]').setInputFiles({ name: 'cert.pdf', mimeType: 'application/pdf', buffer: changed })
  await expect(page.locator('[data-test="verify-result"]')).toHaveAttribute('data-outcome', 'invalid')
  await expect(page.locator('[data-check="file"]')).toContainText('文件已被改动')
  // Too large, checked before sending.
  await page.locator('[data-test="verify-file"]').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(21 * 1024 * 1024, 0x25) }, { timeout: 60_000 })
  await expect(page.locator('[data-test="verify-file-error"]')).toContainText('超过 20 MB')
  expect(await horizontalOverflow(page)).toBe(0)

  // English.
  await page.getByRole('button', { name: '语言' }).click()
  await page.getByRole('menuitem', { name: 'English' }).click()
  await page.goto(`/verify/${cert.number}`)
  await expect(page.locator('[data-test="verify-status"]')).toHaveText('Certificate valid')
  await ctx.close()
})

test('a logged-in person on the verification page stays there and sends no session', async ({ as }) => {
  const page = await as('qiye')
  const calls: { path: string; cookie: boolean }[] = []
  page.on('request', (r) => calls.push({ path: new URL(r.url()).pathname, cookie: !!r.headers()['cookie'] }))
  await page.goto(`/verify/${UNKNOWN}`)
  await expect(page.locator('[data-test="verify-result"]')).toHaveAttribute('data-outcome', 'not_found')
  const api = calls.filter((c) => c.path.startsWith('/api/'))
  expect(api.map((c) => c.path)).toEqual([`/api/v1/public/certificates/${UNKNOWN}`])
  expect(api.every((c) => !c.cookie)).toBe(true)
})
