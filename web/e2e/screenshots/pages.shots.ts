// The screenshots in docs/screenshots/ (make screenshots): each role's main
// pages at PC 1366×900 and phone 390×844, on the demo data. A page that is
// still a placeholder ("建设中") is skipped and its old picture removed.
import { Api, projectCode, type ProjectViewLite, type TaskLite } from '../support/api'
import { expect, passwordOf, test } from '../support/fixtures'
import type { ServerInfo } from '../support/server'
import { PC, PHONE, shot } from './shot'

/**
 * showcaseProject makes the project page worth a picture: a 住宅房地产类
 * project of qiye with stage 1 submitted and its departments at different
 * points (accepted, in review, approved, still to accept). Made once, on
 * the first call.
 */
let showcase: Promise<ProjectViewLite> | null = null
function showcaseProject(server: ServerInfo): Promise<ProjectViewLite> {
  showcase ??= (async () => {
    const login = (u: string) => Api.login(server.baseURL, u, passwordOf(server, u))
    const qiye = await login('qiye')
    const p = await qiye.post<{ id: string }>('/projects', {
      code: projectCode(7),
      name: '鹭岛智造·集美后溪人才住房项目',
      flow_id: 'residential_real_estate',
      district: '350211',
      address: '集美区后溪镇岩内路以东、后溪大道以北',
      investment: 86000,
      land_area: 42000,
      floor_area: 128000,
      agents: [{ name: '林晓燕', phone: '13800000000' }],
      answers: { land_source: 'transfer', env_category: 'report_form', in_approval_catalog: false, earthwork_m3: 5000 },
    })
    let v = await qiye.project(p.id)
    for (const r of v.current_requirements ?? []) if (r.required) await qiye.upload(p.id, 1, r.code, r.formats)
    v = await qiye.project(p.id)
    await qiye.post(`/projects/${p.id}/stages/1/submit`, { version: v.stages.find((s) => s.number === 1)!.version })
    v = await qiye.project(p.id)
    const tasks = v.tasks ?? []
    // One approved through all its levels, two accepted (one passed on a level), the rest waiting.
    const byLevel = async (t: TaskLite, steps: number) => {
      for (let i = 0; i < steps; i++) {
        const cur = (await qiye.project(p.id)).tasks!.find((x) => x.id === t.id)!
        const role = i === 0 ? 'clerk' : cur.levels[cur.level].role
        const officer = await login(`${t.dept_code.toLowerCase()}-${role}`)
        await officer.act(t.id, i === 0 ? 'accept' : 'approve', { opinion: i === 0 ? '申请材料齐全，符合法定形式，予以受理。' : '经审查，材料符合要求，同意。' })
        await officer.dispose()
      }
    }
    if (tasks[0]) await byLevel(tasks[0], tasks[0].levels.length > 1 ? tasks[0].levels.length : 2)
    if (tasks[1]) await byLevel(tasks[1], 2)
    if (tasks[2]) await byLevel(tasks[2], 1)
    await qiye.dispose()
    return v
  })()
  return showcase
}

/** historyProject is the applicant's demo project with the longest record: the approval map to show. */
async function historyProject(api: Api): Promise<ProjectViewLite> {
  const list = await api.get<{ items: { id: string }[] }>('/projects?limit=200')
  let best: ProjectViewLite | null = null
  for (const p of list.items) {
    const v = await api.project(p.id)
    if (!best || (v.tasks?.length ?? 0) > (best.tasks?.length ?? 0)) best = v
  }
  if (!best) throw new Error('screenshots: qiye has no demo project')
  return best
}

async function firstTask(api: Api): Promise<TaskLite | undefined> {
  const r = await api.get<{ items: TaskLite[] | null }>('/tasks?limit=50&open=true')
  return r.items?.[0]
}

for (const [device, opts] of [
  ['pc', PC],
  ['phone', PHONE],
] as const) {
  const p = device === 'pc' ? '' : 'phone-'

  test.describe(device, () => {
    test.use(opts)

    test(`${device}: login`, async ({ page }) => {
      await page.goto('/login')
      await expect(page.getByRole('heading', { name: '登录', exact: true })).toBeVisible()
      await shot(page, `${p}login`)
    })

    test(`${device}: applicant`, async ({ as, api, server }) => {
      test.setTimeout(300_000)
      const project = await showcaseProject(server)
      const history = await historyProject(await api('qiye'))
      const page = await as('qiye', opts)
      await expect(page.getByRole('heading', { name: '我的项目' })).toBeVisible()
      await shot(page, `${p}projects`)
      if (device === 'phone') {
        await page.getByRole('button', { name: '打开菜单' }).tap()
        await expect(page.getByRole('dialog').getByRole('menuitem', { name: '我的项目' })).toBeVisible()
        await shot(page, `${p}menu`)
        await page.keyboard.press('Escape')
      }

      await page.goto(`/projects/${project.project.id}`)
      await expect(page.getByRole('heading', { name: project.project.name })).toBeVisible()
      // The certificate the approved item issued: shown once its PDF is rendered, not 生成中…
      // (its job may queue behind the demo's own checks and certificates, a minute or two after start).
      await page.waitForLoadState('networkidle')
      const certPdf = page.locator('[data-test="cert-pdf"]')
      if (await certPdf.count()) await expect(certPdf.first()).toHaveText('下载 PDF', { timeout: 150_000 })
      await shot(page, `${p}project`, { height: device === 'pc' ? 1400 : undefined })
      if (device === 'phone') {
        // Further down: the current stage's items, levels and deadlines.
        await page.locator(`[data-stage="${project.project.current_stage}"]`).evaluate((el) => {
          el.scrollIntoView({ block: 'start' })
          window.scrollBy(0, -64)
        })
        await shot(page, `${p}progress`)
      }

      await page.goto(`/projects/${history.project.id}/map`)
      await shot(page, `${p}project-map`)

      if (device === 'pc') {
        // The wizard at the questionnaire, with the live item list beside it.
        await page.goto('/projects/new')
        await page.getByRole('radio', { name: /社会投资工业厂房类/ }).click()
        await page.getByRole('button', { name: '下一步' }).click()
        await page.getByLabel('项目代码').fill('2025-350211-47-03-000777')
        await page.getByLabel('项目名称').fill('鹭岛智造新型电子元器件生产基地')
        await page.getByLabel('建设地点').fill('集美区后溪镇岩内路以东')
        await page.getByLabel('总投资（万元）').fill('18600')
        await page.getByLabel('用地面积（平方米）').fill('45000')
        await page.getByLabel('建筑面积（平方米）').fill('62000')
        await page.getByRole('button', { name: '下一步' }).click()
        await page.locator('[data-question="land_source"]').getByText('以出让方式取得国有建设用地使用权').click()
        await page.locator('[data-question="env_category"]').getByText('编制环境影响报告表').click()
        await expect(page.locator('[data-test="preview"] [data-item="XM-STHJ-002"]')).toBeVisible()
        await shot(page, 'project-new')
      }
    })

    test(`${device}: officer`, async ({ as, api }) => {
      test.setTimeout(240_000)
      const shouli = await api('shouli')
      const task = await firstTask(shouli)
      const page = await as('shouli', opts)
      await page.goto('/todo')
      await shot(page, `${p}todo`)
      if (task) {
        await page.goto(`/tasks/${task.id}`)
        // The materials' text checks done (the page polls): no 文字识别中… in the picture.
        await expect(page.locator('[data-test="materials"]')).toBeVisible()
        await expect(page.locator('[data-test="prereview-ocr-pending"]')).toHaveCount(0, { timeout: 150_000 })
        await shot(page, `${p}task`)
      }
    })

    test(`${device}: lead and supervisor`, async ({ as }) => {
      const lead = await as('qiantou', opts)
      await lead.goto('/lead')
      await shot(lead, `${p}lead-board`)
      const sup = await as('jiancha', opts)
      await sup.goto('/map')
      await shot(sup, `${p}city-map`)
      if (device === 'pc') {
        await sup.goto('/overview')
        await shot(sup, 'overview')
      }
    })

    if (device === 'pc') {
      test('pc: administration', async ({ as }) => {
        const page = await as('xitong', opts)
        for (const [path, name] of [
          ['/admin/users', 'admin-users'],
          ['/admin/departments', 'admin-departments'],
          ['/admin/catalog', 'admin-catalog'],
          ['/admin/calendar', 'admin-calendar'],
        ]) {
          await page.goto(path)
          await shot(page, name)
        }
      })
    }
  })
}
