/**
 * The supervision module's timers and the sweeper that keeps the daily ones
 * scheduled. Daily timers chain (each firing schedules the next) and the
 * sweeper re-ensures them, so a fresh install, a restart or a lost row all
 * heal themselves; the unique timer key makes every "ensure" a no-op when
 * the timer is already there. Only future occurrences are scheduled: a server
 * that was down at 09:00 does its next digest at the next 09:00.
 */
import type { AppContext } from '../../platform/context.js';
import type { Sweeper } from '../../platform/scheduler.js';
import { defineTimer, type TimerDefinition } from '../../platform/background.js';
import { findCase, HANDLING_ROLES, notifyUnits, recordEvent, shanghaiDate, SUPERVISING_ROLES } from '../cases/index.js';
import * as repo from './supervision.repo.js';
import { DIGEST_TIME, END_OF_DAY_TIME, nextDailyAt } from './supervision.rules.js';
import { DAILY_TIMER, END_OF_DAY_TIMER, NOTICE_DUE_TIMER, ensureDailyTimers, runDailyJobs, runEndOfDay } from './supervision.service.js';

const daily = defineTimer(DAILY_TIMER, async (trx, ctx) => {
  const now = ctx.clock.now();
  await runDailyJobs(trx, now);
  await ensureDailyTimers(trx, now);
});

const endOfDay = defineTimer(END_OF_DAY_TIMER, async (trx, ctx, timer, afterCommit) => {
  // The day the timer was set for, even when it fires late.
  await runEndOfDay(trx, ctx, shanghaiDate(timer.due_at), afterCommit);
  await ensureDailyTimers(trx, ctx.clock.now());
});

const noticeDue = defineTimer(NOTICE_DUE_TIMER, async (trx, ctx, timer) => {
  const n = await repo.lockNotice(trx, timer.subject_id);
  if (!n || n.status !== 'open' || n.overdue) return;
  const now = ctx.clock.now();
  await repo.updateNotice(trx, n.id, { overdue: true });
  const c = await findCase(trx, n.case_id);
  if (!c) return;
  await recordEvent(trx, {
    caseId: c.id, actor: { kind: 'system' }, action: 'supervision_notice_overdue', fromStatus: c.status, toStatus: c.status, orgId: n.org_id,
    data: { noticeId: n.id, answerBy: n.answer_by.toISOString() }, at: now,
  });
  await notifyUnits(trx, now, {
    orgIds: [n.org_id], roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])], kind: 'supervision.notice_overdue',
    title: { 'zh-CN': `督办单逾期未回复 ${c.tracking_no}`, en: `Supervision notice not answered in time: ${c.tracking_no}` }, caseId: c.id, data: { noticeId: n.id },
  });
});

/** The supervision module's timer kinds with their handlers, for the app's one registry. */
export const supervisionTimers: readonly TimerDefinition[] = [daily, endOfDay, noticeDue];

const ensured = new WeakMap<AppContext, string>();

/**
 * Keeps the next daily timers in place. Cheap: it touches the database only
 * when the next occurrence changes (once a day per process). Returns 0: it
 * never counts as work, so `runDueWork` does not loop on it.
 */
export const supervisionScheduleSweeper: Sweeper = async (ctx) => {
  const now = ctx.clock.now();
  const key = `${nextDailyAt(now, DIGEST_TIME).toISOString()}|${nextDailyAt(now, END_OF_DAY_TIME).toISOString()}`;
  if (ensured.get(ctx) === key) return 0;
  await ensureDailyTimers(ctx.db, now);
  ensured.set(ctx, key);
  return 0;
};
