// The test object every spec imports: the server the global setup started
// (its address and demo accounts), logging in through the login page, and
// an API session for set-up.
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { Api } from './api'
import type { ServerInfo } from './server'

function serverInfo(): ServerInfo {
  const raw = process.env.TB_E2E_SERVER
  if (!raw) throw new Error('e2e: no server: run the suite with "make e2e" (or "npx playwright test" in web/), whose global setup starts it.')
  return JSON.parse(raw) as ServerInfo
}

/** passwordOf is a demo account's password: the role accounts have their own, officers share one. */
export function passwordOf(server: ServerInfo, username: string): string {
  return server.accounts[username]?.password ?? server.officerPassword
}

/** login logs in through the login page (as a demo account, or with password) and waits to leave it. */
export async function login(page: Page, server: ServerInfo, username: string, password?: string): Promise<void> {
  await page.goto('/login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码').fill(password ?? passwordOf(server, username))
  await page.getByRole('button', { name: '登 录' }).click()
  await expect(page).not.toHaveURL(/\/login/)
}

type Fixtures = {
  /** api logs in through the API as a demo account (disposed after the test). */
  api: (username: string) => Promise<Api>
  /** as opens a new browser context (its own session) logged in as a demo account, at its home page. */
  as: (username: string, opts?: Parameters<Browser['newContext']>[0]) => Promise<Page>
  /** fresh opens a new browser context with no session (for accounts a test makes), at the login page. */
  fresh: () => Promise<Page>
}

export const test = base.extend<Fixtures, { server: ServerInfo }>({
  server: [async ({}, use) => use(serverInfo()), { scope: 'worker' }],
  baseURL: async ({ server }, use) => use(server.baseURL),
  api: async ({ server }, use) => {
    const made: Api[] = []
    await use(async (username) => {
      const a = await Api.login(server.baseURL, username, passwordOf(server, username))
      made.push(a)
      return a
    })
    await Promise.all(made.map((a) => a.dispose()))
  },
  as: async ({ browser, server, locale, timezoneId, viewport, isMobile, hasTouch }, use) => {
    const made: BrowserContext[] = []
    await use(async (username, opts) => {
      const ctx = await browser.newContext({ locale, timezoneId, viewport, isMobile, hasTouch, baseURL: server.baseURL, ...opts })
      made.push(ctx)
      // The session through the API (the context shares its cookies): quicker than the login
      // page, which login.spec.ts and the applicant spec test.
      const r = await ctx.request.post('/api/v1/auth/login', { data: { username, password: passwordOf(server, username) } })
      if (!r.ok()) throw new Error(`e2e: login as ${username}: HTTP ${r.status()} ${await r.text()}`)
      const page = await ctx.newPage()
      await page.goto('/')
      await expect(page).not.toHaveURL(/\/login/)
      return page
    })
    // Playwright keeps a screenshot of every page of a failed test; close the contexts after.
    for (const ctx of made) await ctx.close()
  },
  fresh: async ({ browser, server, locale, timezoneId, viewport, isMobile, hasTouch }, use) => {
    const made: BrowserContext[] = []
    await use(async () => {
      const ctx = await browser.newContext({ locale, timezoneId, viewport, isMobile, hasTouch, baseURL: server.baseURL })
      made.push(ctx)
      const page = await ctx.newPage()
      await page.goto('/login')
      return page
    })
    for (const ctx of made) await ctx.close()
  },
})

/** horizontalOverflow is how many CSS pixels the page is wider than the window (0 = none). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth)
}

export { expect }
