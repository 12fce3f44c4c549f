/**
 * The nightly reconciliation as a durable timer: one pending timer at the next
 * 02:30 (Shanghai), which on firing recounts, reports and schedules the next
 * night's. Scheduling is idempotent on (kind, subject, due time), so every
 * process may ensure it at start-up and only one timer exists per night.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { defineTimer, EMPTY_PAYLOAD, scheduleTimer, timerKind, type TimerDefinition } from '../../platform/background.js';
import { dayNumber, dayStart } from './dashboard.rules.js';
import { reconcile } from './dashboard.service.js';

export const RECONCILE_TIMER = timerKind('dashboard.reconcile', EMPTY_PAYLOAD);
export const TIMER_RECONCILE = RECONCILE_TIMER.name;
/** Timers need a subject; the reconciliation is about the whole database, so it has a fixed one. */
export const RECONCILE_SUBJECT = '00000000-0000-4000-8000-00000000da5b';
/** Quiet hours: after the end-of-day work at midnight, before the morning digests. */
const RECONCILE_AT_MS = (2 * 60 + 30) * 60_000;

/** The next 02:30 Shanghai strictly after `now`. */
export function nextReconcileAt(now: Date): Date {
  const today = new Date(dayStart(dayNumber(now)).getTime() + RECONCILE_AT_MS);
  return today.getTime() > now.getTime() ? today : new Date(today.getTime() + 86_400_000);
}

/** Makes sure the next night's reconciliation is scheduled (called at start-up and after each run). */
export async function ensureNightlyReconcile(db: Kysely<DB>, now: Date): Promise<void> {
  const pending = await db
    .selectFrom('timers')
    .select('id')
    .where('subject_id', '=', RECONCILE_SUBJECT)
    .where('kind', '=', TIMER_RECONCILE)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where(sql<boolean>`due_at > ${now}`)
    .executeTakeFirst();
  if (!pending) await scheduleTimer(db, RECONCILE_TIMER, { subjectId: RECONCILE_SUBJECT, dueAt: nextReconcileAt(now), now });
}

/** The dashboard module's timer kind with its handler, for the app's one registry. */
export const dashboardTimers: readonly TimerDefinition[] = [
  defineTimer(RECONCILE_TIMER, async (trx, ctx: AppContext) => {
    await reconcile(ctx, { source: 'nightly', db: trx });
    await ensureNightlyReconcile(trx, ctx.clock.now());
  }),
];
