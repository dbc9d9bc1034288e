export const ROLES = ['admin', 'coordinator', 'researcher', 'editor'] as const;
export type Role = (typeof ROLES)[number];

export type AuthUser = { id: string; email: string; name: string; roles: Role[] };

/**
 * Admins may do everything; others need the route's role. Editors curate the knowledge base of
 * practices (server/src/practices); coordinators may do that too, so they hold `editor` implicitly.
 */
export function hasRole(user: AuthUser, role: Role): boolean {
  if (user.roles.includes('admin') || user.roles.includes(role)) return true;
  return role === 'editor' && user.roles.includes('coordinator');
}
