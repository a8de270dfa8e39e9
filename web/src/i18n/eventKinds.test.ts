// Kinds of event the server writes into a project's record have a name in
// both languages: the project timeline and the task history show the name,
// and fall back to the raw kind ("cert.issue") when there is none — as the
// certificate events did.
import { describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'

/** KINDS: the common ones of internal/workflow, and every one of internal/cert/issue.go (dotted: nested keys). */
const KINDS = [
  'project_created',
  'stage_submitted',
  'task_created',
  'material_uploaded',
  'accept',
  'approve',
  'request_correction',
  'resubmit',
  'chase',
  'cert.issue',
  'cert.pdf',
  'cert.revoke',
]

describe('event kinds', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`are named in ${lang}`, () => {
      const { te, t } = i18n.global
      for (const k of KINDS) {
        expect(te(`events.kinds.${k}`, lang), k).toBe(true)
        expect(t(`events.kinds.${k}`, {}, { locale: lang }), k).not.toContain('.')
      }
    })
  }
})
