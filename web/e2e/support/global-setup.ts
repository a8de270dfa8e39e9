// Playwright global setup: check Chromium starts, start the server (see
// server.ts), hand its address and the demo accounts to the tests through
// the environment (workers inherit it), and stop it when the run ends.
import { existsSync } from 'node:fs'
import { chromium, type FullConfig } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium'
import { startServer } from './server'

export default async function globalSetup(_config: FullConfig) {
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
  const server = await startServer({ demoProjects })
  process.env.TB_E2E_SERVER = JSON.stringify(server.info)
  return async () => {
    await server.stop()
  }
}
