// What "reload" means after a 409: the page on screen registers how to
// fetch its data again; with none registered the whole page reloads.
import { onBeforeUnmount } from 'vue'

const handlers = new Set<() => void | Promise<void>>()

/** onConflictReload registers fn for the life of the calling component. */
export function onConflictReload(fn: () => void | Promise<void>): void {
  handlers.add(fn)
  onBeforeUnmount(() => handlers.delete(fn))
}

export async function runConflictReload(): Promise<void> {
  if (handlers.size === 0) {
    window.location.reload()
    return
  }
  await Promise.all([...handlers].map((h) => h()))
}
