// Global setup of the web UI benchmark (make bench-ui): a fresh SQLite data
// directory with the demo accounts (`tongban demo seed --projects 0`), one
// department's to-do list filled with TB_BENCH_TASKS open tasks (todoseed,
// next to this file), then `tongban serve` on it. The address, the accounts
// and the figures of the set-up reach the benchmark through TB_BENCH_SERVER.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium'
import { binaryPath, parseAccounts } from '../support/server'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** BenchServer is what the benchmark needs to reach the server and log in. */
export interface BenchServer {
  baseURL: string
  dept: string
  /** the department's clerk and the shared password of every demo officer */
  username: string
  password: string
  /** open tasks of dept in the database, as todoseed counted them */
  openTasks: number
  seedMs: number
}

/** benchServer reads what the global setup handed over. */
export function benchServer(): BenchServer {
  const raw = process.env.TB_BENCH_SERVER
  if (!raw) throw new Error('bench: no server: run "make bench-ui" (or "npx playwright test -c playwright.bench.config.ts" in web/), whose global setup starts it.')
  return JSON.parse(raw) as BenchServer
}

function run(cmd: string, args: string[], what: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TONGBAN_')))
  const r = spawnSync(cmd, args, { cwd: REPO, env, encoding: 'utf8', maxBuffer: 16 << 20 })
  if (r.error || r.status !== 0) {
    throw new Error(`bench: ${what} failed: ${cmd} ${args.join(' ')}\n${r.error?.message ?? ''}${r.stdout ?? ''}${r.stderr ?? ''}`)
  }
  return r.stdout
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms))
}

export default async function globalSetup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`bench: Chromium is not installed at ${CHROMIUM}. Install it with "make chromium", or point CHROMIUM at a Chromium binary.`)
  }
  const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
  await b.close()
  const bin = binaryPath()
  if (!existsSync(bin)) throw new Error(`bench: the server binary ${bin} does not exist. Build it with the web UI first: "make build" (repo root), or set TB_BIN.`)

  const dept = process.env.TB_BENCH_DEPT ?? 'ZRGH'
  const tasks = Number(process.env.TB_BENCH_TASKS ?? 1200)
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-bench-ui-'))
  const cleanup = () => {
    if (!process.env.TB_E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true })
  }

  let server: ChildProcess | null = null
  try {
    const t0 = performance.now()
    const accountsOut = run(bin, ['demo', 'seed', '--data', dataDir, '--projects', '0', '--log-level', 'warn'], 'creating the demo accounts')
    const { officerPassword } = parseAccounts(accountsOut)
    if (!officerPassword) throw new Error(`bench: "tongban demo seed" printed no officer password:\n${accountsOut}`)
    const seedOut = run(process.env.GO ?? 'go', ['run', './web/e2e/bench/todoseed', '--data', dataDir, '--dept', dept, '--tasks', String(tasks)], 'filling the to-do list')
    const m = seedOut.match(/ok: (\d+) open tasks/)
    if (!m) throw new Error(`bench: todoseed said:\n${seedOut}`)
    const seedMs = performance.now() - t0
    console.log(`bench: ${seedOut.trim()}; set-up with the demo accounts and the build of todoseed ${(seedMs / 1000).toFixed(1)} s (${dataDir})`)

    const args = ['serve', '--data', dataDir, '--addr', process.env.TB_E2E_ADDR ?? '127.0.0.1:0', '--log-level', 'warn']
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TONGBAN_')))
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
    server = child
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s))
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s))
    let exited = ''
    child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`))
    const deadline = Date.now() + 60_000
    let baseURL = ''
    while (!baseURL) {
      if (exited || Date.now() > deadline) throw new Error(`bench: "${bin} ${args.join(' ')}" ${exited || 'did not print its address in time'}:\n${out.slice(-3000)}`)
      baseURL = out.match(/serving at (http:\/\/\S+?)\/?\s/)?.[1] ?? ''
      if (!baseURL) await sleep(100)
    }
    for (;;) {
      if (exited || Date.now() > deadline) throw new Error(`bench: the server ${exited || `did not answer ${baseURL}/readyz in time`}:\n${out.slice(-3000)}`)
      const ok = await fetch(`${baseURL}/readyz`).then((r) => r.ok, () => false)
      if (ok) break
      await sleep(100)
    }
    if (!(await (await fetch(`${baseURL}/`)).text()).includes('id="app"')) {
      throw new Error('bench: the server serves no web UI (web/dist was empty when it was built). Run "make build".')
    }
    const info: BenchServer = { baseURL, dept, username: `${dept.toLowerCase()}-clerk`, password: officerPassword, openTasks: Number(m[1]), seedMs }
    process.env.TB_BENCH_SERVER = JSON.stringify(info)
  } catch (e) {
    server?.kill('SIGKILL')
    cleanup()
    throw e
  }

  return async () => {
    const s = server!
    if (s.exitCode === null && s.signalCode === null) {
      s.kill('SIGTERM')
      const done = await Promise.race([new Promise((r) => s.once('exit', () => r(true))), sleep(5000).then(() => false)])
      if (!done) s.kill('SIGKILL')
    }
    cleanup()
  }
}
