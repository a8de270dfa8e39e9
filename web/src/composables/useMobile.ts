// useMobile tracks whether the viewport is phone-sized (under 768 px): the
// side menu becomes a drawer and wide tables become cards.
import { onBeforeUnmount, ref } from 'vue'

export const MOBILE_QUERY = '(max-width: 767.98px)'

export function useMobile() {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(MOBILE_QUERY) : null
  const mobile = ref(mq?.matches ?? false)
  const onChange = (e: MediaQueryListEvent) => (mobile.value = e.matches)
  mq?.addEventListener('change', onChange)
  onBeforeUnmount(() => mq?.removeEventListener('change', onChange))
  return mobile
}
