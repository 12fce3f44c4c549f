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

/** How a role is named to people (SPEC §2). */
export const ROLE_LABELS: Record<Role, { 'zh-CN': string; en: string }> = {
  citizen: { 'zh-CN': '居民', en: 'resident' },
  receptionist: { 'zh-CN': '诉求接待员', en: 'receptionist' },
  grid_worker: { 'zh-CN': '网格员', en: 'grid worker' },
  mediator: { 'zh-CN': '调解员', en: 'mediator' },
  lawyer: { 'zh-CN': '律师', en: 'lawyer' },
  counselor: { 'zh-CN': '心理咨询师', en: 'counsellor' },
  handler: { 'zh-CN': '部门经办人', en: 'department officer' },
  community_secretary: { 'zh-CN': '社区书记', en: 'community secretary' },
  subdistrict_admin: { 'zh-CN': '街道管理员', en: 'subdistrict administrator' },
  district_admin: { 'zh-CN': '区管理员', en: 'district administrator' },
  leader: { 'zh-CN': '领导', en: 'leader' },
  supervisor: { 'zh-CN': '督查', en: 'supervisor' },
  judge: { 'zh-CN': '法官', en: 'judge' },
  sysadmin: { 'zh-CN': '系统管理员', en: 'system administrator' },
};

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

/** A root of the org tree (the district) has a one-segment path: `/id/`. */
export function isRootPath(orgPath: string): boolean {
  return /^\/[^/]+\/$/.test(orgPath);
}

/**
 * True when the actor holds `permission` at a root of the org tree. District-wide things (settings that apply to
 * every unit, the audit chain, the test clock) need this: holding the permission on a subdistrict is not enough,
 * however many units below it the actor manages.
 */
export function canDistrictWide(actor: Actor, permission: Permission): boolean {
  return actor.roles.some((r) => isRootPath(r.orgPath) && ROLE_PERMISSIONS[r.role].includes(permission));
}

/**
 * The role ladder for granting: a role may be handed out by a role ranked above it (or by a holder of the same
 * role, to a colleague at or below their own unit). Ranks follow the reach of each role's powers: the staff roles
 * work cases, a secretary runs a community, an administrator a subdistrict, leaders and supervisors oversee the
 * district, a district administrator manages all of them, a system administrator everything.
 */
export const ROLE_RANK: Record<Role, number> = {
  citizen: 0,
  receptionist: 1,
  grid_worker: 1,
  mediator: 1,
  lawyer: 1,
  counselor: 1,
  handler: 1,
  judge: 1,
  community_secretary: 2,
  subdistrict_admin: 3,
  leader: 4,
  supervisor: 4,
  district_admin: 5,
  sysadmin: 6,
};

/** A role bound to a unit, as stored: the unit's path is what scope is decided on. */
export interface RoleAtUnit {
  role: Role;
  orgPath: string;
}

/**
 * May the actor grant `role` on the unit at `orgPath`? Only through one of the actor's own roles that carries
 * user:write, sits on that unit or an ancestor of it, and is the same role or ranks above it: nobody hands out
 * a power they do not hold there themselves.
 */
export function mayGrant(actor: Actor, grant: RoleAtUnit): boolean {
  return actor.roles.some(
    (own) =>
      ROLE_PERMISSIONS[own.role].includes('user:write') &&
      grant.orgPath.startsWith(own.orgPath) &&
      (own.role === grant.role || ROLE_RANK[own.role] > ROLE_RANK[grant.role]),
  );
}

/** The roles the actor may grant somewhere (each still only within the reach of the granting role), for pickers. */
export function grantableRoles(actor: Actor): Role[] {
  return ROLES.filter((role) => actor.roles.some((own) => ROLE_PERMISSIONS[own.role].includes('user:write') && (own.role === role || ROLE_RANK[own.role] > ROLE_RANK[role])));
}

/**
 * May the actor change this user (roles, password, profile, active flag)? Only when the actor could have granted
 * every role the user holds: a user who also holds a role outside the actor's reach (or above it) belongs to
 * someone else. A user without any role is reached only district-wide. Nobody changes their own account this
 * way (the self-service password change is the only door to one's own account).
 */
export function mayManageUser(actor: Actor, userId: string, roles: readonly RoleAtUnit[]): boolean {
  if (userId === actor.id) return false;
  if (roles.length === 0) return canDistrictWide(actor, 'user:write');
  return roles.every((r) => mayGrant(actor, r));
}

export function permissionsOf(actor: Actor): Permission[] {
  const set = new Set<Permission>();
  for (const r of actor.roles) for (const p of ROLE_PERMISSIONS[r.role]) set.add(p);
  return [...set];
}
