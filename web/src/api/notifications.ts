// In-app messages (消息): GET /notifications, newest first. The audience is
// the caller, their department (officers) and their enterprise
// (applicants); the server keeps no per-person read state for department
// and enterprise messages, so what one has seen is kept in the browser
// (lib/notifications.ts).
import { http } from './http'

/** Notification is one message (StoreNotification in the OpenAPI document). */
export interface Notification {
  id: string
  /** "user:<id>", "dept:<code>" or "ent:<uscc>". */
  audience: string
  /** chase, task_new, warning, overdue, task_<action>, stage_<state>. */
  kind: string
  project_id?: string
  task_id?: string
  /** Written by the server, in Chinese. */
  title: string
  body: string
  /** RFC 3339. */
  created_at: string
  /** Never set for department and enterprise messages (no per-person read state). */
  read_at?: string
}

/** NOTIFICATIONS_MAX is the largest limit the server takes. */
export const NOTIFICATIONS_MAX = 200

export const notificationsApi = {
  /**
   * list reads the newest messages. The answer carries an ETag and the
   * browser revalidates with If-None-Match, so a poll that finds nothing
   * new is a 304 with no body.
   */
  list: (limit = 20, signal?: AbortSignal) => http.get<{ items: Notification[] | null }>('/notifications', { query: { limit }, signal }).then((r) => r.items ?? []),
}
