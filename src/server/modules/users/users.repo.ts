import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { inActorScope } from '../../platform/scope.js';
import type { Actor } from '../../platform/policies.js';

export function findUserByUsername(db: Kysely<DB>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: Kysely<DB>, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertSession(db: Kysely<DB>, s: { token_hash: string; user_id: string; created_at: Date; expires_at: Date }) {
  return db.insertInto('sessions').values({ ...s, revoked_at: null }).execute();
}

export function revokeSession(db: Kysely<DB>, tokenHash: string, at: Date) {
  return db.updateTable('sessions').set({ revoked_at: at }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

export function revokeUserSessions(db: Kysely<DB>, userId: string, at: Date) {
  return db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/** Ends every session of the user but the one whose token hash is `keepTokenHash` (a password change keeps its own). */
export function revokeOtherSessions(db: Kysely<DB>, userId: string, keepTokenHash: string, at: Date) {
  return db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('token_hash', '<>', keepTokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

export function insertUser(db: Kysely<DB>, u: { username: string; display_name: string; phone: string | null; password_hash: string }) {
  return db.insertInto('users').values(u).returningAll().executeTakeFirstOrThrow();
}

export function updatePassword(db: Kysely<DB>, id: string, passwordHash: string, now: Date) {
  return db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).execute();
}

export function updateUser(db: Kysely<DB>, id: string, patch: { display_name?: string; phone?: string | null; active?: boolean }, now: Date) {
  return db.updateTable('users').set({ ...patch, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function rolesOf(db: Kysely<DB>, userIds: string[]) {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('user_roles')
    .innerJoin('org_units', 'org_units.id', 'user_roles.org_id')
    .select(['user_roles.user_id', 'user_roles.role', 'org_units.id as org_id', 'org_units.name as org_name', 'org_units.path as org_path'])
    .where('user_roles.user_id', 'in', userIds)
    .execute();
}

export async function replaceRoles(db: Kysely<DB>, userId: string, roles: { role: string; orgId: string }[]) {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length > 0) {
    await db.insertInto('user_roles').values(roles.map((r) => ({ user_id: userId, role: r.role, org_id: r.orgId }))).onConflict((oc) => oc.doNothing()).execute();
  }
}

/** Users having at least one role in the actor's user:read scope. */
export async function listUsers(db: Kysely<DB>, actor: Actor, f: { q?: string; limit: number; offset: number }) {
  let query = db
    .selectFrom('users')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_roles')
          .innerJoin('org_units', 'org_units.id', 'user_roles.org_id')
          .select('user_roles.user_id')
          .whereRef('user_roles.user_id', '=', 'users.id')
          .where((eb) => inActorScope(eb, eb.ref('org_units.path'), actor, 'user:read')),
      ),
    );
  if (f.q) query = query.where((eb) => eb.or([eb('username', 'like', `%${f.q}%`), eb('display_name', 'like', `%${f.q}%`)]));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('username').limit(f.limit).offset(f.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
