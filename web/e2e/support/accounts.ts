// Accounts a test makes for itself (through the security administrator's
// API), for what must not touch the shared demo accounts: changing a
// password, disabling. Each gets a fresh username and a policy-compliant
// password (10+ characters, three classes, not containing the username).
import { randomBytes } from 'node:crypto'
import type { Api } from './api'

export interface MadeAccount {
  id: string
  username: string
  password: string
  displayName: string
}

/** freshPassword is a password the server's policy takes. */
export function freshPassword(): string {
  return `Tb-${randomBytes(6).toString('base64url')}7q!`
}

/**
 * createApplicant makes an applicant of the demo enterprise of qiye (厦门鹭岛智造科技有限公司)
 * as admin (anquan or xitong), named prefix-<worker>-<time>.
 */
export async function createApplicant(admin: Api, prefix: string, worker: number, displayName = '林晓燕（e2e）'): Promise<MadeAccount> {
  const users = (await admin.get<{ items: { username: string; enterprise_uscc?: string }[] }>('/users')).items
  const qiye = users.find((u) => u.username === 'qiye')
  if (!qiye?.enterprise_uscc) throw new Error('e2e: the demo applicant qiye has no enterprise')
  const username = `${prefix}-${worker}-${Date.now() % 1_000_000}`
  const password = freshPassword()
  const u = await admin.post<{ id: string }>('/users', {
    username,
    display_name: displayName,
    password,
    roles: ['applicant'],
    enterprise_uscc: qiye.enterprise_uscc,
    enterprise_name: '厦门鹭岛智造科技有限公司',
  })
  return { id: u.id, username, password, displayName }
}
