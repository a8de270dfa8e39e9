// The officer's side through the browser: find a task in the to-do list
// and take a decision on the task page (PC panel or the phone's bottom
// sheet), with the confirmation the page asks for.
import { expect, type Locator, type Page } from '@playwright/test'

/** openFromTodo opens the to-do list, narrows it to the project and opens the item's task. */
export async function openFromTodo(page: Page, projectCode: string, itemName: string): Promise<void> {
  if (!/\/todo(\?|$)/.test(page.url())) await page.goto('/todo')
  await expect(page.getByRole('heading', { name: '待办' })).toBeVisible()
  await page.getByPlaceholder(/搜索/).fill(projectCode)
  // The search applies after a pause and goes into the address; a click before that is lost
  // (the address update supersedes the navigation to the task).
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(projectCode)}`))
  const row = page.getByRole('link').filter({ hasText: projectCode }).filter({ hasText: itemName })
  await expect(row).toBeVisible()
  await row.click()
  await expect(page).toHaveURL(/\/tasks\/[^/]+$/)
  await expect(page.getByRole('heading', { name: itemName })).toBeVisible()
}

/** decisionPanel is the decision panel: the PC card, or on a phone the bottom sheet (opened here). */
export async function decisionPanel(page: Page): Promise<Locator> {
  const sheetButton = page.getByRole('button', { name: /^办理（\d+ 项可选操作）$/ })
  if (await sheetButton.isVisible()) {
    await sheetButton.click()
    const sheet = page.getByRole('dialog', { name: '办理' })
    await expect(sheet).toBeVisible()
    return sheet.locator('[data-test="decision"]')
  }
  const panel = page.locator('[data-test="decision"]')
  await expect(panel).toBeVisible()
  return panel
}

export interface Decision {
  /** the action's button, e.g. '受理', /^通过，送/, '办结（准予许可）', '退回补正' */
  action: string | RegExp
  opinion?: string
  /** materials to tick (补正, 容缺), by name */
  materials?: string[]
  /** what the page says when done, e.g. '已受理' */
  done: string
  /** the page asks to confirm (concluding decisions and 补正) */
  confirm?: boolean
}

/** decide takes a decision on the open task page and waits for the return to the to-do list. */
export async function decide(page: Page, d: Decision): Promise<void> {
  const panel = await decisionPanel(page)
  const name = { name: d.action, exact: typeof d.action === 'string' }
  const choice = panel.getByRole('radio', name)
  await expect(choice).toBeEnabled()
  await choice.click()
  await expect(choice).toHaveAttribute('aria-checked', 'true')
  for (const m of d.materials ?? []) {
    // Element Plus draws its own box over a hidden input: click the label.
    const box = panel.getByRole('checkbox', { name: m })
    if (!(await box.isChecked())) await panel.getByText(m, { exact: true }).click()
    await expect(box).toBeChecked()
  }
  if (d.opinion !== undefined) await panel.getByRole('textbox').fill(d.opinion)
  const submit = panel.getByRole('button', name)
  await submit.click()
  if (d.confirm) {
    // Concluding decisions and 补正 are confirmed in a box titled with the action.
    const box = page.getByRole('dialog', name)
    await box.getByRole('button', name).click()
  }
  await expect(page.getByText(d.done).first()).toBeVisible()
  await expect(page).toHaveURL(/\/todo/)
}
