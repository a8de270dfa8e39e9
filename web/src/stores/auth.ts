// The session: who is logged in, their roles and the CSRF token that
// unsafe requests carry. The cookie itself is HttpOnly and never seen here.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import { ApiError } from '@/api/http'
import type { Role, User } from '@/api/types'
import { hasAny, homeRoute, OFFICER_ROLES } from '@/lib/roles'

export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const csrf = ref('')
  /** The applicant's enterprise as registered ('' for officers, or before it is registered). */
  const enterpriseName = ref('')
  /** probed: the session was asked for once (GET /me) since the page loaded. */
  const probed = ref(false)
  let probing: Promise<User | null> | null = null

  const roles = computed<Role[]>(() => user.value?.roles ?? [])
  const loggedIn = computed(() => !!user.value)
  const isApplicant = computed(() => roles.value.includes('applicant'))
  const isOfficer = computed(() => hasAny(roles.value, OFFICER_ROLES))
  const home = computed(() => homeRoute(roles.value))

  function set(u: User | null, token = '', enterprise = '') {
    user.value = u
    csrf.value = token
    enterpriseName.value = enterprise
  }

  /** fetchMe asks the server for the session once; later calls reuse the answer unless force. */
  async function fetchMe(force = false): Promise<User | null> {
    if (probed.value && !force) return user.value
    if (probing) return probing
    probing = authApi
      .me()
      .then((r) => {
        set(r.user, r.csrf_token, r.enterprise_name)
        return r.user
      })
      .catch((e) => {
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          set(null)
          return null
        }
        throw e
      })
      .finally(() => {
        probed.value = true
        probing = null
      })
    return probing
  }

  async function login(username: string, password: string): Promise<User> {
    const r = await authApi.login(username, password)
    set(r.user, r.csrf_token, r.enterprise_name)
    probed.value = true
    return r.user
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch {
      // the session may already be gone; forget it locally all the same
    }
    set(null)
  }

  /** expire forgets a session the server no longer knows (a 401). */
  function expire() {
    set(null)
    probed.value = true
  }

  function hasRole(...want: Role[]): boolean {
    return hasAny(roles.value, want)
  }

  return { user, csrf, enterpriseName, probed, roles, loggedIn, isApplicant, isOfficer, home, fetchMe, login, logout, expire, hasRole }
})
