// The supervisor (效能监察): the overview's counts match the API, the
// overdue and warning list narrows by level and department and leads to the
// project; the city's approval map draws its chart and table, regroups by
// stage, item and department, and says what is wrong with a bad period.
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './support/fixtures'
import { createSubmittedProject, type Api, type TaskLite } from './support/api'

interface DurationsLite {
  groups: { key: string; name: string; count: number }[] | null
}

/** counts is what the overview should say, read from the API the same way the page reads it. */
async function counts(sup: Api) {
  const total = async (state?: string) => (await sup.get<{ total: number }>(`/projects?limit=1${state ? `&state=${state}` : ''}`)).total
  const [all, active, completed, stopped, withdrawn] = await Promise.all([total(), total('active'), total('completed'), total('stopped'), total('withdrawn')])
  const tasks = (await sup.get<{ items: TaskLite[] | null }>('/tasks?open=true&limit=1000')).items ?? []
  const running = tasks.filter((t) => t.clock && !t.clock.paused)
  return {
    projects: { 项目总数: all, 办理中: active, 已办结: completed, 已终止: stopped, 已撤回: withdrawn },
    tasks: {
      在办: tasks.length,
      逾期: running.filter((t) => t.clock!.state === 'overdue').length,
      预警: running.filter((t) => t.clock!.state === 'warning').length,
      未受理: tasks.filter((t) => !t.clock).length,
    },
  }
}

/** stat is the number on one of the overview's count cards. */
function stat(box: Locator, label: string): Locator {
  return box.locator('.stat').filter({ has: box.page().locator('.lbl', { hasText: new RegExp(`^${label}$`) }) }).locator('.num')
}

test('supervisor overview: counts as the API says, the warning list by level and department, on to the project', async ({ as, api }, testInfo) => {
  // An item of our own in warning: 发改委's one-day item, accepted (the suite runs with --warn 1d).
  const name = `效能监察e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const v = await createSubmittedProject(await api('qiye'), name, testInfo.workerIndex)
  const fgw = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
  const accepted = await (await api('fgw-clerk')).act(fgw.id, 'accept', { opinion: '申请材料齐全，予以受理。' })
  expect(accepted.clock?.state).toBe('warning')
  const jc = await api('jiancha')

  const page = await as('jiancha')
  await expect(page).toHaveURL(/\/overview$/)
  await expect(page.getByRole('heading', { name: '项目总览' })).toBeVisible()
  const projectStats = page.locator('[data-test="project-stats"]')
  const taskStats = page.locator('[data-test="task-stats"]')

  // The cards say what the API says. Other tests add projects and items meanwhile:
  // read the API, refresh the page, compare; again until a quiet moment.
  await expect(async () => {
    const want = await counts(jc)
    await page.getByRole('button', { name: '刷新' }).click()
    for (const [label, n] of Object.entries(want.projects)) await expect(stat(projectStats, label)).toHaveText(String(n), { timeout: 2000 })
    for (const [label, n] of Object.entries(want.tasks)) await expect(stat(taskStats, label)).toHaveText(String(n), { timeout: 2000 })
  }).toPass({ timeout: 30_000 })
  expect(Number(await stat(taskStats, '预警').textContent())).toBeGreaterThanOrEqual(1)

  // The list of overdue and warning items: ours is there, in warning, with its due date.
  const urgent = page.locator('[data-test="urgent-table"]')
  const ours = urgent.getByRole('row').filter({ hasText: name })
  await expect(ours).toContainText(fgw.item_name)
  await expect(ours).toContainText('部门受理')
  await expect(ours).toContainText(`到期日 ${accepted.clock!.due}`)
  // Only overdue: ours goes (none of the suite's items can be overdue yet); only warnings: back.
  await choose(page, /^逾期（\d+）$/)
  await expect(ours).toHaveCount(0)
  await choose(page, /^预警（\d+）$/)
  await expect(ours).toHaveCount(1)
  // One department: picked from the department table, the list keeps only its items.
  const deptTable = page.locator('.dept-card')
  await deptTable.getByRole('row').filter({ hasText: '发改委' }).click()
  await expect(urgent.locator('tbody tr').filter({ hasNotText: '发改委' })).toHaveCount(0)
  await expect(ours).toHaveCount(1)
  await deptTable.getByRole('row').filter({ hasText: '发改委' }).click()

  // On to the project, read-only.
  await ours.getByRole('link', { name }).click()
  await expect(page).toHaveURL(new RegExp(`/projects/${v.project.id}$`))
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await expect(page.locator(`[data-task="${fgw.item_code}"]`)).toContainText('部门受理')
})

test('city approval map: chart and table, grouping by stage, item and department, a bad period explained', async ({ as, api }) => {
  const jc = await api('jiancha')
  const page = await as('jiancha')
  await page.getByRole('menuitem', { name: '审批地图' }).click()
  await expect(page).toHaveURL(/\/map$/)
  await expect(page.getByRole('heading', { name: '审批地图 · 全市时效' })).toBeVisible()
  const from = await page.getByPlaceholder('开始日期').inputValue()
  const to = await page.getByPlaceholder('结束日期').inputValue()
  expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(to).toMatch(/^\d{4}-\d{2}-\d{2}$/)

  const table = page.locator('[data-test="duration-table"]')
  const overall = page.locator('[data-test="overall"]')
  await expect(overall).toContainText(/^全部 \d+ 件：平均/)
  await expect(page.locator('canvas').first()).toBeVisible()
  await expect(page.getByText('平均与 90 分位用时')).toBeVisible()

  // Each grouping: the first column names it, and every group the API has is a row (others
  // may have finished more since, so at least those).
  const groupings: [string, string, string][] = [
    ['按阶段', 'stage', '阶段'],
    ['按事项', 'item', '事项'],
    ['按部门', 'dept', '部门'],
  ]
  for (const [button, by, column] of groupings) {
    const want = (await jc.get<DurationsLite>(`/stats/durations?from=${from}&to=${to}&by=${by}`)).groups ?? []
    expect(want.length).toBeGreaterThan(0)
    if (by !== 'stage') {
      await choose(page, button)
      await expect(page).toHaveURL(new RegExp(`[?&]by=${by}(&|$)`))
    }
    await expect(table.locator('thead th').first()).toHaveText(column)
    const names = table.locator('tbody tr td:first-child .cell > span:first-child')
    await expect.poll(() => names.allTextContents()).toEqual(expect.arrayContaining(want.map((g) => g.name)))
    await expect(table.locator('tbody')).toContainText('最慢')
  }

  // A bad period (a shared link, edited by hand) is explained, with nothing drawn.
  await badPeriod(page, 'from=2026-06-01&to=2026-01-01', '开始日期不能晚于结束日期')
  await badPeriod(page, 'from=2020-01-01&to=2024-06-30', '统计期最长 3 年')
  await badPeriod(page, 'from=2026-02-30&to=2026-03-31', '请选择有效的开始和结束日期')
  // Picking a period from the shortcuts puts it right.
  await page.getByPlaceholder('开始日期').click()
  await page.getByText('近 12 个月', { exact: true }).click()
  await expect(page.locator('[data-test="problem"]')).toBeHidden()
  await expect(overall).toContainText(/^全部 \d+ 件/)
  await expect(table).toBeVisible()
})

/** choose picks an Element Plus radio button by its text (its own input sits under the label's text). */
async function choose(page: Page, name: string | RegExp) {
  await page.locator('label.el-radio-button').filter({ hasText: name }).click()
  await expect(page.getByRole('radio', { name })).toBeChecked()
}

async function badPeriod(page: Page, query: string, message: string) {
  await page.goto(`/map?by=dept&${query}`)
  await expect(page.getByRole('heading', { name: '审批地图 · 全市时效' })).toBeVisible()
  await expect(page.locator('[data-test="problem"]')).toContainText(message)
  await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible()
  await expect(page.locator('[data-test="duration-table"]')).toHaveCount(0)
  await expect(page.locator('[data-test="overall"]')).toHaveCount(0)
}
