/**
 * Restricts any query to the actor's data scope in SQL, so rows outside the
 * actor's subtree are never fetched (rather than filtered after the fetch).
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { AppError } from './errors.js';
import { scopeRoots, type Actor, type Permission } from './policies.js';

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

/** Throws 403 unless the actor holds `permission` anywhere. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (scopeRoots(actor, permission).length === 0) throw new AppError('FORBIDDEN', { permission });
}
