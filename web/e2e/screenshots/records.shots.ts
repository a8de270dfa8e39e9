// The screenshots of signed records, certificates and material pre-review
// (make screenshots, docs/screenshots/): a decision signed with a
// handwritten signature (the green tag, its tooltip and the drawing) and
// the certificate it issued on the project page, the public verification
// page of that certificate (PC and phone, no session), an officer's
// signing keys on the account page, and a material's pre-review with the
// page thumbnail and its regions (PC, the enlarged page, phone).
import type { Browser } from '@playwright/test'
import { Api, createSubmittedProject, LEAD_FLOW, projectCode, SMALL_ANSWERS, type ProjectViewLite, type TaskLite } from '../support/api'
import { contractPdf, sealedPdf, type UploadFile } from '../support/documents'
import { fileFor } from '../support/files'
import { expect, passwordOf, test } from '../support/fixtures'
import type { ServerInfo } from '../support/server'
import { PC, PHONE, shot } from './shot'

const login = (server: ServerInfo, u: string) => Api.login(server.baseURL, u, passwordOf(server, u))

/** signaturePng draws a handwritten signature (王明 and a flourish) as a transparent PNG data URL. */
async function signaturePng(browser: Browser): Promise<string> {
  const strokes = [
    'M40,52 Q62,46 86,50',
    'M44,82 Q64,77 84,80',
    'M36,118 Q64,110 96,114',
    'M63,44 Q66,80 62,116',
    'M118,56 L116,110 M118,56 Q138,52 140,60 L138,104 Q128,106 120,104 M120,80 Q130,78 138,80',
    'M158,46 Q156,90 146,128 M158,46 Q186,40 188,52 Q190,96 184,122 Q178,130 170,120 M160,74 Q172,72 186,72 M158,98 Q172,96 186,96',
    'M206,96 C232,40 250,40 246,86 C244,120 270,120 290,70 C300,48 316,54 312,84 C308,116 340,110 372,82 Q400,64 440,72',
  ]
  const ctx = await browser.newContext({ viewport: { width: 480, height: 160 } })
  try {
    const page = await ctx.newPage()
    await page.setContent(
      `<body style="margin:0;background:transparent"><svg width="480" height="160" viewBox="0 0 480 160"><g fill="none" stroke="#1b1f2a" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round">${strokes.map((d) => `<path d="${d}"/>`).join('')}</g></svg></body>`,
    )
    return `data:image/png;base64,${(await page.screenshot({ omitBackground: true })).toString('base64')}`
  } finally {
    await ctx.close()
  }
}

interface Signed {
  project: ProjectViewLite['project']
  task: TaskLite
  cert: { number: string; title: string }
}

/**
 * signedProject: a project of qiye whose 企业投资项目备案 (XM-FGW-001) fgw-clerk
 * accepted and fgw-approver approved, both with a handwritten signature,
 * which issued a certificate (waited for until its PDF is rendered); then
 * fgw-clerk rotated their key, so the account page lists two. Made once.
 */
let signed: Promise<Signed> | null = null
function signedProject(server: ServerInfo, browser: Browser): Promise<Signed> {
  signed ??= (async () => {
    const qiye = await login(server, 'qiye')
    const v = await createSubmittedProject(qiye, '鹭岛智造·后溪精密零部件厂房项目', 8)
    const task = (v.tasks ?? []).find((t) => t.item_code === 'XM-FGW-001')!
    const handwriting = await signaturePng(browser)
    const clerk = await login(server, 'fgw-clerk')
    await clerk.act(task.id, 'accept', { opinion: '申请材料齐全，符合法定形式，予以受理。', handwriting })
    const approver = await login(server, 'fgw-approver')
    await approver.act(task.id, 'approve', { opinion: '经审查，项目符合产业政策和备案条件，予以备案。', handwriting })
    // The PDF's job may queue behind the demo's own checks and certificates (a minute or two after start).
    let certs: { number: string; title: string; pdf_ready: boolean }[] = []
    await expect
      .poll(async () => (certs = await qiye.get(`/projects/${v.project.id}/certificates`)).length === 1 && certs[0].pdf_ready, { timeout: 150_000 })
      .toBe(true)
    // …and the issue under a signed checkpoint (every 10 s, behind the same queue): 第 N 条，共 M 条.
    await expect
      .poll(async () => (await qiye.get<{ ledger?: { included: boolean } }>(`/public/certificates/${certs[0].number}`)).ledger?.included, { timeout: 150_000 })
      .toBe(true)
    await clerk.post('/keys/rotate', { owner: 'me' })
    await Promise.all([qiye.dispose(), clerk.dispose(), approver.dispose()])
    return { project: v.project, task, cert: certs[0] }
  })()
  return signed
}

/**
 * checkedProject: a 社会投资工业厂房类 project of qiye on transferred land,
 * its stage-1 materials uploaded: the sealed ones as sealed forms (they
 * pass), the land transfer contract without its 骑缝章 on the last page
 * (a finding with the seal and the expected slice drawn), the rest plain;
 * waited for until every text check has finished. Made once.
 */
let checked: Promise<ProjectViewLite> | null = null
function checkedProject(server: ServerInfo, browser: Browser): Promise<ProjectViewLite> {
  checked ??= (async () => {
    const qiye = await login(server, 'qiye')
    const p = await qiye.post<{ id: string }>('/projects', {
      code: projectCode(9),
      name: '鹭岛智造·后溪精密零部件厂房项目（二期）',
      flow_id: LEAD_FLOW,
      district: '350211',
      address: '集美区后溪镇岩内路以东',
      investment: 18600,
      land_area: 45000,
      floor_area: 62000,
      answers: { ...SMALL_ANSWERS, land_source: 'transfer' },
    })
    let v = await qiye.project(p.id)
    type Req = NonNullable<ProjectViewLite['current_requirements']>[number] & { seal_required?: boolean; straddle_seal_required?: boolean }
    for (const r of (v.current_requirements ?? []) as Req[]) {
      if (!r.required) continue
      let file: UploadFile
      if (r.straddle_seal_required) file = await contractPdf(browser)
      else if (r.seal_required && (r.formats ?? []).includes('pdf')) file = await sealedPdf(browser, r.name)
      else file = fileFor(r.code, r.formats)
      await qiye.upload(p.id, 1, r.code, r.formats, file)
    }
    await expect
      .poll(async () => {
        const ms = (await qiye.get<{ materials: { check?: { ocr?: string } }[] | null }>(`/projects/${p.id}`)).materials ?? []
        return ms.length > 0 && ms.every((m) => m.check?.ocr !== 'pending')
      }, { timeout: 150_000 })
      .toBe(true)
    v = await qiye.project(p.id)
    await qiye.dispose()
    return v
  })()
  return checked
}

for (const [device, opts] of [
  ['pc', PC],
  ['phone', PHONE],
] as const) {
  const p = device === 'pc' ? '' : 'phone-'

  test.describe(device, () => {
    test.use(opts)

    test(`${device}: certificate verification`, async ({ browser, server }) => {
      test.setTimeout(300_000)
      const { cert } = await signedProject(server, browser)
      // Anyone, no session: the QR code's address.
      const ctx = await browser.newContext({ ...opts, baseURL: server.baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      const page = await ctx.newPage()
      await page.goto(`/verify/${cert.number}`)
      await expect(page.locator('[data-test="verify-result"]')).toHaveAttribute('data-outcome', 'valid')
      await shot(page, `${p}verify`, { height: device === 'pc' ? 1160 : undefined })
      await ctx.close()
    })

    test(`${device}: pre-review`, async ({ as, browser, server }) => {
      test.setTimeout(300_000)
      const v = await checkedProject(server, browser)
      const page = await as('qiye', opts)
      await page.goto(`/projects/${v.project.id}`)
      const row = page.locator('[data-test="materials"] [data-material="M-CRHT"]')
      await expect(row.locator('li[data-code="perforation_seal_missing"]')).toBeVisible()
      // The thumbnails load lazily, once in view.
      await row.scrollIntoViewIfNeeded()
      await expect.poll(() => row.locator('.thumb img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0)
      if (device === 'pc') {
        // The contract at the bottom of the window, the materials that passed above it.
        await row.evaluate((el) => {
          el.scrollIntoView({ block: 'end' })
          window.scrollBy(0, 16)
        })
        await shot(page, 'prereview')
      } else {
        await shot(page, `${p}prereview`, { at: row })
      }
      if (device === 'pc') {
        await row.locator('.thumb').first().click()
        const zoom = page.locator('.mf-zoom')
        await expect.poll(() => zoom.locator('.zframe img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0)
        await shot(page, 'prereview-page')
      }
    })

    if (device === 'pc') {
      test('pc: signed decision, certificates card, signing keys', async ({ as, browser, server }) => {
        test.setTimeout(300_000)
        const { project, task, cert } = await signedProject(server, browser)
        // The applicant's project page: the certificate issued.
        const app = await as('qiye', opts)
        await app.goto(`/projects/${project.id}`)
        const card = app.locator('[data-test="certificates"]')
        await expect(card.locator(`[data-cert="${cert.number}"] [data-test="cert-pdf"]`)).toHaveText('下载 PDF', { timeout: 20_000 })
        await shot(app, 'certificates', { at: card })

        // The task's record: both decisions signed and verified, the drawing beside each.
        const officer = await as('fgw-approver', opts)
        await officer.goto(`/tasks/${task.id}`)
        const tag = officer.locator('[data-test="signature-status"][data-sig="valid"]').first()
        await expect(tag).toHaveText(/已签名 · 验签通过/)
        await expect.poll(() => officer.locator('[data-test="handwriting"] img').first().evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0)
        const history = tag.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " el-card ")][1]')
        await history.evaluate((el) => {
          el.scrollIntoView({ block: 'start' })
          window.scrollBy(0, -120)
        })
        await shot(officer, 'signature')

        // The officer's keys: the active one and the one rotated out, which still verifies what it signed.
        const clerk = await as('fgw-clerk', opts)
        await clerk.goto('/account')
        await expect(clerk.locator('[data-test="my-keys"] [data-test="key-card"], [data-test="my-keys"] .el-table__row')).toHaveCount(2)
        await shot(clerk, 'account-keys', { at: clerk.locator('[data-test="my-keys"]') })
      })
    }
  })
}
