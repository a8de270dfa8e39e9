// Routes, lazy-loaded so the login page loads only what it needs, and the
// guards: a session for everything but the login page, and the roles each
// route allows (meta.roles; none = any logged-in person).
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/types'
import { i18n } from '@/i18n'
import { ADMIN_ROLES, hasAny, OFFICER_ROLES } from '@/lib/roles'
import { useAuthStore } from '@/stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** public: no session needed. */
    public?: boolean
    /** anonymous: a public page that never asks about the session (no GET /me): the certificate verification a QR code opens. */
    anonymous?: boolean
    /** roles allowed; absent = anyone logged in. */
    roles?: Role[]
    /** i18n key of the page title. */
    title?: string
  }
}

const PROJECT_READERS: Role[] = ['applicant', ...OFFICER_ROLES, 'supervisor', 'auditadmin']

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/pages/login/index.vue'), meta: { public: true, title: 'login.title' } },
  // Public certificate verification (电子证照核验), its own layout; /verify/{number} is the QR code's target.
  { path: '/verify/:number?', name: 'verify', component: () => import('@/pages/verify/index.vue'), meta: { public: true, anonymous: true, title: 'verify.title' } },
  {
    path: '/',
    component: () => import('@/layouts/AppLayout.vue'),
    children: [
      // "/" goes to the home of the person's roles (see the guard).
      { path: '', name: 'home', component: () => import('@/pages/errors/NotFound.vue') },

      // Applicant portal.
      { path: 'projects', name: 'projects', component: () => import('@/pages/projects/index.vue'), meta: { roles: PROJECT_READERS, title: 'menu.projects' } },
      { path: 'projects/new', name: 'project-new', component: () => import('@/pages/project-new/index.vue'), meta: { roles: ['applicant'], title: 'menu.newProject' } },
      { path: 'projects/:id', name: 'project', component: () => import('@/pages/project/index.vue'), props: true, meta: { roles: PROJECT_READERS, title: 'detail.overview' } },
      { path: 'enterprise', name: 'enterprise', component: () => import('@/pages/enterprise/index.vue'), meta: { roles: ['applicant'], title: 'menu.enterprise' } },

      // Placeholders for the next iterations (officer workbench, lead board, map, administration).
      { path: 'projects/:id/map', name: 'project-map', component: () => import('@/pages/map/project.vue'), props: true, meta: { roles: PROJECT_READERS, title: 'menu.map' } },
      { path: 'todo', name: 'todo', component: () => import('@/pages/officer/todo/index.vue'), meta: { roles: OFFICER_ROLES, title: 'menu.todo' } },
      { path: 'tasks/:id', name: 'task', component: () => import('@/pages/officer/task/index.vue'), props: true, meta: { roles: OFFICER_ROLES, title: 'menu.todo' } },
      { path: 'lead', name: 'lead-board', component: () => import('@/pages/lead/board/index.vue'), meta: { roles: ['lead'], title: 'menu.lead' } },
      { path: 'overview', name: 'overview', component: () => import('@/pages/supervisor/overview/index.vue'), meta: { roles: ['supervisor', 'auditadmin'], title: 'menu.overview' } },
      { path: 'map', name: 'city-map', component: () => import('@/pages/map/city.vue'), meta: { roles: ['supervisor', 'lead'], title: 'menu.map' } },
      { path: 'admin/users', name: 'admin-users', component: () => import('@/pages/admin/users/index.vue'), meta: { roles: ADMIN_ROLES, title: 'menu.users' } },
      { path: 'admin/departments', name: 'admin-departments', component: () => import('@/pages/admin/departments/index.vue'), meta: { roles: ADMIN_ROLES, title: 'menu.departments' } },
      { path: 'admin/catalog', name: 'admin-catalog', component: () => import('@/pages/admin/catalog/index.vue'), meta: { roles: ['sysadmin'], title: 'menu.catalog' } },
      { path: 'admin/calendar', name: 'admin-calendar', component: () => import('@/pages/admin/calendar/index.vue'), meta: { roles: ['sysadmin'], title: 'menu.calendar' } },

      // Anyone logged in: their account and password (reached from the header's user menu).
      { path: 'account', name: 'account', component: () => import('@/pages/account/index.vue'), meta: { title: 'account.title' } },

      { path: '403', name: 'forbidden', component: () => import('@/pages/errors/Forbidden.vue'), meta: { title: 'errors.forbiddenTitle' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/pages/errors/NotFound.vue'), meta: { title: 'errors.notFoundTitle' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

/** safeRedirect accepts only same-site paths ("/x", not "//host" or "http:…"). */
export function safeRedirect(v: unknown): string | null {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s !== 'string' || !s.startsWith('/') || s.startsWith('//') || s.startsWith('/login')) return null
  return s
}

/** loginLocation is the login page keeping the target route. */
export function loginLocation(target: RouteLocationNormalized | string) {
  const full = typeof target === 'string' ? target : target.fullPath
  return { name: 'login', query: full && full !== '/' && !full.startsWith('/login') ? { redirect: full } : {} }
}

router.beforeEach(async (to) => {
  if (to.meta.anonymous) return true
  const auth = useAuthStore()
  if (!auth.probed) {
    try {
      await auth.fetchMe()
    } catch {
      // server unreachable: treat as logged out; the login page says why on submit
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && auth.loggedIn) return safeRedirect(to.query.redirect) ?? { name: auth.home }
    return true
  }
  if (!auth.loggedIn) return loginLocation(to)
  if (to.name === 'home') return { name: auth.home }
  if (!hasAny(auth.roles, to.meta.roles)) return { name: 'forbidden', replace: true }
  return true
})

router.afterEach((to) => {
  const { t } = i18n.global
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = title ? `${title} · ${t('app.name')}` : t('app.fullName')
})
