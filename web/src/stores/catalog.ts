// Catalog data the screens share (departments, state names, flows, items,
// the questionnaire), fetched once per page load and on demand.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { catalogApi } from '@/api/catalog'
import type { CatalogDepartment, CatalogFlow, CatalogItem, CatalogQuestion, StateInfo } from '@/api/types'

function once<T>(load: () => Promise<T>) {
  let p: Promise<T> | null = null
  return (force = false) => {
    if (!p || force) {
      p = load().catch((e) => {
        p = null
        throw e
      })
    }
    return p
  }
}

export const useCatalogStore = defineStore('catalog', () => {
  const departments = ref<CatalogDepartment[]>([])
  const states = ref<StateInfo[]>([])
  const flows = ref<CatalogFlow[]>([])
  const items = ref<CatalogItem[]>([])
  const situations = ref<CatalogQuestion[]>([])

  const loadDepartments = once(async () => (departments.value = await catalogApi.departments()))
  const loadStates = once(async () => (states.value = await catalogApi.states()))
  const loadFlows = once(async () => (flows.value = await catalogApi.flows()))
  const loadItems = once(async () => (items.value = await catalogApi.items()))
  const loadSituations = once(async () => (situations.value = await catalogApi.situations()))

  function deptName(code: string | undefined, short = false): string {
    if (!code) return ''
    const d = departments.value.find((x) => x.code === code)
    if (!d) return code
    return short ? d.short || d.name : d.name
  }

  /** stateName names a national state code in lang, falling back to the server's Chinese name. */
  function stateName(code: number, lang: string, fallback = ''): string {
    const s = states.value.find((x) => x.code === code)
    if (!s) return fallback || String(code)
    return lang === 'en' ? s.name_en || s.name : s.name
  }

  function flowOf(id: string, version?: number): CatalogFlow | undefined {
    const all = flows.value.filter((f) => f.id === id)
    if (version) return all.find((f) => f.version === version)
    return all.sort((a, b) => b.version - a.version)[0]
  }

  return {
    departments,
    states,
    flows,
    items,
    situations,
    loadDepartments,
    loadStates,
    loadFlows,
    loadItems,
    loadSituations,
    deptName,
    stateName,
    flowOf,
  }
})
