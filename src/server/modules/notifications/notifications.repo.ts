/** All SQL of the notifications module. Every inbox query is bound to one user id. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { NotificationsTable } from './notifications.tables.js';

export type NotificationRow = Selectable<NotificationsTable>;

/** Who a notification goes to (the `recipients` of a `notify` payload). */
export interface RecipientSpec {
  userIds?: readonly string[];
  orgIds?: readonly string[];
  roles?: readonly string[];
}

/** A spec's lists deduplicated and sorted, an empty list as absent: equal specs get equal keys. */
function normalized(spec: RecipientSpec) {
  const list = (values: readonly string[] | undefined) => (values && values.length > 0 ? [...new Set(values)].sort() : null);
  return { user_ids: list(spec.userIds), org_ids: list(spec.orgIds), roles: list(spec.roles) };
}

/**
 * The recipients of each spec, in ONE query: a sorted list of user ids per
 * spec, in the order of `specs`. Recipients are the active users among
 * `userIds`, plus the active users holding one of `roles` at one of `orgIds`;
 * `roles` alone means those roles anywhere, `orgIds` alone every role at those
 * units, nothing given nobody. Equal specs (the usual case within a batch of
 * messages) are resolved once.
 */
export async function resolveRecipientsMany(db: Kysely<DB>, specs: readonly RecipientSpec[]): Promise<string[][]> {
  const indexOfKey = new Map<string, number>();
  const unique: (ReturnType<typeof normalized> & { i: number })[] = [];
  const specIndex = specs.map((spec) => {
    const n = normalized(spec);
    if (n.user_ids === null && n.org_ids === null && n.roles === null) return -1;
    const key = JSON.stringify(n);
    let i = indexOfKey.get(key);
    if (i === undefined) {
      i = unique.length;
      indexOfKey.set(key, i);
      unique.push({ i, ...n });
    }
    return i;
  });
  const found: string[][] = unique.map(() => []);
  if (unique.length > 0) {
    // One jsonb parameter for all specs, however many. Per spec, the branches
    // are the single-spec queries (named users; role holders at the units;
    // role holders anywhere); the IS [NOT] NULL tests on the spec alone skip a
    // branch that does not apply without touching its tables.
    const { rows } = await sql<{ i: number; id: string }>`
      SELECT s.i, r.id
      FROM jsonb_to_recordset(${JSON.stringify(unique)}::jsonb) AS s (i int, user_ids uuid[], org_ids uuid[], roles text[])
      CROSS JOIN LATERAL (
        SELECT u.id FROM users u
        WHERE s.user_ids IS NOT NULL AND u.id = ANY (s.user_ids) AND u.active
        UNION
        SELECT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id
        WHERE s.org_ids IS NOT NULL AND ur.org_id = ANY (s.org_ids) AND (s.roles IS NULL OR ur.role = ANY (s.roles)) AND u.active
        UNION
        SELECT ur.user_id FROM user_roles ur JOIN users u ON u.id = ur.user_id
        WHERE s.org_ids IS NULL AND s.roles IS NOT NULL AND ur.role = ANY (s.roles) AND u.active
      ) AS r`.execute(db);
    for (const row of rows) found[row.i].push(row.id);
    for (const ids of found) ids.sort();
  }
  // A fresh array per spec: callers may keep or change them independently.
  return specIndex.map((i) => (i < 0 ? [] : [...found[i]]));
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
 * One notification per user in `userIds` for each outbox row `sourceId`, in
 * ONE statement; a user who already has one from that row is skipped
 * (UNIQUE (user_id, source_id)), so a redelivered row never duplicates.
 * Returns the rows actually inserted, in the order given.
 */
export async function insertForUsers(
  db: Kysely<DB>,
  batch: readonly (NewNotification & { userIds: readonly string[] })[],
): Promise<{ id: number; user_id: string; source_id: number }[]> {
  const messages = batch
    .filter((n) => n.userIds.length > 0)
    .map((n, i) => ({
      i,
      user_ids: n.userIds,
      kind: n.kind,
      title: n.title,
      title_en: n.titleEn,
      body: n.body,
      body_en: n.bodyEn,
      case_id: n.caseId,
      data: n.data,
      source_id: n.sourceId,
      created_at: n.createdAt.toISOString(),
    }));
  if (messages.length === 0) return [];
  // The message fields travel once per message, not once per recipient, in a
  // single parameter: a batch fanning out to thousands of users stays far from
  // the 65,535 bind parameters a statement may have.
  const { rows } = await sql<{ id: number; user_id: string; source_id: number }>`
    INSERT INTO notifications (user_id, kind, title, title_en, body, body_en, case_id, data, source_id, created_at)
    SELECT u.user_id, m.kind, m.title, m.title_en, m.body, m.body_en, m.case_id, m.data, m.source_id, m.created_at
    FROM jsonb_to_recordset(${JSON.stringify(messages)}::jsonb) AS m (
      i int, user_ids uuid[], kind text, title text, title_en text, body text, body_en text,
      case_id uuid, data jsonb, source_id bigint, created_at timestamptz
    )
    CROSS JOIN LATERAL unnest(m.user_ids) WITH ORDINALITY AS u (user_id, n)
    ORDER BY m.i, u.n
    ON CONFLICT (user_id, source_id) DO NOTHING
    RETURNING id, user_id, source_id`.execute(db);
  return rows;
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
