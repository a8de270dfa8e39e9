// The to-do list's data: cursor pages of GET /tasks for the server part of
// the filter, loaded as the list scrolls (or all at once when a client-side
// filter needs every row to be complete), refreshed every 5 s while the page
// is visible. Each task carries its project's code and name.
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { tasksApi, TASKS_MAX_LIMIT } from '@/api/tasks'
import type { Task } from '@/api/types'
import { clientFiltered, fingerprint, serverKey, serverQuery, toRow, type TodoFilter, type TodoRow } from '@/lib/todo'

/** PAGE is the first and every further page: enough to fill a tall screen several times. */
export const PAGE = 200
/** LOAD_ALL_CAP bounds "load everything" for client-side filters. */
export const LOAD_ALL_CAP = 10_000

export function useTodo(filter: Ref<TodoFilter>) {
  const tasks = shallowRef<Task[]>([])
  const next = ref<string | undefined>(undefined)
  const loading = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  const updatedAt = ref<Date | null>(null)
  /** generation of the server query: answers to an older one are dropped */
  let gen = 0
  /** bumped whenever pages are appended, so a refresh that read fewer rows meanwhile is dropped */
  let appended = 0
  let print = ''

  const rows = computed<TodoRow[]>(() => tasks.value.map((t) => toRow(t)))
  const hasMore = computed(() => !!next.value)

  function setTasks(list: Task[], cursor: string | undefined) {
    const fp = fingerprint(list)
    if (fp !== print) {
      print = fp
      tasks.value = list
    }
    next.value = cursor
    updatedAt.value = new Date()
  }

  /** loadFirst starts over with the current server filter. */
  async function loadFirst() {
    const g = ++gen
    loading.value = true
    error.value = null
    try {
      const r = await tasksApi.list({ ...serverQuery(filter.value), limit: PAGE })
      if (g !== gen) return
      setTasks(r.items ?? [], r.next)
      loaded.value = true
    } catch (e) {
      if (g === gen) error.value = e
      throw e
    } finally {
      if (g === gen) loading.value = false
    }
  }

  /** loadMore appends the next cursor page. */
  async function loadMore() {
    if (!next.value || loadingMore.value || loading.value) return
    const g = gen
    loadingMore.value = true
    try {
      const r = await tasksApi.list({ ...serverQuery(filter.value), limit: PAGE, after: next.value })
      if (g !== gen) return
      appended++
      setTasks([...tasks.value, ...(r.items ?? [])], r.next)
    } finally {
      loadingMore.value = false
    }
  }

  /** loadAll fetches the remaining pages in big steps (up to the cap), for client-side filters. */
  async function loadAll() {
    const g = gen
    if (loadingMore.value || loading.value) return
    loadingMore.value = true
    try {
      while (next.value && tasks.value.length < LOAD_ALL_CAP && g === gen) {
        const r = await tasksApi.list({ ...serverQuery(filter.value), limit: TASKS_MAX_LIMIT, after: next.value })
        if (g !== gen) return
        appended++
        setTasks([...tasks.value, ...(r.items ?? [])], r.next)
      }
    } finally {
      loadingMore.value = false
    }
  }

  /**
   * refresh re-reads from the first row as many rows as are loaded (at
   * least a page) and one more, in pages of up to the server's maximum, so tasks that
   * moved, concluded or arrived show within one poll; unchanged data does
   * not re-render.
   */
  async function refresh() {
    if (loading.value || loadingMore.value) return
    const g = gen
    const a = appended
    // One row more than loaded: the server gives a "next" cursor whenever a
    // page comes back full, so asking for exactly the loaded count would
    // report more rows after the last one had been loaded.
    const want = Math.max(PAGE, tasks.value.length) + 1
    const out: Task[] = []
    let cursor: string | undefined
    do {
      const r = await tasksApi.list({ ...serverQuery(filter.value), limit: Math.min(TASKS_MAX_LIMIT, want - out.length), after: cursor })
      if (g !== gen) return
      out.push(...(r.items ?? []))
      cursor = r.next
    } while (cursor && out.length < want)
    // Pages appended meanwhile (or being appended) are newer than this read: keep them.
    if (g !== gen || a !== appended || loadingMore.value) return
    setTasks(out, cursor)
    loaded.value = true
    error.value = null
  }

  // A change of the server part of the filter starts over; a change of the
  // client part that needs every row loads the rest.
  watch(
    () => serverKey(filter.value),
    () => {
      tasks.value = []
      print = ''
      next.value = undefined
      loaded.value = false
      loadFirst().catch(() => {})
    },
  )
  watch(
    [() => clientFiltered(filter.value), next, loading],
    ([needAll, cursor, busy]) => {
      if (needAll && cursor && !busy) loadAll().catch(() => {})
    },
  )

  return { tasks, rows, next, hasMore, loading, loadingMore, loaded, error, updatedAt, loadFirst, loadMore, loadAll, refresh }
}
