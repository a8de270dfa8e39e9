// 补正 round trip: the officer sends an item back for correction naming a
// material, the applicant sees what to correct, uploads a new version and
// resubmits, the task is back in the officer's list and is approved.
import { expect, test } from './support/fixtures'
import { createSubmittedProject } from './support/api'
import { fileFor } from './support/files'
import { decide, decisionPanel, openFromTodo } from './support/officer'

test('correction: officer sends back, applicant re-uploads and resubmits, officer approves', async ({ as, api }, testInfo) => {
  test.setTimeout(150_000)
  const name = `补正往返e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.item_code === 'XM-STHJ-003')!
  expect(task).toBeTruthy()
  const material = { code: 'XM-STHJ-003-DJB', name: '建设项目环境影响登记表' }
  const note = '登记表中建设规模与项目申报信息不一致，请核对修改后重新上传。'

  // The officer: 退回补正 needs what to correct; then it is sent with the material ticked.
  const officer = await as('sthj-clerk')
  await openFromTodo(officer, v.project.code, task.item_name)
  const panel = await decisionPanel(officer)
  await panel.getByRole('radio', { name: '退回补正', exact: true }).click()
  await panel.getByRole('button', { name: '退回补正', exact: true }).click()
  await expect(panel.getByText('请填写意见')).toBeVisible()
  await decide(officer, { action: '退回补正', materials: [material.name], opinion: note, confirm: true, done: '已退回申请人补正' })

  // The applicant: what to correct, where, and why.
  const page = await as('qiye')
  await page.goto(`/projects/${v.project.id}`)
  const card = page.locator(`[data-task="${task.item_code}"]`)
  await expect(card).toContainText('补正开始')
  const box = card.locator('[data-test="correction"]')
  await expect(box.getByText('需要补正')).toBeVisible()
  await expect(box.getByText(note)).toBeVisible()
  const line = box.locator(`[data-correct="${material.code}"]`)
  await expect(line).toContainText(material.name)
  await expect(line).toContainText('待重新上传')
  // The material is highlighted in the stage's list too.
  await expect(page.locator(`[data-material="${material.code}"]`)).toHaveClass(/correct/)

  // Resubmitting before the new upload is refused with a clear message.
  await box.getByRole('button', { name: '提交补正' }).click()
  await expect(page.getByRole('alert').filter({ hasText: '请先重新上传所有需补正的材料' })).toBeVisible()

  // A new version, from the correction box itself.
  const file = fileFor(`${material.code}-v2`, ['pdf'])
  const chooser = page.waitForEvent('filechooser')
  await line.getByRole('button', { name: /重新上传|上传/ }).click()
  await (await chooser).setFiles(file)
  await expect(page.getByText(`“${file.name}”已上传（第 2 版）`)).toBeVisible()
  await expect(line).toContainText('已重新上传')

  await box.getByRole('button', { name: '提交补正' }).click()
  const prompt = page.getByRole('dialog', { name: '提交补正' })
  await expect(prompt.getByRole('textbox')).toHaveValue('已按补正通知逐项补正，请审查。')
  await prompt.getByRole('textbox').fill('已按要求修改建设规模并重新上传登记表。')
  await prompt.getByRole('button', { name: '提交补正' }).click()
  await expect(page.getByText('补正材料已提交，部门将继续审查')).toBeVisible()
  await expect(card).toContainText('补正结束')
  await expect(card.locator('[data-test="correction"]')).toHaveCount(0)

  // The officer: the task is back in the list (the list refreshes by itself), with the new version.
  await expect(officer).toHaveURL(/\/todo/)
  const row = officer.getByRole('link').filter({ hasText: v.project.code }).filter({ hasText: task.item_name })
  await expect(row).toContainText('补正结束', { timeout: 15_000 })
  await openFromTodo(officer, v.project.code, task.item_name)
  await expect(officer.locator('[data-test="materials"]')).toContainText(file.name)
  await decide(officer, { action: '受理', opinion: '补正材料齐全，予以受理。', done: '已受理' })
  await openFromTodo(officer, v.project.code, task.item_name)
  await decide(officer, { action: '办结（准予许可）', opinion: '同意，准予许可。', confirm: true, done: '已审核通过' })

  // The applicant's page follows: approved, and the opinions are on record.
  await expect(card).toContainText('办结（通过）', { timeout: 15_000 })
  await expect(card).toContainText('同意，准予许可。')
})
