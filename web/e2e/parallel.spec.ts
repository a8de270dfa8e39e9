// Parallel approval: the two departments of a stage decide at the same
// time, each item through its levels (clerk → reviewer → approver) by the
// officer of each level; the applicant's open project page follows live
// (polling, no reload) and the approval maps render.
import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures'
import { createSubmittedProject, type TaskLite } from './support/api'
import { decide, openFromTodo } from './support/officer'

test('two departments approve in parallel; the applicant sees it live; the approval map renders', async ({ as, api }, testInfo) => {
  test.setTimeout(180_000)
  const name = `并联审批e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  // 环评报告表: XM-STHJ-002 (生态环境局: 受理 → 审查 → 签发) beside XM-FGW-001 (发改委: 受理 → 确认).
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex, { env_category: 'report_form' })
  const tasks = v.tasks ?? []
  expect(new Set(tasks.map((t) => t.dept_code)).size).toBe(2)
  expect(tasks.some((t) => t.levels.length >= 3)).toBe(true)

  // The applicant opens the project page and keeps it open, never reloading.
  const applicant = await as('qiye')
  await applicant.goto(`/projects/${v.project.id}`)
  await expect(applicant.getByRole('heading', { name })).toBeVisible()
  await applicant.evaluate(() => ((window as unknown as { e2eNoReload: boolean }).e2eNoReload = true))
  for (const t of tasks) await expect(applicant.locator(`[data-task="${t.item_code}"]`)).toContainText('已接件')

  // Both clerks open their department's task from the to-do list, then accept at the same moment.
  const clerks = await Promise.all(tasks.map((t) => as(officer(t, 0))))
  await Promise.all(clerks.map((page, i) => openFromTodo(page, v.project.code, tasks[i].item_name)))
  // Each task page shows the other department's item in the stage's parallel progress.
  await expect(clerks[0].getByText(tasks[1].item_name)).toBeVisible()
  await Promise.all(clerks.map((page) => decide(page, { action: '受理', opinion: '申请材料齐全，符合法定形式，予以受理。', done: '已受理' })))
  for (const t of tasks) await expect(applicant.locator(`[data-task="${t.item_code}"]`)).toContainText('部门受理', { timeout: 30_000 })

  // Then each item through its remaining levels, the two departments side by side.
  await Promise.all(tasks.map((t, i) => throughLevels(t, clerks[i])))

  // The applicant's page caught up by itself: both items approved, stage 1 done, stage 2 open.
  for (const t of tasks) await expect(applicant.locator(`[data-task="${t.item_code}"]`)).toContainText('办结（通过）', { timeout: 30_000 })
  await expect(applicant.locator('[data-stage="1"]')).toContainText('已完成', { timeout: 30_000 })
  await expect(applicant.getByText('第 2 阶段申报材料')).toBeVisible({ timeout: 30_000 })
  expect(await applicant.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true)

  // The project's approval map: stages, the timeline chart and the limits table with both items.
  await applicant.getByRole('link', { name: /审批地图/ }).first().click()
  await expect(applicant).toHaveURL(new RegExp(`/projects/${v.project.id}/map$`))
  await expect(applicant.getByRole('heading', { name: `审批地图 · ${name}` })).toBeVisible()
  await expect(applicant.getByText('时间轴', { exact: true })).toBeVisible()
  await expect(applicant.locator('canvas').first()).toBeVisible()
  const table = applicant.locator('[data-test="limits-table"]')
  for (const t of tasks) await expect(table).toContainText(t.item_name)

  // The city map for the supervisor, grouped by department.
  const sup = await as('jiancha')
  await sup.goto('/map')
  await expect(sup.getByRole('heading', { name: '审批地图 · 全市时效' })).toBeVisible()
  await sup.getByText('按部门', { exact: true }).click()
  await expect(sup.locator('[data-test="overall"]')).toContainText('全部')

  /** throughLevels takes an accepted task through its remaining levels, logging in as each level's officer. */
  async function throughLevels(t: TaskLite, clerk: Page) {
    const n = t.levels.length
    // Acceptance passes the first level; a one-level item stays with its clerk.
    for (let level = n > 1 ? 1 : 0; level < n; level++) {
      const page = n > 1 ? await as(officer(t, level)) : clerk
      await openFromTodo(page, v.project.code, t.item_name)
      const final = level === n - 1
      await decide(page, final
        ? { action: '办结（准予许可）', opinion: '经审核，符合法定条件，准予许可。', done: '已审核通过', confirm: true }
        : { action: `通过，送${t.levels[level + 1].name}`, opinion: '经审查，材料符合要求，同意，请审核签发。', done: '已审核通过' })
    }
  }
})

/** officer is the demo officer of the task's department at a level, e.g. sthj-reviewer. */
function officer(t: TaskLite, level: number): string {
  return `${t.dept_code.toLowerCase()}-${t.levels[level].role}`
}
