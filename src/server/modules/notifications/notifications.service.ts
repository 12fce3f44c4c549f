/**
 * The caller's own inbox. Every query is bound to the actor's user id in the
 * repo, so nobody can read or mark another user's notifications, and a foreign
 * id is indistinguishable from a missing one (404, not 403).
 */
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import * as repo from './notifications.repo.js';
import type { NotificationListQuery, NotificationView } from './notifications.schemas.js';

/** The API view of a notification in the reader's language (English falls back to Chinese when missing). */
export function presentNotification(row: repo.NotificationRow, locale: Locale): NotificationView {
  const english = locale === 'en';
  return {
    id: row.id,
    kind: row.kind,
    title: english && row.title_en ? row.title_en : row.title,
    body: english && row.body_en ? row.body_en : row.body,
    caseId: row.case_id,
    data: row.data ?? {},
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** A page of the actor's inbox, newest first, with the unread badge count. */
export async function listMine(ctx: AppContext, actor: Actor, q: NotificationListQuery, locale: Locale) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const result = await repo.listForUser(ctx.db, actor.id, { unreadOnly: q.unread === true, page, pageSize });
  return {
    items: result.rows.map((row) => presentNotification(row, locale)),
    total: result.total,
    unread: result.unread,
    page,
    pageSize,
  };
}

/** Marks one of the actor's notifications read; 404 when it is not theirs. */
export async function markRead(ctx: AppContext, actor: Actor, id: number, locale: Locale): Promise<NotificationView> {
  const row = await repo.markRead(ctx.db, actor.id, id, ctx.clock.now());
  if (!row) throw AppError.notFound('notification');
  return presentNotification(row, locale);
}

/** Marks all of the actor's notifications read. */
export async function markAllRead(ctx: AppContext, actor: Actor): Promise<{ updated: number }> {
  return { updated: await repo.markAllRead(ctx.db, actor.id, ctx.clock.now()) };
}
