// What the overview shows, from what the API gives a supervisor: project
// totals by state (GET /projects with limit=1: its total) and every open
// task (GET /tasks?open=true, keyset pages of 1000, up to MAX_TASKS), each
// carrying its project's code and name. Audit administrators may list
// projects but not tasks, so for them only the totals load.
import { ref, shallowRef } from 'vue'
import { projectsApi } from '@/api/projects'
import { tasksApi, TASKS_MAX_LIMIT } from '@/api/tasks'
import type { ProjectState, Task } from '@/api/types'

export const PROJECT_STATES: ProjectState[] = ['active', 'completed', 'stopped', 'withdrawn']

/** MAX_TASKS caps the open tasks fetched; the page says when it was reached. */
export const MAX_TASKS = 5000

export function useOverview(withTasks: () => boolean) {
  const totals = ref<Record<string, number>>({})
  const tasks = shallowRef<Task[]>([])
  const capped = ref(false)
  const loaded = ref(false)
  const updatedAt = ref<Date | null>(null)

  async function loadTotals() {
    const all = await Promise.all([projectsApi.list({ limit: 1 }), ...PROJECT_STATES.map((state) => projectsApi.list({ state, limit: 1 }))])
    const out: Record<string, number> = { all: all[0].total }
    PROJECT_STATES.forEach((s, i) => (out[s] = all[i + 1].total))
    totals.value = out
  }

  async function loadTasks() {
    const out: Task[] = []
    let after: string | undefined
    do {
      const page = await tasksApi.list({ open: true, limit: TASKS_MAX_LIMIT, after })
      out.push(...(page.items ?? []))
      after = page.next || undefined
    } while (after && out.length < MAX_TASKS)
    capped.value = !!after
    tasks.value = out
  }

  async function load() {
    await Promise.all([loadTotals(), withTasks() ? loadTasks() : Promise.resolve()])
    loaded.value = true
    updatedAt.value = new Date()
  }

  return { totals, tasks, capped, loaded, updatedAt, load }
}
