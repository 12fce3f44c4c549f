/**
 * All SQL of the orders module. No decisions: the service decides.
 */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../platform/policies.js';
import { inActorScope } from '../../platform/scope.js';
import type { OrdersTable } from './orders.tables.js';

export type OrderRow = Selectable<OrdersTable>;
export type OrderPatch = Updateable<OrdersTable>;

export function insertOrders(db: Kysely<DB>, rows: Insertable<OrdersTable>[]) {
  return db.insertInto('orders').values(rows).returningAll().execute();
}

export function findOrder(db: Kysely<DB>, id: string) {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockOrder(db: Kysely<DB>, id: string) {
  return db.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateOrder(db: Kysely<DB>, id: string, patch: OrderPatch) {
  return db.updateTable('orders').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export interface OrderListFilter {
  status?: string[];
  box?: 'issued' | 'received';
  caseId?: string;
  limit: number;
  offset: number;
}

/** The inbox: orders issued by or addressed to a unit in the actor's scope. */
export async function listOrders(db: Kysely<DB>, actor: Actor, f: OrderListFilter) {
  let q = db.selectFrom('orders').where((eb) => {
    const issued = inActorScope(eb, eb.ref('issuer_path'), actor, 'case:read');
    const received = inActorScope(eb, eb.ref('department_path'), actor, 'case:read');
    return f.box === 'issued' ? issued : f.box === 'received' ? received : eb.or([issued, received]);
  });
  if (f.status?.length) q = q.where('status', 'in', f.status as OrderRow['status'][]);
  if (f.caseId) q = q.where('case_id', '=', f.caseId);
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Case facts an order shows to a department that cannot otherwise see the case (no personal data). */
export function caseSummaries(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('cases')
    .select(['id', 'tracking_no', 'title', 'category', 'risk_level', 'status', 'address', 'lat', 'lng', 'owner_org_id'])
    .where('id', 'in', ids)
    .execute();
}

export function orgNames(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_units').select(['id', 'name', 'name_en', 'type', 'path', 'active']).where('id', 'in', ids).execute();
}

/** The next batch of orders with a deadline still to meet (issued or acknowledged), in id order, locked. */
export function lockPendingOrdersAfter(db: Kysely<DB>, afterId: string | null, limit: number) {
  let q = db.selectFrom('orders').selectAll().where('status', 'in', ['issued', 'acknowledged']);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).forUpdate().execute();
}
