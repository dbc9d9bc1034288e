export const ROLES = ['admin', 'coordinator', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

export type AuthUser = { id: string; email: string; name: string; roles: Role[] };

/** Admins may do everything; others need the route's role. */
export function hasRole(user: AuthUser, role: Role): boolean {
  return user.roles.includes('admin') || user.roles.includes(role);
}
