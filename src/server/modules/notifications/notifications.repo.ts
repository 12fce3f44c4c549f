/** All SQL of the notifications module. Every inbox query is bound to one user id. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { NotificationsTable } from '../cases/cases.tables.js';
import '../../platform/platform-jobs.tables.js';

export type NotificationRow = Selectable<NotificationsTable>;

/** Active users among `userIds`, plus active users holding one of `roles` at one of `orgIds`. */
export async function resolveRecipients(
  db: Kysely<DB>,
  r: { userIds?: readonly string[]; orgIds?: readonly string[]; roles?: readonly string[] },
): Promise<string[]> {
  const ids = new Set<string>();
  if (r.userIds && r.userIds.length > 0) {
    const rows = await db.selectFrom('users').select('id').where('id', 'in', [...r.userIds]).where('active', '=', true).execute();
    for (const row of rows) ids.add(row.id);
  }
  const byOrg = r.orgIds !== undefined && r.orgIds.length > 0;
  const byRole = r.roles !== undefined && r.roles.length > 0;
  if (byOrg || byRole) {
    let query = db
      .selectFrom('user_roles')
      .innerJoin('users', 'users.id', 'user_roles.user_id')
      .select('users.id')
      .distinct()
      .where('users.active', '=', true);
    if (byOrg) query = query.where('user_roles.org_id', 'in', [...(r.orgIds ?? [])]);
    if (byRole) query = query.where('user_roles.role', 'in', [...(r.roles ?? [])]);
    for (const row of await query.execute()) ids.add(row.id);
  }
  return [...ids].sort();
}

export interface NewNotification {
  kind: string;
  title: string;
  titleEn: string | null;
  body: string;
  bodyEn: string | null;
  caseId: string | null;
  data: Record<string, unknown>;
  sourceId: number;
  createdAt: Date;
}

/**
 * One notification per user for the outbox row `sourceId`; a user who already
 * has one from that row is skipped (UNIQUE (user_id, source_id)), so a
 * redelivered row never duplicates. Returns the rows actually inserted.
 */
export async function insertForUsers(db: Kysely<DB>, userIds: readonly string[], n: NewNotification): Promise<{ id: number; user_id: string }[]> {
  if (userIds.length === 0) return [];
  const data = JSON.stringify(n.data);
  return db
    .insertInto('notifications')
    .values(
      userIds.map((userId) => ({
        user_id: userId,
        kind: n.kind,
        title: n.title,
        title_en: n.titleEn,
        body: n.body,
        body_en: n.bodyEn,
        case_id: n.caseId,
        data,
        source_id: n.sourceId,
        created_at: n.createdAt,
      })),
    )
    .onConflict((oc) => oc.columns(['user_id', 'source_id']).doNothing())
    .returning(['id', 'user_id'])
    .execute();
}

/** A page of the user's inbox, newest first, with the filtered total and the overall unread count. */
export async function listForUser(
  db: Kysely<DB>,
  userId: string,
  q: { unreadOnly: boolean; page: number; pageSize: number },
): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
  let rowsQuery = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (q.unreadOnly) rowsQuery = rowsQuery.where('read_at', 'is', null);
  const [rows, counts] = await Promise.all([
    rowsQuery
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    db
      .selectFrom('notifications')
      .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) FILTER (WHERE read_at IS NULL))::int`.as('unread')])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: q.unreadOnly ? counts.unread : counts.total, unread: counts.unread };
}

/** Marks one of the user's notifications read (keeping the first read time); undefined if it is not theirs. */
export function markRead(db: Kysely<DB>, userId: string, id: number, now: Date): Promise<NotificationRow | undefined> {
  return db
    .updateTable('notifications')
    .set({ read_at: sql<Date>`COALESCE(read_at, ${now})` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/** Marks all of the user's unread notifications read; returns how many changed. */
export async function markAllRead(db: Kysely<DB>, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
