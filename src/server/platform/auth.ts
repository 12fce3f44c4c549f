/**
 * Bearer-token sessions. The token is random and opaque; only its SHA-256 is
 * stored, so a copy of the sessions table cannot be replayed. Every request
 * resolves its token to an Actor (user + roles with their org paths).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DB } from '../db/schema.js';
import type { Clock } from './clock.js';
import { AppError } from './errors.js';
import { isRole, type Actor } from './policies.js';
import { cachedRead, forget } from './read-cache.js';

export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

/** Loads the actor of a user id with every role and its org path. */
export async function loadActor(db: Kysely<DB>, userId: string): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || !user.active) return null;
  const roles = await db
    .selectFrom('user_roles')
    .innerJoin('org_units', 'org_units.id', 'user_roles.org_id')
    .select(['user_roles.role', 'org_units.id as orgId', 'org_units.path', 'org_units.name', 'org_units.type'])
    .where('user_roles.user_id', '=', userId)
    .orderBy('org_units.depth')
    .execute();
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    roles: roles
      .filter((r) => isRole(r.role))
      .map((r) => ({ role: r.role as Actor['roles'][number]['role'], orgId: r.orgId, orgPath: r.path, orgName: r.name, orgType: r.type })),
  };
}

/**
 * How long a resolved session is reused without asking the database. Logout,
 * password and role changes in this process forget it at once (`forgetSessions`);
 * another server process sees them within this window.
 */
export const SESSION_CACHE_MS = 5000;
const SESSION_CACHE = 'sessions';

/** Drops every cached session of this process (after a logout, revocation or role change). */
export function forgetSessions(db: Kysely<DB>): void {
  forget(db, SESSION_CACHE);
}

function sessionWithActor(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.active', 'sessions.expires_at', 'sessions.revoked_at'])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('user_roles')
          .innerJoin('org_units', 'org_units.id', 'user_roles.org_id')
          .select(['user_roles.role', 'org_units.id as orgId', 'org_units.path', 'org_units.name', 'org_units.type'])
          .whereRef('user_roles.user_id', '=', 'users.id')
          .orderBy('org_units.depth'),
      ).as('roles'),
    )
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/**
 * Resolves a bearer token to its actor, or null when missing, expired or
 * revoked. Runs on every authenticated request: session, user and roles come
 * back in one query (roles as a JSON array, in the order `loadActor` uses), and
 * the answer is reused for `SESSION_CACHE_MS`. Unknown tokens are not cached.
 */
export async function actorForToken(db: Kysely<DB>, clock: Clock, token: string): Promise<Actor | null> {
  const tokenHash = hashToken(token);
  const row = await cachedRead(db, SESSION_CACHE, tokenHash, SESSION_CACHE_MS, () => sessionWithActor(db, tokenHash), (r) => r !== undefined);
  if (!row || row.revoked_at || row.expires_at.getTime() <= clock.now().getTime() || !row.active) return null;
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles
      .filter((r) => isRole(r.role))
      .map((r) => ({ role: r.role as Actor['roles'][number]['role'], orgId: r.orgId, orgPath: r.path, orgName: r.name, orgType: r.type })),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The authenticated actor of a request, or 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}
