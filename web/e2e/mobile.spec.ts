// Phone layout (390×844, touch): the menu is a drawer, nothing is wider
// than the screen, and the applicant's progress page is usable.
import { expect, horizontalOverflow, test } from './support/fixtures'
import { createSubmittedProject } from './support/api'
import { decide, openFromTodo } from './support/officer'

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })

test('phone: applicant opens the menu drawer, the project list and the progress page', async ({ as, api }, testInfo) => {
  const name = `手机端进度e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)

  const page = await as('qiye')
  await expect(page).toHaveURL(/\/projects$/)
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)

  // The side menu is a drawer behind the burger button.
  await expect(page.getByRole('menuitem', { name: '新建项目' })).toBeHidden()
  await page.getByRole('button', { name: '打开菜单' }).tap()
  const drawer = page.getByRole('dialog')
  await expect(drawer.getByRole('menuitem', { name: '我的项目' })).toBeVisible()
  await expect(drawer.getByText('林晓燕（鹭岛智造）')).toBeVisible()
  await drawer.getByRole('menuitem', { name: '企业信息' }).tap()
  await expect(page).toHaveURL(/\/enterprise$/)
  await expect(drawer).toBeHidden()
  await page.getByRole('button', { name: '打开菜单' }).tap()
  await page.getByRole('dialog').getByRole('menuitem', { name: '我的项目' }).tap()
  await expect(page).toHaveURL(/\/projects$/)

  // Projects are cards on a phone.
  const card = page.getByRole('link', { name: new RegExp(name) })
  await expect(card).toBeVisible()
  await card.tap()
  await expect(page).toHaveURL(new RegExp(`/projects/${v.project.id}$`))

  // The progress page: the stages stacked, the items of stage 1 with their deadline.
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await expect(page.getByText('每 5 秒自动更新')).toBeVisible()
  await expect(page.getByText('第 1 阶段审批中。')).toBeVisible()
  const stage1 = page.locator('[data-stage="1"]')
  await expect(stage1).toContainText('企业投资项目备案')
  await expect(stage1).toContainText('建设项目环境影响登记表备案')
  await stage1.getByText('企业投资项目备案').scrollIntoViewIfNeeded()
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
  // The withdraw button is on screen and tappable (not under anything).
  const withdraw = page.getByRole('button', { name: '撤回申报' })
  await withdraw.scrollIntoViewIfNeeded()
  await expect(withdraw).toBeInViewport()
  await withdraw.tap({ trial: true })
  // The materials fold out.
  await page.locator('[data-test="toggle-materials"]').tap()
  await expect(page.locator('[data-test="materials"] [data-material]').first()).toBeVisible()
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
})

test('phone: officer works the to-do list and decides from the bottom sheet', async ({ as, api }, testInfo) => {
  const name = `手机端办理e2e${testInfo.workerIndex}-${Date.now() % 100000}`
  const qiye = await api('qiye')
  const v = await createSubmittedProject(qiye, name, testInfo.workerIndex)
  const task = (v.tasks ?? []).find((t) => t.dept_code === 'FGW')!

  const page = await as('fgw-clerk')
  await expect(page).toHaveURL(/\/todo/)
  await expect(page.getByRole('heading', { name: '待办' })).toBeVisible()
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)

  // The menu drawer.
  await page.getByRole('button', { name: '打开菜单' }).tap()
  const drawer = page.getByRole('dialog')
  await expect(drawer.getByRole('menuitem', { name: '待办' })).toBeVisible()
  await drawer.getByRole('menuitem', { name: '待办' }).tap()
  await expect(drawer).toBeHidden()

  // The list is cards; the filters are in their own sheet.
  await page.getByRole('button', { name: '筛选' }).tap()
  const filters = page.getByRole('dialog', { name: '筛选' })
  await expect(filters).toBeVisible()
  await filters.getByRole('button', { name: '确定' }).tap()
  await expect(filters).toBeHidden()

  await openFromTodo(page, v.project.code, task.item_name)
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)
  // The decision button stays on screen at the bottom while the page scrolls.
  const open = page.getByRole('button', { name: /^办理（\d+ 项可选操作）$/ })
  await expect(open).toBeInViewport()
  await page.mouse.wheel(0, 2000)
  await expect(open).toBeInViewport()
  await decide(page, { action: '受理', opinion: '申请材料齐全，符合法定形式，予以受理。', done: '已受理' })
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0)

  // The applicant sees it.
  const fresh = await qiye.project(v.project.id)
  expect(fresh.tasks?.find((t) => t.id === task.id)?.state).toBe(8)
})
