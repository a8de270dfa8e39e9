// usePreview asks the server which items the project would need
// (POST /catalog/preview) whenever the flow, the facts or the answers
// change: debounced, the previous request aborted, the previous answer kept
// to show what was added or removed.
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { catalogApi } from '@/api/catalog'
import { ApiError } from '@/api/http'
import type { PreviewIn, PreviewOut } from '@/api/types'
import { groupPreview, itemsByQuestion } from '@/lib/preview'

export function usePreview(input: Ref<PreviewIn | null>, delayMs = 350) {
  const current = shallowRef<PreviewOut | null>(null)
  const previous = shallowRef<PreviewOut | null>(null)
  const loading = ref(false)
  const error = ref('')
  let timer: ReturnType<typeof setTimeout> | null = null
  let ctrl: AbortController | null = null
  let lastKey = ''

  async function run(body: PreviewIn) {
    ctrl?.abort()
    const mine = new AbortController()
    ctrl = mine
    loading.value = true
    try {
      const out = await catalogApi.preview(body, mine.signal)
      if (ctrl !== mine) return
      // A different flow starts afresh: nothing is "added" against another flow.
      previous.value = current.value && current.value.flow_id === out.flow_id ? current.value : null
      current.value = out
      error.value = ''
    } catch (e) {
      if (ctrl !== mine || (e instanceof DOMException && e.name === 'AbortError')) return
      error.value = e instanceof ApiError ? e.message : String(e)
    } finally {
      if (ctrl === mine) loading.value = false
    }
  }

  watch(
    input,
    (body) => {
      if (timer) clearTimeout(timer)
      if (!body) {
        ctrl?.abort()
        current.value = null
        previous.value = null
        loading.value = false
        lastKey = ''
        return
      }
      const key = JSON.stringify(body)
      if (key === lastKey) return
      lastKey = key
      loading.value = true
      timer = setTimeout(() => void run(body), delayMs)
    },
    { deep: true, immediate: true },
  )

  const grouped = computed(() => groupPreview(current.value, previous.value))
  const byQuestion = computed(() => itemsByQuestion(current.value))
  return { current, grouped, byQuestion, loading, error }
}
