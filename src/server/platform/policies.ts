/**
 * The one place that answers "may this actor do X on this org unit?".
 * A role is bound to an org unit and reaches that unit's whole subtree, so a
 * permission check is: does any of the actor's roles carrying the permission
 * sit on an ancestor-or-self of the target unit (path prefix)?
 */
export const ROLES = [
  'citizen',
  'receptionist',
  'grid_worker',
  'mediator',
  'lawyer',
  'counselor',
  'handler',
  'community_secretary',
  'subdistrict_admin',
  'district_admin',
  'leader',
  'supervisor',
  'judge',
  'sysadmin',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org:read',
  'org:write',
  'user:read',
  'user:write',
  'case:read',
  'case:intake',
  'case:handle',
  'case:dispatch',
  'case:supervise',
  'order:issue',
  'order:execute',
  'pii:view',
  'psych:read',
  'config:write',
  'report:read',
  'audit:read',
  'clock:control',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const staffBase: Permission[] = ['org:read', 'case:read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  citizen: [],
  receptionist: [...staffBase, 'case:intake', 'pii:view'],
  grid_worker: [...staffBase, 'case:intake'],
  mediator: [...staffBase, 'case:handle'],
  lawyer: [...staffBase, 'case:handle'],
  counselor: [...staffBase, 'case:handle', 'psych:read'],
  handler: [...staffBase, 'case:handle', 'order:execute'],
  judge: [...staffBase, 'case:handle'],
  community_secretary: [...staffBase, 'case:intake', 'case:handle', 'case:dispatch', 'order:issue', 'pii:view', 'report:read', 'user:read'],
  subdistrict_admin: [
    ...staffBase, 'org:write', 'user:read', 'user:write', 'case:intake', 'case:handle', 'case:dispatch',
    'order:issue', 'pii:view', 'report:read',
  ],
  district_admin: [
    ...staffBase, 'org:write', 'user:read', 'user:write', 'case:intake', 'case:handle', 'case:dispatch',
    'case:supervise', 'order:issue', 'pii:view', 'config:write', 'report:read', 'audit:read',
  ],
  leader: [...staffBase, 'case:supervise', 'pii:view', 'report:read'],
  supervisor: [...staffBase, 'case:supervise', 'report:read', 'audit:read'],
  sysadmin: [...PERMISSIONS],
};

export interface ActorRole {
  role: Role;
  orgId: string;
  orgPath: string;
  orgName: string;
  orgType: string;
}

/** The authenticated user as business code sees it. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: ActorRole[];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Org paths (subtree roots) where the actor holds `permission`. Empty = nowhere. */
export function scopeRoots(actor: Actor, permission: Permission): string[] {
  const roots = actor.roles.filter((r) => ROLE_PERMISSIONS[r.role].includes(permission)).map((r) => r.orgPath);
  // Drop roots already covered by a shorter root, so scoped queries stay small.
  return roots.filter((p) => !roots.some((other) => other !== p && p.startsWith(other)));
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return scopeRoots(actor, permission).length > 0;
}

/** True when the actor holds `permission` on the unit at `orgPath` (or an ancestor of it). */
export function can(actor: Actor, permission: Permission, orgPath: string): boolean {
  return scopeRoots(actor, permission).some((root) => orgPath.startsWith(root));
}

export function permissionsOf(actor: Actor): Permission[] {
  const set = new Set<Permission>();
  for (const r of actor.roles) for (const p of ROLE_PERMISSIONS[r.role]) set.add(p);
  return [...set];
}
