// Taking one screenshot for docs/screenshots/ (make screenshots): the
// devices, and shot(), shared by the *.shots.ts files.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from '../support/fixtures'
import { shrinkPng } from '../support/png'

export const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'screenshots')
mkdirSync(OUT, { recursive: true })

export const PC = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false }
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true }

export interface ShotOptions {
  /** a taller window (PC pages worth seeing whole) */
  height?: number
  /** scroll so that this element is at the top, under the sticky header */
  at?: Locator
}

/** shot waits for the page to settle and writes docs/screenshots/<name>.png, unless the page is a placeholder. */
export async function shot(page: Page, name: string, opts: ShotOptions = {}) {
  await page.waitForLoadState('networkidle')
  await expect(page.locator('.el-loading-mask:visible')).toHaveCount(0, { timeout: 15_000 })
  await page.evaluate(() => document.fonts.ready)
  const file = join(OUT, `${name}.png`)
  if (await page.getByText('建设中', { exact: true }).isVisible()) {
    rmSync(file, { force: true })
    test.info().annotations.push({ type: 'skipped', description: `${name}: placeholder page` })
    console.log(`  skip ${name}.png: the page is still under construction`)
    return
  }
  // Let charts and transitions finish.
  await page.waitForTimeout(600)
  // A taller picture through a taller window (a full-page capture would cut the sticky side menu at 100vh).
  const vp = page.viewportSize()!
  if (opts.height) {
    await page.setViewportSize({ width: vp.width, height: opts.height })
    await page.waitForTimeout(300)
  }
  if (opts.at) {
    await opts.at.evaluate((el) => {
      el.scrollIntoView({ block: 'start' })
      // A sticky header covers the top of the window.
      const header = document.querySelector('header')
      const covers = header && ['sticky', 'fixed'].includes(getComputedStyle(header).position)
      window.scrollBy(0, -((covers ? header.getBoundingClientRect().height : 0) + 12))
    })
    await page.waitForTimeout(300)
  }
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' })
  if (opts.height) await page.setViewportSize(vp)
  writeFileSync(file, shrinkPng(png))
  console.log(`  wrote ${name}.png`)
}
