// One page of GET /projects with the search box, the state filter and the
// pager the project lists share (the applicant's projects, the supervisor's
// overview).
import { reactive, ref, shallowRef } from 'vue'
import { projectsApi } from '@/api/projects'
import type { Project } from '@/api/types'
import { notifyError } from '@/lib/notify'

export function useProjectList(size = 10) {
  const query = reactive({ q: '', state: '', page: 1, size })
  const items = shallowRef<Project[]>([])
  const total = ref(0)
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const r = await projectsApi.list({ q: query.q.trim() || undefined, state: query.state || undefined, limit: query.size, offset: (query.page - 1) * query.size })
      items.value = r.items ?? []
      total.value = r.total
    } catch (e) {
      notifyError(e)
    } finally {
      loading.value = false
    }
  }

  /** search starts again from the first page. */
  function search() {
    query.page = 1
    void load()
  }

  return { query, items, total, loading, load, search }
}
