import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { forgetSessions, newToken, hashToken, loadActor } from '../../platform/auth.js';
import { appendAudit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/passwords.js';
import {
  can, canDistrictWide, grantableRoles, isRole, mayGrant, mayManageUser, permissionsOf, ROLE_LABELS, type Actor, type Role, type RoleAtUnit,
} from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { findOrgById } from '../orgs/index.js';
import * as throttle from './login-throttle.service.js';
import * as repo from './users.repo.js';

// Unknown usernames are checked against this hash of a password nobody has, made with the same parameters as
// real ones, so they take the same path and time as a real account with a wrong password.
let decoyHash: Promise<string> | null = null;

export interface LoginResult {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

/**
 * Signs in. An unknown username, a wrong password and a disabled account with a wrong password get the same answer
 * through the same steps (throttle, one Argon2 verification, a counted and audited failure), so the answers do not
 * tell which usernames exist. Only the right password learns that an account is disabled. Repeated failures slow the
 * (username, IP) pair down (login-throttle.rules.ts) instead of locking the account for everyone.
 */
export async function login(ctx: AppContext, username: string, password: string, ip = 'unknown'): Promise<LoginResult> {
  const { db, clock, config } = ctx;
  decoyHash ??= hashPassword('decoy-password-1');
  const decoy = await decoyHash;
  const attempt = await throttle.beginAttempt(ctx, username, ip);
  const user = await repo.findUserByUsername(db, username);
  const passwordOk = await verifyPassword(user?.password_hash ?? decoy, password);
  if (!user || !passwordOk) {
    await throttle.attemptFailed(ctx, attempt, { action: 'auth.login_failed', actor: null, targetType: 'user', targetId: user?.id, data: { username } });
    throw new AppError('INVALID_CREDENTIALS');
  }
  await throttle.attemptSucceeded(ctx, attempt);
  const actor = user.active ? await loadActor(db, user.id) : null;
  if (!actor) throw new AppError('ACCOUNT_DISABLED');
  const now = clock.now();
  const { token, tokenHash } = newToken();
  const expiresAt = new Date(now.getTime() + config.sessionTtlHours * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await repo.insertSession(trx, { token_hash: tokenHash, user_id: user.id, created_at: now, expires_at: expiresAt });
    await appendAudit(trx, clock, { action: 'auth.login', actor, targetType: 'user', targetId: user.id, ip });
  });
  return { token, expiresAt, actor };
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  await repo.revokeSession(ctx.db, hashToken(token), ctx.clock.now());
  forgetSessions(ctx.db);
}

export function presentActor(actor: Actor) {
  return {
    id: actor.id,
    username: actor.username,
    displayName: actor.displayName,
    roles: actor.roles.map((r) => ({ role: r.role, orgId: r.orgId, orgName: r.orgName, orgType: r.orgType })),
    permissions: permissionsOf(actor),
    grantableRoles: grantableRoles(actor),
  };
}

export interface RoleGrant {
  role: string;
  orgId: string;
}

/**
 * Every grant must be one the actor may hand out at that unit (the role ladder, platform/policies.ts): a
 * subdistrict administrator can appoint receptionists in its communities, never a district administrator,
 * not even one bound to its own subdistrict. `actor` null is the CLI, run by the operator of the server.
 */
async function checkGrants(db: Kysely<DB>, actor: Actor | null, grants: RoleGrant[]) {
  for (const [i, g] of grants.entries()) {
    if (!isRole(g.role)) throw AppError.invalidField(`body.roles.${i}.role`, l(`角色 ${g.role} 不存在`, `unknown role ${g.role}`));
    const org = await findOrgById(db, g.orgId);
    if (!org) throw AppError.invalidField(`body.roles.${i}.orgId`, l('没有这个单位', 'no such org unit'));
    if (actor && !mayGrant(actor, { role: g.role, orgPath: org.path })) {
      throw new AppError('ROLE_NOT_GRANTABLE', { role: ROLE_LABELS[g.role], org: org.name }, { field: `body.roles.${i}` });
    }
  }
}

/** Creates a user. `actor` null means the CLI (trusted operator). */
export async function createUser(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor | null,
  input: { username: string; displayName: string; phone?: string | null; password: string; roles: RoleGrant[] },
) {
  if (actor) requireSomewhere(actor, 'user:write');
  const problem = passwordProblem(input.password);
  if (problem) throw AppError.invalidField('body.password', problem);
  await checkGrants(db, actor, input.roles);
  // A user without roles is reachable only district-wide (mayManageUser): below that, create it with a role.
  if (actor && input.roles.length === 0 && !canDistrictWide(actor, 'user:write')) {
    throw AppError.invalidField('body.roles', l('请至少授予一个您管辖范围内的角色', 'grant at least one role within your units'));
  }
  if (await repo.findUserByUsername(db, input.username)) throw new AppError('DUPLICATE', { what: input.username });
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const user = await repo.insertUser(trx, { username: input.username, display_name: input.displayName, phone: input.phone ?? null, password_hash: passwordHash });
    await repo.replaceRoles(trx, user.id, input.roles);
    await appendAudit(trx, clock, { action: 'user.create', actor, targetType: 'user', targetId: user.id, data: { username: input.username, roles: input.roles } });
    return user;
  });
}

/**
 * Loads a user the actor may change: one whose every role the actor could have granted (a user who also holds a
 * role beyond the actor's reach is not theirs to change, or they could take it over by resetting the password).
 * Nobody changes their own account here. Unknown users and users the actor may not even see answer 404 alike.
 */
/** A user's stored roles as the policy layer judges them (unknown role names, if any, grant nothing). */
function heldRoles(rows: readonly { role: string; org_path: string }[]): RoleAtUnit[] {
  return rows.filter((r) => isRole(r.role)).map((r) => ({ role: r.role as Role, orgPath: r.org_path }));
}

async function manageableUser(db: Kysely<DB>, actor: Actor | null, userId: string) {
  const user = await repo.findUserById(db, userId);
  if (!user) throw AppError.notFound('user');
  if (actor) {
    requireSomewhere(actor, 'user:write');
    if (userId === actor.id) throw new AppError('OWN_ACCOUNT');
    const roles = await repo.rolesOf(db, [userId]);
    if (!roles.some((r) => can(actor, 'user:read', r.org_path)) && !canDistrictWide(actor, 'user:read')) throw AppError.notFound('user');
    if (!mayManageUser(actor, userId, heldRoles(roles))) throw new AppError('USER_OUT_OF_REACH');
  }
  return user;
}

export async function setRoles(db: Kysely<DB>, clock: Clock, actor: Actor | null, userId: string, roles: RoleGrant[]) {
  await manageableUser(db, actor, userId);
  await checkGrants(db, actor, roles);
  await db.transaction().execute(async (trx) => {
    const before = await repo.rolesOf(trx, [userId]);
    await repo.replaceRoles(trx, userId, roles);
    await appendAudit(trx, clock, {
      action: 'user.roles',
      actor,
      targetType: 'user',
      targetId: userId,
      data: { before: before.map((r) => ({ role: r.role, orgId: r.org_id })), after: roles },
    });
  });
  forgetSessions(db);
}

export async function setPassword(db: Kysely<DB>, clock: Clock, actor: Actor | null, userId: string, password: string) {
  await manageableUser(db, actor, userId);
  const problem = passwordProblem(password);
  if (problem) throw AppError.invalidField('body.password', problem);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await repo.updatePassword(trx, userId, passwordHash, clock.now());
    await repo.revokeUserSessions(trx, userId, clock.now());
    await appendAudit(trx, clock, { action: 'user.password', actor, targetType: 'user', targetId: userId });
  });
  forgetSessions(db);
}

export async function updateUser(ctx: AppContext, actor: Actor, userId: string, patch: { displayName?: string; phone?: string | null; active?: boolean }) {
  await manageableUser(ctx.db, actor, userId);
  const updated = await ctx.db.transaction().execute(async (trx) => {
    const user = await repo.updateUser(trx, userId, { display_name: patch.displayName, phone: patch.phone, active: patch.active }, ctx.clock.now());
    if (patch.active === false) await repo.revokeUserSessions(trx, userId, ctx.clock.now());
    await appendAudit(trx, ctx.clock, { action: 'user.update', actor, targetType: 'user', targetId: userId, data: { ...patch, phone: patch.phone ? '(changed)' : patch.phone } });
    return user;
  });
  // The display name and the active flag travel with cached sessions.
  forgetSessions(ctx.db);
  return updated;
}

export async function listUsers(ctx: AppContext, actor: Actor, q: { q?: string; page?: number; pageSize?: number }) {
  requireSomewhere(actor, 'user:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const { rows, total } = await repo.listUsers(ctx.db, actor, { q: q.q, limit: pageSize, offset: (page - 1) * pageSize });
  const roles = await repo.rolesOf(ctx.db, rows.map((r) => r.id));
  const throttled = await throttle.throttledUsernames(ctx, rows.map((r) => r.username));
  return {
    items: rows.map((u) => {
      const mine = roles.filter((r) => r.user_id === u.id);
      return {
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        active: u.active,
        throttled: throttled.has(u.username),
        roles: mine.map((r) => ({ role: r.role, orgId: r.org_id, orgName: r.org_name })),
        // Whether this actor may change the user (roles, password, active flag): the UI offers only what will pass.
        manageable: mayManageUser(actor, u.id, heldRoles(mine)),
      };
    }),
    total,
    page,
    pageSize,
  };
}
