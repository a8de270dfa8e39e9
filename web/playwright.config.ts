// End-to-end tests: real headless Chromium against the real binary
// (bin/tongban, web UI embedded) on a fresh SQLite database with the demo
// accounts. `make e2e` (or `make test`) builds what is needed and runs them.
import { defineConfig } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from './e2e/support/chromium'

export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  outputDir: './e2e/.out/results',
  globalSetup: './e2e/support/global-setup.ts',
  // Every test makes its own project and sessions: they can run in any order.
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two cores: two browsers at most, next to the server.
  workers: 2,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: './e2e/.out/report', open: 'never' }]],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  },
})
