// make bench-ui: the web UI benchmark (e2e/bench/), headless Chromium
// against bin/tongban on a fresh SQLite database whose department has
// 1,000+ open tasks. One browser at a time, nothing else in parallel: the
// figures are timings.
import { defineConfig } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from './e2e/support/chromium'

export default defineConfig({
  testDir: './e2e/bench',
  testMatch: '*.bench.ts',
  outputDir: './e2e/.out/bench-results',
  globalSetup: './e2e/bench/setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  },
})
