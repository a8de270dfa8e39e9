// Playwright global setup: check Chromium starts, start the server (see
// server.ts), hand its address and the demo accounts to the tests through
// the environment (workers inherit it), and stop it when the run ends.
import { existsSync } from 'node:fs'
import { chromium, type FullConfig } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium'
import { startServer } from './server'

export default async function globalSetup(config: FullConfig) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`e2e: Chromium is not installed at ${CHROMIUM}. Install it with "make chromium" (scripts/chromium.sh: apt-get install chromium fonts-noto-cjk, as root), or point CHROMIUM at a Chromium binary. Do not run "npx playwright install".`)
  }
  try {
    const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
    await b.close()
  } catch (e) {
    throw new Error(`e2e: Chromium at ${CHROMIUM} does not start: ${(e as Error).message.split('\n')[0]}\nCheck "${CHROMIUM} --headless --no-sandbox --version" works; reinstall with "make chromium", or set CHROMIUM.`)
  }
  const demoProjects = Number(process.env.TB_E2E_DEMO_PROJECTS ?? 3)
  // The specs: warning one working day before the due date, so a one-day
  // item (XM-FGW-001) is in warning as soon as it is accepted and the board
  // and overview specs have a warning item without waiting for the calendar
  // to move. The screenshots (their own config) keep the product's default.
  const specs = /(^|[/\\])playwright\.config\.[cm]?[jt]s$/.test(config.configFile ?? '')
  const server = await startServer({ demoProjects, warn: process.env.TB_E2E_WARN ?? (specs ? '1d' : undefined) })
  process.env.TB_E2E_SERVER = JSON.stringify(server.info)
  return async () => {
    await server.stop()
  }
}
