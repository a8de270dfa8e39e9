// Roles and what each sees: the side menu and the home route.
import type { Role } from '@/api/types'

export const OFFICER_ROLES: Role[] = ['clerk', 'reviewer', 'approver', 'lead']
export const ADMIN_ROLES: Role[] = ['sysadmin', 'secadmin', 'auditadmin']

export interface MenuEntry {
  /** route name */
  name: string
  /** i18n key under "menu." */
  label: string
  icon: string
  roles: Role[]
}

/** MENU is the side menu, top to bottom; each entry shows to the listed roles. */
export const MENU: MenuEntry[] = [
  { name: 'projects', label: 'projects', icon: 'Folder', roles: ['applicant'] },
  { name: 'project-new', label: 'newProject', icon: 'CirclePlus', roles: ['applicant'] },
  { name: 'enterprise', label: 'enterprise', icon: 'OfficeBuilding', roles: ['applicant'] },
  { name: 'todo', label: 'todo', icon: 'List', roles: OFFICER_ROLES },
  { name: 'lead-board', label: 'lead', icon: 'DataBoard', roles: ['lead'] },
  { name: 'overview', label: 'overview', icon: 'View', roles: ['supervisor', 'auditadmin'] },
  { name: 'city-map', label: 'map', icon: 'MapLocation', roles: ['supervisor', 'lead'] },
  { name: 'admin-users', label: 'users', icon: 'User', roles: ADMIN_ROLES },
  // The security and audit administrators read it too, for the departments' signing keys.
  { name: 'admin-departments', label: 'departments', icon: 'School', roles: ADMIN_ROLES },
  { name: 'admin-catalog', label: 'catalog', icon: 'Collection', roles: ['sysadmin'] },
  { name: 'admin-calendar', label: 'calendar', icon: 'Calendar', roles: ['sysadmin'] },
]

export function hasAny(roles: readonly Role[], allowed: readonly Role[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true
  return roles.some((r) => allowed.includes(r))
}

export function menuFor(roles: readonly Role[]): MenuEntry[] {
  return MENU.filter((m) => hasAny(roles, m.roles))
}

/** homeRoute is where "/" sends a logged-in person: the first menu entry of their roles. */
export function homeRoute(roles: readonly Role[]): string {
  return menuFor(roles)[0]?.name ?? 'forbidden'
}
