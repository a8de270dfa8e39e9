// usePolling runs fn every interval while the page is visible
// (document.visibilityState), at once when it becomes visible again, and
// never two at a time. Polling, not SSE: the API has no event stream yet,
// a project view is one cheap indexed read, and polling survives proxies
// and instance restarts without reconnection logic.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function usePolling(fn: () => Promise<unknown>, intervalMs = 5000) {
  const visible = ref(typeof document === 'undefined' ? true : document.visibilityState === 'visible')
  let timer: ReturnType<typeof setTimeout> | null = null
  let running = false
  let stopped = false

  async function tick() {
    timer = null
    if (stopped || !visible.value) return
    if (!running) {
      running = true
      try {
        await fn()
      } catch {
        // the next tick tries again; errors are shown by the caller
      } finally {
        running = false
      }
    }
    schedule()
  }

  function schedule() {
    if (stopped || !visible.value || timer) return
    timer = setTimeout(tick, intervalMs)
  }

  function onVisibility() {
    visible.value = document.visibilityState === 'visible'
    if (visible.value) {
      if (timer) clearTimeout(timer)
      timer = null
      void tick()
    } else if (timer) {
      clearTimeout(timer)
      timer = null
    }
  }

  onMounted(() => {
    document.addEventListener('visibilitychange', onVisibility)
    schedule()
  })
  onBeforeUnmount(() => {
    stopped = true
    document.removeEventListener('visibilitychange', onVisibility)
    if (timer) clearTimeout(timer)
  })
  return { visible }
}
