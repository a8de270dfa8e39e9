// The header's message bell (消息): a 催办 by the lead coordinator reaches
// the chased department's officer through the 30-second poll (badge, the
// message on top, unseen, leading to the task); "全部标为已读" is kept in
// the browser across reloads; the department that was not chased does not
// get it. On a phone the applicant reads the enterprise's messages in a
// bottom sheet and goes on to the project.
//
// Other specs run beside this one and also message 水利局 and the demo
// enterprise, so the checks look for this test's own messages, never for
// exact counts.
import { expect, test } from './support/fixtures'
import { createSubmittedProject, LEAD_ANSWERS, LEAD_FLOW } from './support/api'

interface NotificationLite {
  kind: string
  task_id?: string
  body: string
}

test('a chase by the lead coordinator reaches the chased officer’s bell', async ({ as, api }, testInfo) => {
  test.setTimeout(120_000)
  const name = `消息铃e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const v = await createSubmittedProject(await api('qiye'), name, testInfo.workerIndex, LEAD_ANSWERS, LEAD_FLOW)
  const sl = (v.tasks ?? []).find((t) => t.dept_code === 'SL')!
  expect(sl).toBeTruthy()

  // 水利局: the submission brought a new-task message, unseen in a browser that has seen nothing.
  const officer = await as('sl-clerk')
  const bell = officer.locator('[data-test="notify-bell"]')
  await expect(bell).toBeVisible()
  await expect(bell).not.toHaveAttribute('data-unseen', '0')
  await expect(officer.locator('[data-test="notify-badge"] sup')).toBeVisible()
  await bell.click()
  const panel = officer.locator('[data-test="notify-panel"]')
  await expect(panel).toBeVisible()
  const arrival = panel.locator('[data-test="notify-item"]').filter({ hasText: `新办件：${sl.item_name}` }).filter({ hasText: name })
  await expect(arrival).toHaveAttribute('data-unseen', 'true')
  await expect(arrival).toContainText('新办件')
  await expect(arrival).toContainText('查看办件')

  // 全部标为已读: the badge goes, and stays gone after a reload (kept in this browser).
  await panel.getByRole('button', { name: '全部标为已读' }).click()
  await expect(bell).toHaveAttribute('data-unseen', '0')
  await expect(officer.locator('[data-test="notify-badge"] sup')).toBeHidden()
  await expect(arrival).toHaveAttribute('data-unseen', 'false')
  await officer.reload()
  await expect(bell).toBeVisible()
  await bell.click()
  await expect(arrival).toHaveAttribute('data-unseen', 'false')
  // Close the list (the bell toggles it) before the chase, so nothing but the poll reads messages.
  await bell.click()
  await expect(panel).toBeHidden()
  const unseenBefore = Number(await bell.getAttribute('data-unseen'))

  // The lead coordinator chases 水利局's item from the board (the board itself is lead.spec.ts).
  const message = `请尽快受理水土保持方案（${name}）。`
  const lead = await as('qiantou')
  await lead.goto(`/lead?project=${v.project.id}&stage=1`)
  const row = lead.locator('[data-test="board-tasks"]').getByRole('row').filter({ hasText: sl.item_name })
  await row.getByRole('button', { name: '催办' }).click()
  const dialog = lead.getByRole('dialog', { name: '确认催办' })
  await dialog.getByRole('textbox').fill(message)
  await dialog.getByRole('button', { name: '确认催办' }).click()
  await expect(lead.getByText('已催办 1 个事项')).toBeVisible()

  // Without a reload or a click, the next poll (every 30 s) brings it: the badge counts it.
  await expect.poll(async () => Number(await bell.getAttribute('data-unseen')), { timeout: 45_000, intervals: [1000] }).toBeGreaterThan(unseenBefore)
  await expect(bell).toHaveAttribute('aria-label', /^消息，\d+\+? 条未读$/)
  await expect(officer.locator('[data-test="notify-badge"] sup')).toBeVisible()
  await bell.click()
  const chase = panel.locator('[data-test="notify-item"][data-kind="chase"]').filter({ hasText: message })
  await expect(chase).toHaveAttribute('data-unseen', 'true')
  await expect(chase).toContainText('催办')
  await expect(chase).toContainText(`催办：${sl.item_name}`)
  await expect(chase).toContainText(/刚刚|\d+ 分钟前/)
  await expect(panel).toContainText(/\d+\+? 条未读/)

  // It leads to the task, and counts as seen.
  await chase.getByRole('link').click()
  await expect(officer).toHaveURL(new RegExp(`/tasks/${sl.id}$`))
  await expect(officer.getByRole('heading', { name: sl.item_name })).toBeVisible()
  await expect(panel).toBeHidden()
  await bell.click()
  await expect(chase).toHaveAttribute('data-unseen', 'false')

  // 发改委, in the same stage but not chased, has no such message.
  const fgwNotes = await (await api('fgw-clerk')).get<{ items: NotificationLite[] }>('/notifications?limit=200')
  expect(fgwNotes.items.filter((n) => n.body === message)).toEqual([])
})

test('phone: the applicant reads the enterprise’s messages in a bottom sheet and opens the project', async ({ as, api }, testInfo) => {
  const name = `消息铃手机e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const v = await createSubmittedProject(await api('qiye'), name, testInfo.workerIndex, LEAD_ANSWERS, LEAD_FLOW)
  const fgw = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!
  await (await api('fgw-clerk')).act(fgw.id, 'accept', { opinion: `申请材料齐全，予以受理（${name}）。` })

  const page = await as('qiye', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const bell = page.locator('[data-test="notify-bell"]')
  await expect(bell).toBeVisible()
  await bell.tap()
  const panel = page.locator('[data-test="notify-panel"]')
  await expect(panel).toBeVisible()
  // The sheet spans the phone's width.
  const box = (await panel.boundingBox())!
  expect(box.width).toBeGreaterThanOrEqual(389)
  const accepted = panel.locator('[data-test="notify-item"][data-kind="task_accept"]').filter({ hasText: name })
  await expect(accepted).toContainText(`${fgw.item_name}：受理`)
  await expect(accepted).toContainText('办件进展')
  await expect(accepted).toContainText('查看项目')
  await expect(accepted).toHaveAttribute('data-unseen', 'true')
  await accepted.getByRole('link').tap()
  await expect(page).toHaveURL(new RegExp(`/projects/${v.project.id}$`))
  await expect(panel).toBeHidden()
  expect(await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth)).toBe(0)
})
