/**
 * Restricts any query to the actor's data scope in SQL, so rows outside the
 * actor's subtree are never fetched (rather than filtered after the fetch).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { AppError } from './errors.js';
import { can, canDistrictWide, scopeRoots, type Actor, type Permission } from './policies.js';

/**
 * A boolean SQL expression: `pathColumn` lies in one of the actor's subtrees for
 * `permission`. With no scope at all this is `false`, so the query returns nothing.
 */
export function inActorScope<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  pathColumn: Expression<string> | ReturnType<typeof sql.ref>,
  actor: Actor,
  permission: Permission,
): Expression<SqlBool> {
  const roots = scopeRoots(actor, permission);
  if (roots.length === 0) return sql<SqlBool>`false`;
  const clauses = roots.map((root) => sql<SqlBool>`${pathColumn} LIKE ${escapeLike(root) + '%'}`);
  return eb.or(clauses);
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Throws 403 unless the actor holds `permission` somewhere. Only a gate in front of work that is then scoped
 * where the permission is held (a list filtered by `inActorScope`, an object checked with `can` on its unit):
 * it never authorises anything by itself.
 */
export function requireSomewhere(actor: Actor, permission: Permission): void {
  if (scopeRoots(actor, permission).length === 0) throw new AppError('FORBIDDEN', { permission });
}

/** Throws 403 unless the actor holds `permission` on the unit at `orgPath` or an ancestor of it. */
export function requireAt(actor: Actor, permission: Permission, orgPath: string): void {
  if (!can(actor, permission, orgPath)) throw new AppError('FORBIDDEN', { permission });
}

/** Throws 403 unless the actor holds `permission` at the root of the org tree (district-wide settings, audit). */
export function requireDistrictWide(actor: Actor, permission: Permission): void {
  if (!canDistrictWide(actor, permission)) throw new AppError('FORBIDDEN', { permission });
}
