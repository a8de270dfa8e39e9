// Start the real tongban binary on a fresh SQLite data directory with the
// demo accounts, and read what it prints: the role accounts with their
// passwords, the shared password of every department's officers, and the
// address it listens on. Used by the e2e global setup and the screenshots.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** RoleAccount is one row of the demo account table (internal/demo PrintAccounts). */
export interface RoleAccount {
  role: string
  username: string
  password: string
}

/** ServerInfo is what the tests need to reach the server and log in. */
export interface ServerInfo {
  baseURL: string
  /** role accounts by username: qiye, shouli, shencha, qianfa, qiantou, jiancha, xitong, … */
  accounts: Record<string, RoleAccount>
  /** the password of every <dept>-clerk|reviewer|approver|lead officer and of qiye2, qiye3 */
  officerPassword: string
  dataDir: string
}

export interface RunningServer {
  info: ServerInfo
  stop(): Promise<void>
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** binaryPath is the binary the tests run: bin/tongban (make build), or TB_BIN. */
export function binaryPath(): string {
  return process.env.TB_BIN ? resolve(process.env.TB_BIN) : join(REPO, 'bin', 'tongban')
}

/**
 * parseAccounts reads the demo account table and the shared officer
 * password from the server's stdout. The table rows are
 * "  <中文角色> <role>  <username>  <password>  [dept/enterprise]".
 */
export function parseAccounts(out: string): { accounts: Record<string, RoleAccount>; officerPassword: string } {
  const accounts: Record<string, RoleAccount> = {}
  const lines = out.split('\n')
  const head = lines.findIndex((l) => l.includes('用户名 username'))
  if (head >= 0) {
    for (const line of lines.slice(head + 1)) {
      if (!line.startsWith('  ')) break
      const f = line.trim().split(/\s+/)
      if (f.length < 4) break
      const [, role, username, password] = f
      accounts[username] = { role, username, password }
    }
  }
  const m = out.match(/shared password:\s*(\S+)/)
  return { accounts, officerPassword: m ? m[1] : '' }
}

/**
 * startServer spawns `tongban serve --demo` on 127.0.0.1:0 (the kernel
 * picks a free port; the server prints the one it got) with a fresh data
 * directory, waits until it serves and /readyz answers, and checks the
 * binary has the web UI built in. warn is the server's --warn rule (its
 * default, 80%, when unset).
 */
export async function startServer(opts: { demoProjects: number; timeoutMs?: number; warn?: string }): Promise<RunningServer> {
  const bin = binaryPath()
  if (!existsSync(bin)) {
    throw new Error(`e2e: the server binary ${bin} does not exist. Build it with the web UI first: "make build" (repo root), or set TB_BIN.`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-'))
  const args = ['serve', '--data', dataDir, '--addr', process.env.TB_E2E_ADDR ?? '127.0.0.1:0', '--demo', '--demo-projects', String(opts.demoProjects), '--log-level', 'warn']
  if (opts.warn) args.push('--warn', opts.warn)
  // SQLite under the fresh data directory whatever the caller's TONGBAN_* settings say.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TONGBAN_')))
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000)
  })
  let exited: string | null = null
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`))
  child.on('error', (e) => (exited = `could not start: ${e.message}`))

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const done = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(5000).then(() => false)])
      if (!done) child.kill('SIGKILL')
    }
    if (!process.env.TB_E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true })
  }

  const deadline = Date.now() + (opts.timeoutMs ?? 120_000)
  const fail = async (why: string): Promise<never> => {
    await stop()
    throw new Error(`e2e: the server "${bin} ${args.join(' ')}" ${why}.\n--- stdout ---\n${stdout.slice(-3000)}\n--- stderr ---\n${stderr.slice(-3000)}`)
  }
  // Wait for the address line, printed after the demo data is loaded and the port is bound.
  let baseURL = ''
  while (!baseURL) {
    if (exited) return fail(exited)
    if (Date.now() > deadline) return fail('did not print its address in time')
    const m = stdout.match(/serving at (http:\/\/\S+?)\/?\s/)
    if (m) baseURL = m[1]
    else await sleep(100)
  }
  for (;;) {
    if (exited) return fail(exited)
    if (Date.now() > deadline) return fail(`did not answer ${baseURL}/readyz in time`)
    try {
      const r = await fetch(`${baseURL}/readyz`)
      if (r.ok) break
    } catch {
      // not yet
    }
    await sleep(100)
  }
  const home = await (await fetch(`${baseURL}/`)).text()
  if (!home.includes('id="app"')) {
    return fail('serves no web UI (web/dist was empty when it was built). Run "make build", which builds the UI and embeds it')
  }
  const { accounts, officerPassword } = parseAccounts(stdout)
  if (!accounts.qiye || !officerPassword) {
    return fail('printed no demo accounts (is the data directory fresh?)')
  }
  return { info: { baseURL, accounts, officerPassword, dataDir }, stop }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms))
}
