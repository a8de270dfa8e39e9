// The lead coordinator's board (牵头看板): a stage led by ZRGH in review,
// each department's item with its state, level and deadline, a 催办 of one
// department's item (the dialog is the confirmation: cancel sends nothing),
// and the chased department seeing it in the task's record and in its
// messages (GET /notifications).
import { expect, test } from './support/fixtures'
import { createSubmittedProject, LEAD_ANSWERS, LEAD_FLOW } from './support/api'
import { openFromTodo } from './support/officer'

interface StageBoardLite {
  stage: { limit_days: number; clock?: { due: string } | null }
}

interface NotificationLite {
  kind: string
  task_id?: string
  title: string
  body: string
}

test('lead coordinator reads the stage across departments and chases one item; the department sees the chase', async ({ as, api }, testInfo) => {
  const name = `牵头催办e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex, LEAD_ANSWERS, LEAD_FLOW)
  const tasks = v.tasks ?? []
  expect(tasks.map((t) => t.dept_code).sort()).toEqual(['FGW', 'SL', 'STHJ'])
  const fgw = tasks.find((t) => t.dept_code === 'FGW')!
  const sl = tasks.find((t) => t.dept_code === 'SL')!
  const sthj = tasks.find((t) => t.dept_code === 'STHJ')!
  // 发改委 accepts its one-day item: its clock runs, and under the suite's --warn 1d it is in warning at once.
  const accepted = await (await api('fgw-clerk')).act(fgw.id, 'accept', { opinion: '申请材料齐全，予以受理。' })
  expect(accepted.clock?.state).toBe('warning')
  const stage = await (await api('qiantou')).get<StageBoardLite>(`/projects/${v.project.id}/stages/1/board`)

  const lead = await as('qiantou')
  await lead.getByRole('menuitem', { name: '牵头看板' }).click()
  await expect(lead.getByRole('heading', { name: '牵头看板' })).toBeVisible()
  await expect(lead.getByText('每 5 秒自动更新')).toBeVisible()

  // The stage in the list, with its warning count; open it.
  const card = lead.locator(`[data-stage-key="${v.project.id}/1"]`)
  await expect(card).toContainText(name)
  await expect(card).toContainText('第 1 阶段 · 立项用地规划许可')
  await expect(card).toContainText('预警 1')
  await card.click()
  await expect(lead).toHaveURL(new RegExp(`[?&]project=${v.project.id}&stage=1`))
  await expect(card).toHaveAttribute('aria-current', 'true')

  const board = lead.locator('[data-test="stage-board"]')
  await expect(board.getByRole('heading', { name })).toBeVisible()
  await expect(board).toContainText(`${stage.stage.limit_days} 个工作日，${stage.stage.clock!.due} 到期`)
  await expect(board).toContainText('在办 3 · 已办结 0/3')

  // Each department: its open items, the warning, and no chase yet.
  const depts = { FGW: '发改委', SL: '水利局', STHJ: '生态环境局' }
  for (const [code, dept] of Object.entries(depts)) {
    const d = board.locator(`[data-dept="${code}"]`)
    await expect(d).toContainText(dept)
    await expect(d).toContainText('在办 1 / 共 1')
    await expect(d).toContainText('上次催办：未催办')
  }
  await expect(board.locator('[data-dept="FGW"]')).toContainText('预警 1')

  // Each item: department, state, level (with its place in the chain) and deadline.
  const table = board.locator('[data-test="board-tasks"]')
  const row = (item: string) => table.getByRole('row').filter({ hasText: item })
  await expect(row(fgw.item_name)).toContainText('发改委')
  await expect(row(fgw.item_name)).toContainText('部门受理')
  await expect(row(fgw.item_name)).toContainText('确认 2/2')
  await expect(row(fgw.item_name)).toContainText(/剩余 \d+ 个工作日/)
  await expect(row(fgw.item_name)).toContainText(`到期日 ${accepted.clock!.due}`)
  await expect(row(sl.item_name)).toContainText('水利局')
  await expect(row(sl.item_name)).toContainText('已接件')
  await expect(row(sl.item_name)).toContainText('受理 1/3')
  await expect(row(sl.item_name)).toContainText('未计时')
  await expect(row(sthj.item_name)).toContainText('备案 1/1')

  // 催办 asks first: cancelling sends nothing.
  await row(sl.item_name).getByRole('button', { name: '催办' }).click()
  const dialog = lead.getByRole('dialog', { name: '确认催办' })
  await expect(dialog).toContainText(new RegExp(`向\\S*水利局催办“${sl.item_name}”`))
  await expect(dialog).toContainText('催办会记入办件记录，并通知相关部门')
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(dialog).toBeHidden()
  await expect(row(sl.item_name)).toContainText('未催办')

  // Then with a message.
  const message = `水土保持方案审批请于本周内受理（${name}）。`
  await row(sl.item_name).getByRole('button', { name: '催办' }).click()
  await expect(dialog).toBeVisible()
  await dialog.getByRole('textbox').fill(message)
  await dialog.getByRole('button', { name: '确认催办' }).click()
  await expect(lead.getByText('已催办 1 个事项')).toBeVisible()
  await expect(dialog).toBeHidden()
  await expect(row(sl.item_name)).toContainText('周洁（牵头协调） · 共 1 次')
  await expect(board.locator('[data-dept="SL"]')).toContainText(/上次催办：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（周洁（牵头协调））/)
  await expect(row(fgw.item_name)).toContainText('未催办')
  await expect(board.locator('[data-dept="FGW"]')).toContainText('上次催办：未催办')

  // 水利局: the message among its department's messages, and the chase in the task's record.
  const notes = await (await api('sl-clerk')).get<{ items: NotificationLite[] }>('/notifications')
  expect(notes.items).toContainEqual(expect.objectContaining({ kind: 'chase', task_id: sl.id, title: `催办：${sl.item_name}`, body: message }))
  const officer = await as('sl-clerk')
  await openFromTodo(officer, v.project.code, sl.item_name)
  const chase = officer.locator('[data-kind="chase"]')
  await expect(chase).toHaveCount(1)
  await expect(chase).toContainText('催办')
  await expect(chase).toContainText('周洁（牵头协调）')
  await expect(chase).toContainText(message)
})
