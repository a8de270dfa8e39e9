// What the overview shows, from what the API gives a supervisor: project
// totals by state (GET /projects with limit=1: its total), every open task
// (GET /tasks?open=true, keyset pages of 1000, up to MAX_TASKS) and the
// names of the active projects they belong to. Audit administrators may
// list projects but not tasks, so for them only the totals load.
import { ref, shallowRef } from 'vue'
import { leadApi, type BoardTask } from '@/api/lead'
import { projectsApi } from '@/api/projects'
import type { Project, ProjectState } from '@/api/types'

export const PROJECT_STATES: ProjectState[] = ['active', 'completed', 'stopped', 'withdrawn']

/** MAX_TASKS caps the open tasks fetched; the page says when it was reached. */
export const MAX_TASKS = 5000
const PAGE = 1000
/** MAX_ACTIVE caps the active projects named (their tasks show the id otherwise). */
const MAX_ACTIVE = 2000

export function useOverview(withTasks: () => boolean) {
  const totals = ref<Record<string, number>>({})
  const tasks = shallowRef<BoardTask[]>([])
  const capped = ref(false)
  const projects = shallowRef(new Map<string, Project>())
  const loaded = ref(false)
  const updatedAt = ref<Date | null>(null)

  async function loadTotals() {
    const all = await Promise.all([projectsApi.list({ limit: 1 }), ...PROJECT_STATES.map((state) => projectsApi.list({ state, limit: 1 }))])
    const out: Record<string, number> = { all: all[0].total }
    PROJECT_STATES.forEach((s, i) => (out[s] = all[i + 1].total))
    totals.value = out
  }

  async function loadTasks() {
    const out: BoardTask[] = []
    let after: string | undefined
    do {
      const page = await leadApi.tasks({ open: true, limit: PAGE, after })
      out.push(...(page.items ?? []))
      after = page.next || undefined
    } while (after && out.length < MAX_TASKS)
    capped.value = !!after
    tasks.value = out
  }

  async function loadActive() {
    const map = new Map<string, Project>()
    for (let offset = 0; offset < MAX_ACTIVE; offset += 200) {
      const r = await projectsApi.list({ state: 'active', limit: 200, offset })
      for (const p of r.items ?? []) map.set(p.id, p)
      if (offset + 200 >= r.total) break
    }
    projects.value = map
  }

  async function load() {
    await Promise.all([loadTotals(), withTasks() ? Promise.all([loadTasks(), loadActive()]) : Promise.resolve()])
    loaded.value = true
    updatedAt.value = new Date()
  }

  return { totals, tasks, capped, projects, loaded, updatedAt, load }
}
