// make screenshots: the main pages of every role, PC and phone, written to
// docs/screenshots/ from a server with the demo history (--demo: 12
// projects). Same server set-up and browser as the e2e tests.
import { defineConfig } from '@playwright/test'
import base from './playwright.config'

process.env.TB_E2E_DEMO_PROJECTS ??= '12'

export default defineConfig({
  ...base,
  testDir: './e2e/screenshots',
  testMatch: '*.shots.ts',
  outputDir: './e2e/.out/screenshots-results',
  reporter: [['list']],
  workers: 1,
  timeout: 120_000,
  use: { ...base.use, screenshot: 'off', trace: 'off' },
})
