// Material pre-review (预审, issue 5) where users meet it: the upload
// answers with the findings and the page shows them at once beside the
// material, with a thumbnail of the page (its image from the server) and
// the regions drawn on it; a file that is not what its name says is
// refused by the upload itself (400, before any pre-review) and the page
// says why; the text checks shown as running, then done or plainly not
// performed; 重新检查; the officer sees the same findings on the task page
// and in the preview; a phone's 390 px take it all without sideways
// scrolling.
import type { Page, Response } from '@playwright/test'
import { expect, horizontalOverflow, test } from './support/fixtures'
import { createSubmittedProject, LEAD_FLOW, projectCode, SMALL_ANSWERS, SMALL_FLOW, type Api } from './support/api'
import { CONTRACT, contractPdf } from './support/documents'
import { fileFor } from './support/files'
import { openFromTodo } from './support/officer'

/** SEALED is a required material of SMALL_FLOW's stage 1 that must bear a seal (PDF only). */
const SEALED = 'XM-STHJ-003-DJB'
/** CONTRACT_CODE needs a seal and a 骑缝章: in LEAD_FLOW's stage 1 when the land is transferred. */
const CONTRACT_CODE = 'M-CRHT'

interface FindingLite {
  code: string
  severity: string
  page?: number
  region?: [number, number, number, number]
}
interface CheckLite {
  status: string
  ocr: string
  report?: { findings?: FindingLite[]; page_info?: { page: number; width: number; height: number }[] }
}
interface MaterialLite {
  id: string
  material_code: string
  version: number
  check?: CheckLite
}

async function newProject(qiye: Api, worker: number, flow = SMALL_FLOW, answers: Record<string, unknown> = {}): Promise<string> {
  const p = await qiye.post<{ id: string }>('/projects', {
    code: projectCode(worker),
    name: `预审e2e${worker}-${Date.now() % 100000}`,
    flow_id: flow,
    district: '350211',
    address: '集美区后溪镇岩内路以东',
    investment: 3200,
    land_area: 12000,
    floor_area: 8600,
    answers: { ...SMALL_ANSWERS, ...answers },
  })
  return p.id
}

/** upload picks file for a material through its 上传 button and returns the server's answer. */
async function upload(page: Page, code: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<Response> {
  const row = page.locator(`[data-test="materials"] [data-material="${code}"]`)
  const answer = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/materials/${encodeURIComponent(code)}`))
  const chooser = page.waitForEvent('filechooser')
  await row.getByRole('button', { name: /^(重新)?上传$/ }).click()
  await (await chooser).setFiles(file)
  return answer
}

/** imageLoaded waits until an <img> has decoded a picture (not a broken image). */
async function imageLoaded(img: ReturnType<Page['locator']>) {
  await expect(img).toBeVisible()
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0)
}

test('applicant: a text file named .pdf is refused; an unsealed PDF shows seal_missing at once with its page; 重新检查', async ({ as, api }, testInfo) => {
  test.setTimeout(120_000)
  const qiye = await api('qiye')
  const id = await newProject(qiye, testInfo.workerIndex)
  const page = await as('qiye')
  await page.goto(`/projects/${id}`)
  const row = page.locator(`[data-test="materials"] [data-material="${SEALED}"]`)
  // Required and not uploaded: marked 缺 before anything is sent.
  await expect(row.locator('[data-test="material-missing"]')).toHaveText('缺')
  await expect(row.getByText('需盖章')).toBeVisible()

  // 1. A text file named .pdf: the server reads the content and refuses the upload (400, nothing
  //    stored, no pre-review); the page says why at once and beside the material, which stays 缺.
  const refused = await upload(page, SEALED, { name: 'not-a-pdf.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is plain text, not a PDF\n') })
  expect(refused.status()).toBe(400)
  expect((await refused.json()).key).toBe('blob.format_not_allowed')
  const why = '文件内容为纯文本，不是本材料允许的格式（PDF）'
  await expect(page.locator('.el-message').filter({ hasText: why })).toBeVisible()
  const note = row.locator('[data-test="material-refused"]')
  await expect(note).toHaveText(`“not-a-pdf.pdf”未能上传：${why}`)
  await expect(row.locator('[data-test="material-missing"]')).toBeVisible()
  await expect(row.locator('[data-test="prereview"]')).toHaveCount(0)
  expect((await qiye.get<{ materials: MaterialLite[] | null }>(`/projects/${id}`)).materials ?? []).toEqual([])
  // The note outlasts the message.
  await expect(page.locator('.el-message').filter({ hasText: why })).toBeHidden({ timeout: 10_000 })
  await expect(note).toBeVisible()
  // A name the material does not take is refused before anything is sent.
  let sent = 0
  page.on('request', (r) => void (r.method() === 'PUT' && r.url().includes('/materials/') && sent++))
  const chooser = page.waitForEvent('filechooser')
  await row.getByRole('button', { name: '上传' }).click()
  await (await chooser).setFiles({ name: '登记表.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04') })
  await expect(note).toHaveText('“登记表.docx”的格式不符合要求，应为：PDF')
  expect(sent).toBe(0)

  // 2. A real one-page PDF without the seal it needs: the upload answers with the check, the
  //    page shows seal_missing on page 1 at once (from the answer, before any poll).
  const file = fileFor(SEALED, ['pdf'])
  const t0 = Date.now()
  const answer = await upload(page, SEALED, file)
  expect(answer.status()).toBe(201)
  const m = (await answer.json()) as MaterialLite
  expect(m.check?.status).toBe('done')
  expect(m.check?.report?.findings?.map((f) => f.code)).toContain('seal_missing')
  const findings = row.locator('[data-test="prereview"]')
  const seal = findings.locator('li[data-code="seal_missing"]')
  await expect(seal).toBeVisible({ timeout: 5_000 })
  const shownAfter = Date.now() - t0
  testInfo.annotations.push({ type: 'seal_missing shown', description: `${shownAfter} ms from 上传 to the finding on the page` })
  await expect(page.getByText(`“${file.name}”已上传（第 1 版），预审发现 1 个问题，请查看材料旁的说明`)).toBeVisible()
  await expect(seal).toContainText('第 1 页')
  await expect(seal).toContainText('未检测到红色公章')
  await expect(seal.locator('.el-tag')).toHaveText('错误')
  await expect(findings).toHaveAttribute('data-prereview', 'problems')
  await expect(findings.locator('[data-test="prereview-summary"]')).toHaveText('1 个问题')
  await expect(row.locator('[data-test="material-missing"]')).toHaveCount(0)
  await expect(note).toHaveCount(0)

  // The thumbnail of page 1: the server's page image, loaded.
  const thumb = findings.locator('.thumb[data-page="1"]')
  const img = thumb.locator('img')
  expect(await img.getAttribute('src')).toBe(`/api/v1/materials/${m.id}/pages/1`)
  await imageLoaded(img)
  const pageImg = await page.request.get(`/api/v1/materials/${m.id}/pages/1`)
  expect(pageImg.headers()['content-type']).toBe('image/png')
  // Enlarged: the page with its findings.
  await thumb.click()
  const zoom = page.locator('.mf-zoom')
  await expect(zoom.getByText('第 1 页 / 共 1 页')).toBeVisible()
  await imageLoaded(zoom.locator('.zframe img'))
  await expect(zoom.locator('li.error')).toContainText('未检测到红色公章')
  await page.keyboard.press('Escape')
  await expect(zoom).toBeHidden()

  // 3. The text checks: running, then done (the page polls) or plainly not performed — the
  //    summary never turns to 预审通过 on the way.
  await expect(findings.locator('[data-test="prereview-ocr-pending"]')).toBeHidden({ timeout: 30_000 })
  const ocrNote = findings.locator('[data-test="prereview-ocr-note"]')
  if (await ocrNote.isVisible()) await expect(ocrNote).toContainText('不代表已通过')
  await expect(findings.locator('[data-test="prereview-summary"]')).toHaveText('1 个问题')

  // 4. 重新检查: the fast checks answer at once; the findings stay.
  const again = page.waitForResponse((r) => r.url().endsWith(`/materials/${m.id}/recheck`))
  await findings.locator('[data-test="prereview-recheck"]').click()
  expect((await again).status()).toBe(200)
  await expect(page.getByText('已重新检查')).toBeVisible()
  await expect(seal).toBeVisible()
  await expect(findings).toHaveAttribute('data-prereview', 'problems')
  await expect(findings.locator('[data-test="prereview-ocr-pending"]')).toBeHidden({ timeout: 30_000 })
  await expect(seal).toBeVisible()
})

test('applicant: a sealed contract without its 骑缝章 on the last page: the seal and the missing slice drawn on the page', async ({ as, api, browser }, testInfo) => {
  test.setTimeout(120_000)
  const qiye = await api('qiye')
  const id = await newProject(qiye, testInfo.workerIndex, LEAD_FLOW, { land_source: 'transfer' })
  const page = await as('qiye')
  await page.goto(`/projects/${id}`)
  const row = page.locator(`[data-test="materials"] [data-material="${CONTRACT_CODE}"]`)
  await expect(row.getByText('需骑缝章')).toBeVisible()

  const answer = await upload(page, CONTRACT_CODE, await contractPdf(browser))
  expect(answer.status()).toBe(201)
  const m = (await answer.json()) as MaterialLite
  const codes = (m.check?.report?.findings ?? []).filter((f) => f.severity !== 'info').map((f) => `${f.code}@${f.page}`)
  // The round seal is found (no seal_missing); only the last page lacks its slice.
  expect(codes).toEqual([`perforation_seal_missing@${CONTRACT.missingSlicePage}`])
  const finding = m.check!.report!.findings!.find((f) => f.code === 'perforation_seal_missing')!
  const info = m.check!.report!.page_info!.find((p) => p.page === CONTRACT.missingSlicePage)!
  expect(finding.region).toBeTruthy()

  const findings = row.locator('[data-test="prereview"]')
  await expect(findings.locator('li[data-code="perforation_seal_missing"]')).toContainText(`第 ${CONTRACT.missingSlicePage} 页`)
  await expect(findings.locator('li[data-code="seal_missing"]')).toHaveCount(0)
  // One thumbnail (the page with a finding), the seal found in green and the expected slice
  // dashed, placed where the report says on the page image.
  await expect(findings.locator('.thumb')).toHaveCount(1)
  const thumb = findings.locator(`.thumb[data-page="${CONTRACT.missingSlicePage}"]`)
  await imageLoaded(thumb.locator('img'))
  await expect(thumb.locator('.ov.seal')).toHaveCount(1)
  const expected = thumb.locator('.ov.expected')
  await expect(expected).toHaveCount(1)
  const frame = (await thumb.locator('.frame').boundingBox())!
  const box = (await expected.boundingBox())!
  const [x0, y0, x1, y1] = finding.region!
  // Within 2 px of the region scaled onto the thumbnail (borders and rounding).
  expect(Math.abs(box.x - frame.x - (x0 / info.width) * frame.width)).toBeLessThan(2)
  expect(Math.abs(box.y - frame.y - (y0 / info.height) * frame.height)).toBeLessThan(2)
  expect(Math.abs(box.width - ((x1 - x0) / info.width) * frame.width)).toBeLessThan(2)
  expect(Math.abs(box.height - ((y1 - y0) / info.height) * frame.height)).toBeLessThan(2)
  // The expected slice is at the page's right edge.
  expect(box.x + box.width).toBeGreaterThan(frame.x + frame.width - 3)

  await thumb.click()
  const zoom = page.locator('.mf-zoom')
  await expect(zoom.getByText(`第 ${CONTRACT.missingSlicePage} 页 / 共 ${CONTRACT.pages} 页`)).toBeVisible()
  await imageLoaded(zoom.locator('.zframe img'))
  await expect(zoom.locator('.legend')).toContainText('识别到的印章')
  await expect(zoom.locator('.legend')).toContainText('应有印章的位置')
  await expect(zoom.locator('.zframe .ov.seal')).toHaveCount(1)
  await expect(zoom.locator('.zframe .ov.expected')).toHaveCount(1)
})

test('officer: the same findings on the task page and in the preview, with 重新检查', async ({ as, api }, testInfo) => {
  test.setTimeout(150_000)
  const qiye = await api('qiye')
  // createSubmittedProject uploads unsealed PDFs: every sealed material has seal_missing.
  const v = await createSubmittedProject(qiye, `预审办件e2e${testInfo.workerIndex}-${Date.now() % 100000}`, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.item_code === 'XM-STHJ-003')!
  const officer = await as('sthj-clerk')
  await openFromTodo(officer, v.project.code, task.item_name)

  // What the applicant saw, from the API, against the task page.
  const view = await qiye.get<{ materials: MaterialLite[] }>(`/projects/${v.project.id}`)
  const m = view.materials.find((x) => x.material_code === SEALED)!
  const want = (m.check?.report?.findings ?? []).filter((f) => f.code !== 'ocr_pending' && f.code !== 'ocr_unavailable')
  expect(want.map((f) => f.code)).toContain('seal_missing')

  const row = officer.locator(`[data-test="materials"] [data-material="${SEALED}"]`)
  const findings = row.locator('[data-test="prereview"]')
  await expect(findings).toHaveAttribute('data-prereview', 'problems')
  await expect(findings.locator('li[data-code]')).toHaveCount(want.length)
  for (const f of want) await expect(findings.locator(`li[data-code="${f.code}"]`)).toBeVisible()
  await imageLoaded(findings.locator('.thumb[data-page="1"] img'))

  // The preview: the document and the same findings beside it.
  await row.locator('[data-test="preview-open"]').click()
  const preview = officer.locator('[data-test="preview"]')
  await expect(preview.locator('[data-test="preview-pdf"]')).toBeVisible()
  await expect(preview.locator('[data-test="prereview"] li[data-code="seal_missing"]')).toBeVisible()
  await officer.keyboard.press('Escape')
  await expect(preview).toBeHidden()

  // The department's officer may check again.
  const again = officer.waitForResponse((r) => r.url().endsWith(`/materials/${m.id}/recheck`))
  await findings.locator('[data-test="prereview-recheck"]').click()
  expect((await again).status()).toBe(200)
  await expect(officer.getByText('已重新检查')).toBeVisible()
  await expect(findings.locator('li[data-code="seal_missing"]')).toBeVisible()
})

test('phone: findings, thumbnail and the enlarged page fit 390 px without sideways scrolling', async ({ as, api, browser }, testInfo) => {
  test.setTimeout(120_000)
  const qiye = await api('qiye')
  const id = await newProject(qiye, testInfo.workerIndex, LEAD_FLOW, { land_source: 'transfer' })
  await qiye.upload(id, 1, SEALED, ['pdf'])
  const page = await as('qiye', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  await page.goto(`/projects/${id}`)
  // The phone uploads too: a refused file (said beside the material), then the contract, with its regions.
  const refused = await upload(page, 'M-HXT', { name: '用地红线图及界址坐标（文字说明，并非图纸文件）.pdf', mimeType: 'application/pdf', buffer: Buffer.from('plain text\n') })
  expect(refused.status()).toBe(400)
  await expect(page.locator('[data-material="M-HXT"] [data-test="material-refused"]')).toBeVisible()
  await upload(page, CONTRACT_CODE, await contractPdf(browser))
  const row = page.locator(`[data-test="materials"] [data-material="${CONTRACT_CODE}"]`)
  const findings = row.locator('[data-test="prereview"]')
  await expect(findings.locator('li[data-code="perforation_seal_missing"]')).toBeVisible()
  await imageLoaded(findings.locator('.thumb img').first())
  await expect(page.locator(`[data-material="${SEALED}"] li[data-code="seal_missing"]`)).toBeVisible()
  await row.scrollIntoViewIfNeeded()
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
  // Every finding's text, and the refusal, stays inside its row.
  for (const [r, inner] of [
    [row, findings.locator('li[data-code]')],
    [page.locator('[data-material="M-HXT"]'), page.locator('[data-material="M-HXT"] [data-test="material-refused"]')],
  ] as const) {
    const rowBox = (await r.boundingBox())!
    for (const el of await inner.all()) {
      const b = (await el.boundingBox())!
      expect(b.x + b.width).toBeLessThanOrEqual(rowBox.x + rowBox.width + 0.5)
    }
  }
  // The enlarged page is full screen and fits too.
  await findings.locator('.thumb').first().tap()
  const zoom = page.locator('.mf-zoom')
  await expect(zoom).toBeVisible()
  await imageLoaded(zoom.locator('.zframe img'))
  const z = (await zoom.locator('.zframe').boundingBox())!
  expect(z.x).toBeGreaterThanOrEqual(0)
  expect(z.x + z.width).toBeLessThanOrEqual(390)
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
})
