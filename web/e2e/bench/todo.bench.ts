// Web UI benchmark (issue 3: "the officer to-do list renders 1,000 rows
// without a visible stall"): the department's clerk opens the to-do list of
// 1,000+ open tasks in headless Chromium, at PC 1366×900 and phone 390×844,
// and scrolls it from the first row to the last. Every figure comes from the
// browser's own instruments: performance.now(), requestAnimationFrame
// timestamps, the Long Tasks API, Resource Timing, and Chromium's metrics
// and trace for the main thread's CPU time. Figures are printed,
// and written to e2e/.out/bench/ (git-ignored); a missed goal is reported,
// not failed: performance targets live here, never in timed tests.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Browser, type CDPSession, type Page } from '@playwright/test'
import { benchServer } from './setup'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '.out', 'bench')

/** ROWS_PER_FRAME is how far each animation frame scrolls: two rows, a brisk flick. */
const ROWS_PER_FRAME = Number(process.env.TB_BENCH_ROWS_PER_FRAME ?? 2)
/** RUNS is how often each viewport reloads and scrolls: the machine is shared, so the median run is reported. */
const RUNS = Math.max(1, Number(process.env.TB_BENCH_RUNS ?? 3))
/** STALL_MS is a frame long enough to be seen as a stall. */
const STALL_MS = 100

const LIST = '[data-test="todo-list"]'
const ROW = `${LIST} [role="listitem"]`

interface Viewport {
  name: string
  width: number
  height: number
  mobile: boolean
}

const VIEWPORTS: Viewport[] = [
  { name: 'PC 1366×900', width: 1366, height: 900, mobile: false },
  { name: 'phone 390×844', width: 390, height: 844, mobile: true },
]

/** Load is one opening of the to-do page, timed from the navigation's start. */
interface Load {
  firstRowsMs: number
  /** the first GET /api/v1/tasks (one cursor page): from its start to its last byte */
  firstPageRequestMs: number
  firstPageRows: number
  longTasks: number
  longestTaskMs: number
}

interface Scroll {
  rowHeight: number
  stepPx: number
  frames: number
  durationMs: number
  allLoadedMs: number
  rowsAtEnd: number
  maxDomRows: number
  frameP50: number
  frameP95: number
  frameMax: number
  stalls: number
  /** frames spent at the end of the loaded rows, waiting for the next page */
  waitFrames: number
  waitMs: number
  /** GET /tasks requests during the scroll: the cursor pages and the 5 s refresh's re-reads */
  taskRequests: number
  longTasks: number
  longestTaskMs: number
  domElements: number
  heapMB: number | null
  /** the long tasks and GET /tasks requests during the scroll, ms from its start (for the JSON file) */
  timeline: { longTasks: { at: number; ms: number }[]; requests: { at: number; ms: number; url: string }[] }
}

/** Cpu is the renderer's main thread between two moments, from Chromium's Performance.getMetrics (seconds → ms). */
interface Cpu {
  wallMs: number
  threadMs: number
  scriptMs: number
  layoutMs: number
  styleMs: number
}

/**
 * Tasks are the renderer main thread's tasks during the scroll, from a
 * Chromium trace ("toplevel"): wall time, and the CPU time the thread
 * really ran, which a busy shared machine does not inflate.
 */
interface Tasks {
  count: number
  cpuMs: number
  longestWallMs: number
  longestCpuMs: number
  /** tasks whose CPU time alone is ≥ 50 ms: long tasks even on an idle machine */
  longByCpu: number
}

/** Run is one reload of the page and one scroll through every row. */
interface Run {
  load: Load
  scroll: Scroll
  cpu: Cpu
  tasks: Tasks
  loadavg: number
}

interface Result {
  viewport: string
  openTasks: number
  cold: Load
  runs: Run[]
}

const results: Result[] = []

// Installed before any script of every document: collects long tasks
// (buffered, so none before the observer is missed) and the moment the
// first rows are in the DOM and the frame showing them has been produced
// (the task after the next animation frame).
function instrument() {
  const b = { longTasks: [] as { start: number; dur: number }[], firstRowsMs: -1 }
  ;(window as unknown as { __bench: typeof b }).__bench = b
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) b.longTasks.push({ start: e.startTime, dur: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch {
    // no Long Tasks API: the figures say 0
  }
  const mo = new MutationObserver(() => {
    if (document.querySelector('[data-test="todo-list"] [role="listitem"]')) {
      mo.disconnect()
      requestAnimationFrame(() => {
        const ch = new MessageChannel()
        ch.port1.onmessage = () => (b.firstRowsMs = performance.now())
        ch.port2.postMessage(null)
      })
    }
  })
  mo.observe(document, { childList: true, subtree: true })
}

async function measureLoad(page: Page): Promise<Load> {
  await page.waitForFunction(() => (window as unknown as { __bench?: { firstRowsMs: number } }).__bench!.firstRowsMs >= 0, null, { timeout: 60_000 })
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: { longTasks: { start: number; dur: number }[]; firstRowsMs: number } }).__bench
    const req = performance
      .getEntriesByType('resource')
      .find((e) => /\/api\/v1\/tasks\?/.test(e.name)) as PerformanceResourceTiming | undefined
    const before = b.longTasks.filter((t) => t.start < b.firstRowsMs)
    return {
      firstRowsMs: b.firstRowsMs,
      firstPageRequestMs: req ? req.responseEnd - req.startTime : -1,
      firstPageRows: Number(document.querySelector('[data-test="todo-list"]')?.getAttribute('aria-rowcount') ?? 0),
      longTasks: before.length,
      longestTaskMs: Math.max(0, ...before.map((t) => t.dur)),
    }
  })
}

/**
 * scrollThrough scrolls the list from the top to its last row, ROWS_PER_FRAME
 * rows every animation frame, the page loading cursor pages as it nears the
 * end of what it has; it stops at the bottom once all rows are loaded.
 */
async function scrollThrough(page: Page, total: number): Promise<Scroll> {
  return page.evaluate(
    async ({ total, rowsPerFrame, stallMs }) => {
      const b = (window as unknown as { __bench: { longTasks: { start: number; dur: number }[] } }).__bench
      const box = document.querySelector('[data-test="todo-list"]') as HTMLElement
      const first = box.querySelector('[role="listitem"]') as HTMLElement
      const rowHeight = first.offsetHeight
      const step = rowHeight * rowsPerFrame
      const frames: number[] = []
      let maxDomRows = 0
      let waitFrames = 0
      let waitMs = 0
      let allLoaded = -1
      box.scrollTop = 0
      const requestsBefore = performance.getEntriesByType('resource').length
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      const t0 = performance.now()
      const end = await new Promise<number>((resolve, reject) => {
        let last = -1
        const give = setTimeout(() => reject(new Error(`the list did not reach its end in 120 s: ${box.getAttribute('aria-rowcount')} of ${total} rows`)), 120_000)
        const tick = (ts: number) => {
          if (last >= 0) frames.push(ts - last)
          last = ts
          maxDomRows = Math.max(maxDomRows, box.querySelectorAll('[role="listitem"]').length)
          const count = Number(box.getAttribute('aria-rowcount'))
          if (allLoaded < 0 && count >= total) allLoaded = performance.now() - t0
          const bottom = box.scrollHeight - box.clientHeight
          if (box.scrollTop >= bottom - 1) {
            if (count >= total) {
              clearTimeout(give)
              resolve(performance.now())
              return
            }
            waitFrames++
            if (frames.length) waitMs += frames[frames.length - 1]
          }
          box.scrollTop = Math.min(box.scrollTop + step, bottom)
          requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      })
      const sorted = [...frames].sort((x, y) => x - y)
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
      const during = b.longTasks.filter((t) => t.start >= t0 && t.start <= end)
      const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .slice(requestsBefore)
        .filter((e) => /\/api\/v1\/tasks\?/.test(e.name) && e.startTime >= t0 && e.startTime <= end)
        .map((e) => ({ at: Math.round(e.startTime - t0), ms: Math.round(e.responseEnd - e.startTime), url: e.name.replace(/^.*\/api\/v1/, '') }))
      const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
      return {
        rowHeight,
        stepPx: step,
        frames: frames.length,
        durationMs: end - t0,
        allLoadedMs: allLoaded,
        rowsAtEnd: Number(box.getAttribute('aria-rowcount')),
        maxDomRows,
        frameP50: pct(0.5),
        frameP95: pct(0.95),
        frameMax: sorted[sorted.length - 1],
        stalls: frames.filter((f) => f >= stallMs).length,
        waitFrames,
        waitMs,
        taskRequests: requests.length,
        longTasks: during.length,
        longestTaskMs: Math.max(0, ...during.map((t) => t.dur)),
        domElements: document.getElementsByTagName('*').length,
        heapMB: mem ? mem.usedJSHeapSize / 2 ** 20 : null,
        timeline: { longTasks: during.map((t) => ({ at: Math.round(t.start - t0), ms: Math.round(t.dur) })), requests },
      }
    },
    { total, rowsPerFrame: ROWS_PER_FRAME, stallMs: STALL_MS },
  )
}

type Metrics = Record<string, number>

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const r = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]))
}

function cpuBetween(a: Metrics, b: Metrics): Cpu {
  const d = (k: string) => Math.round(((b[k] ?? 0) - (a[k] ?? 0)) * 1000)
  return { wallMs: d('Timestamp'), threadMs: d('ThreadTime'), scriptMs: d('ScriptDuration'), layoutMs: d('LayoutDuration'), styleMs: d('RecalcStyleDuration') }
}

interface TraceEvent {
  ph: string
  name: string
  pid: number
  tid: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/** mainThreadTasks reads the busiest renderer main thread's top-level tasks from a trace. */
function mainThreadTasks(trace: Buffer): Tasks {
  const parsed = JSON.parse(trace.toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`))
  const byThread = new Map<string, TraceEvent[]>()
  for (const e of events) {
    const k = `${e.pid}/${e.tid}`
    if (e.ph !== 'X' || !main.has(k) || !/RunTask$/.test(e.name)) continue
    const l = byThread.get(k)
    if (l) l.push(e)
    else byThread.set(k, [e])
  }
  const cpu = (l: TraceEvent[]) => l.reduce((a, e) => a + (e.tdur ?? 0), 0)
  const tasks = [...byThread.values()].sort((a, b) => cpu(b) - cpu(a))[0] ?? []
  const ms = (us: number | undefined) => (us ?? 0) / 1000
  return {
    count: tasks.length,
    cpuMs: ms(cpu(tasks)),
    longestWallMs: Math.max(0, ...tasks.map((e) => ms(e.dur))),
    longestCpuMs: Math.max(0, ...tasks.map((e) => ms(e.tdur))),
    longByCpu: tasks.filter((e) => ms(e.tdur) >= 50).length,
  }
}

async function open(browser: Browser, vp: Viewport): Promise<Page> {
  const s = benchServer()
  const ctx = await browser.newContext({
    baseURL: s.baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: vp.width, height: vp.height },
    isMobile: vp.mobile,
    hasTouch: vp.mobile,
  })
  const r = await ctx.request.post('/api/v1/auth/login', { data: { username: s.username, password: s.password } })
  if (!r.ok()) throw new Error(`bench: login as ${s.username}: HTTP ${r.status()} ${await r.text()}`)
  await ctx.addInitScript(instrument)
  return ctx.newPage()
}

test.describe.configure({ mode: 'serial' })

for (const vp of VIEWPORTS) {
  test(`to-do list of 1,000+ rows, ${vp.name}`, async ({ browser }) => {
    const s = benchServer()
    expect(s.openTasks, 'the set-up gave the department at least 1,000 open tasks').toBeGreaterThanOrEqual(1000)
    const page = await open(browser, vp)

    // Cold: a new session's first visit (no cached assets), from the navigation's start.
    await page.goto('/todo')
    const cold = await measureLoad(page)
    await expect(page.getByRole('heading', { name: '待办' })).toBeVisible()

    // Each run reloads the page (assets cached) and scrolls through every row.
    const runs: Run[] = []
    for (let i = 0; i < RUNS; i++) {
      await page.reload()
      const load = await measureLoad(page)
      expect(load.firstPageRows, 'the first cursor page is on screen').toBeGreaterThan(0)
      const loadavg = loadavg1()
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
      const m0 = await metrics(cdp)
      await browser.startTracing(page, { categories: ['toplevel', '__metadata'] })
      const scroll = await scrollThrough(page, s.openTasks)
      const tasks = mainThreadTasks(await browser.stopTracing())
      const cpu = cpuBetween(m0, await metrics(cdp))
      await cdp.detach()
      // Every row loaded and the last one on screen. (The footer's "已全部加载" is not
      // checked: the 5 s refresh can turn it back to "加载更多", see docs/benchmarks.md.)
      expect(scroll.rowsAtEnd).toBe(s.openTasks)
      await expect(page.locator(ROW).last()).toBeInViewport()
      await expect(page.locator(ROW).last()).toHaveAttribute('aria-posinset', String(s.openTasks))
      runs.push({ load, scroll, cpu, tasks, loadavg })
    }
    results.push({ viewport: vp.name, openTasks: s.openTasks, cold, runs })
    await page.context().close()
  })
}

/** loadavg1 is the machine's one-minute load average: how shared the two cores were. */
function loadavg1(): number {
  return os.loadavg()[0]
}

/** medianRun is the run in the middle when ordered by stalls, then frame p95, then the longest frame. */
function medianRun(runs: Run[]): Run {
  const key = (r: Run) => [r.scroll.stalls, r.scroll.frameP95, r.scroll.frameMax]
  const sorted = [...runs].sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2]
  })
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

test.afterAll(async ({ browser }) => {
  if (!results.length) return
  const s = benchServer()
  const ms = (v: number) => (v < 0 ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`)
  const ms1 = (v: number) => v.toFixed(1)
  const each = (r: Result, f: (x: Run) => string) => r.runs.map(f).join(' · ')
  type Row = [string, (r: Result, m: Run) => string]
  const rows: Row[] = [
    ['open tasks in the list (SQLite)', (r) => r.openTasks.toLocaleString('en-US')],
    ['first rows, cold (new session, from navigation start)', (r) => ms(r.cold.firstRowsMs)],
    ['long tasks before first rows, cold: count, longest', (r) => `${r.cold.longTasks}, ${ms(r.cold.longestTaskMs)}`],
    ['first rows, reload (assets cached), each run', (r) => each(r, (x) => ms(x.load.firstRowsMs))],
    ['first GET /tasks page: time (rows)', (_, m) => `${ms(m.load.firstPageRequestMs)} (${m.load.firstPageRows})`],
    ['scroll top → bottom: step, frames, time', (_, m) => `${m.scroll.stepPx} px (${ROWS_PER_FRAME} rows), ${m.scroll.frames}, ${ms(m.scroll.durationMs)}`],
    ['all rows loaded (from scroll start)', (_, m) => ms(m.scroll.allLoadedMs)],
    ['GET /tasks while scrolling (pages + 5 s refreshes)', (_, m) => String(m.scroll.taskRequests)],
    ['rows in the list at the end', (_, m) => m.scroll.rowsAtEnd.toLocaleString('en-US')],
    ['DOM rows at once (max while scrolling)', (_, m) => String(m.scroll.maxDomRows)],
    ['frame time p50 / p95 / max', (_, m) => `${ms1(m.scroll.frameP50)} / ${ms1(m.scroll.frameP95)} / ${ms1(m.scroll.frameMax)} ms`],
    [`frames ≥ ${STALL_MS} ms (stalls)`, (_, m) => String(m.scroll.stalls)],
    ['long tasks while scrolling: count, longest', (_, m) => `${m.scroll.longTasks}, ${ms(m.scroll.longestTaskMs)}`],
    ['main thread CPU while scrolling (script, layout, style)', (_, m) => `${ms(m.cpu.threadMs)} of ${ms(m.cpu.wallMs)} (${ms(m.cpu.scriptMs)}, ${ms(m.cpu.layoutMs)}, ${ms(m.cpu.styleMs)})`],
    ['main-thread tasks: longest (wall / its CPU), ≥ 50 ms of CPU', (_, m) => `${ms(m.tasks.longestWallMs)} / ${ms(m.tasks.longestCpuMs)}, ${m.tasks.longByCpu}`],
    ['frames waiting at the loaded end for a page', (_, m) => `${m.scroll.waitFrames} (${ms(m.scroll.waitMs)})`],
    ['DOM elements, JS heap at the end', (_, m) => `${m.scroll.domElements.toLocaleString('en-US')}, ${m.scroll.heapMB === null ? '—' : `${m.scroll.heapMB.toFixed(1)} MB`}`],
    ['each run: stalls', (r) => each(r, (x) => String(x.scroll.stalls))],
    ['each run: frame p95 / max (ms)', (r) => each(r, (x) => `${ms1(x.scroll.frameP95)}/${Math.round(x.scroll.frameMax)}`)],
    ['each run: longest long task while scrolling', (r) => each(r, (x) => ms(x.scroll.longestTaskMs))],
    ['each run: longest main-thread task, CPU', (r) => each(r, (x) => ms(x.tasks.longestCpuMs))],
    ['each run: machine load average (1 min)', (r) => each(r, (x) => x.loadavg.toFixed(1))],
  ]
  const medians = results.map((r) => medianRun(r.runs))
  const goalMet = medians.every((m) => m.scroll.stalls === 0 && m.scroll.longestTaskMs < STALL_MS)
  const ownCpu = Math.max(...results.flatMap((r) => r.runs.map((x) => x.tasks.longestCpuMs)))
  const head = ['figure (median run unless "each run")', ...results.map((r) => r.viewport)]
  const body = rows.map(([name, f]) => [name, ...results.map((r, i) => f(r, medians[i]))])
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => row[i].length)))
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const table = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n')
  const version = browser.version()
  console.log(
    `\nweb UI: to-do list of ${s.username} (${s.dept}), ${RUNS} runs a viewport, Chromium ${version} headless, ${new Date().toISOString()}\n${table}\n` +
      `goal "no visible stall" (median run: no frame ≥ ${STALL_MS} ms and no long task ≥ ${STALL_MS} ms while scrolling every row): ${goalMet ? 'GOAL MET' : 'GOAL MISSED'}\n` +
      `the page's own work: the longest main-thread task of any run used ${ms(ownCpu)} of CPU (${ownCpu < 50 ? 'under' : 'over'} the 50 ms of a long task on an idle machine); load average now ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`,
  )
  mkdirSync(OUT, { recursive: true })
  const file = join(OUT, 'todo.json')
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), chromium: version, rowsPerFrame: ROWS_PER_FRAME, dept: s.dept, results, goalMet }, null, 2))
  console.log(`figures: ${file}`)
})
