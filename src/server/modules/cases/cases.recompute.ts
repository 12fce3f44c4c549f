/**
 * The cases module as a follower of the working calendar: when a change moves working days, each open case's
 * working-time deadlines are recomputed (recompute.rules.ts), its clock timers replaced in the same transaction
 * (so each fires once, at the new time), and its timeline says what moved: 期限因工作日历调整而重算.
 * Set-based per batch: one update per moved case, then one statement each for the events, the cancelled
 * timers and the new ones.
 */
import { calendarFollowerSweeper, calendarOf, OFFICE_HOURS, type CalendarFollower } from '../calendar/index.js';
import { readSetting } from '../../platform/settings.js';
import { cancelTimersOfSubjects } from '../../platform/timers.js';
import { scheduleTimers, type CheckedTimer } from '../../platform/background.js';
import type { RiskLevel } from './grading.rules.js';
import * as repo from './cases.repo.js';
import { deadlineFlags, clockKinds, runningClocks } from './cases.rules.js';
import { CLOCK_TIMER_KINDS, clockFactsOf, clockOriginsOf, clockTimers, eventRow, publishAfterCommit } from './cases.effects.js';
import { recomputeWorkingClocks } from './recompute.rules.js';
import { SLA_POLICY } from './cases.settings.js';
import { targetsFor } from './sla-policy.rules.js';

/** Cases per transaction: bounds lock time and memory whatever the number of open cases. */
export const RECOMPUTE_BATCH = 200;

const COLUMN = { respond: 'respond_by', accept: 'accept_by', resolve: 'resolve_by' } as const;

const follower: CalendarFollower = {
  consumer: 'cases',
  batchSize: RECOMPUTE_BATCH,
  async recompute(trx, ctx, { afterKey, limit, days, now }, afterCommit) {
    const [policy, hours] = await Promise.all([readSetting(trx, SLA_POLICY), readSetting(trx, OFFICE_HOURS)]);
    const calendar = calendarOf(hours, days);
    const rows = await repo.lockRunningCasesAfter(trx, afterKey, limit);
    const events: ReturnType<typeof eventRow>[] = [];
    const timers: CheckedTimer[] = [];
    const moved: string[] = [];
    for (const row of rows) {
      const targets = targetsFor(policy, row.risk_level as RiskLevel, row.channel);
      const changes = recomputeWorkingClocks(clockFactsOf(row), clockOriginsOf(row), targets, calendar, now);
      if (changes.length === 0) continue;
      const patch: repo.CasePatch = { updated_at: now };
      for (const c of changes) patch[COLUMN[c.clock]] = c.to;
      const merged = { ...row, ...patch } as repo.CaseRow;
      const flags = deadlineFlags(runningClocks(clockFactsOf(merged), clockKinds(targets)), now, calendar);
      // A breach already recorded stays recorded: the flags only ever turn on here.
      patch.warning = row.warning || flags.warning;
      const updated = await repo.updateCase(trx, row.id, patch);
      moved.push(row.id);
      events.push(eventRow({
        caseId: row.id, actor: { kind: 'system' }, action: 'deadlines_recomputed', fromStatus: row.status, toStatus: row.status,
        note: '期限因工作日历调整而重算',
        data: { calendarRevision: days.revision, changes: changes.map((c) => ({ clock: c.clock, from: c.from.toISOString(), to: c.to.toISOString() })) },
        at: now,
      }));
      timers.push(...clockTimers(updated, now, calendar, policy));
      publishAfterCommit(ctx, afterCommit, 'case.deadlines', updated);
    }
    if (moved.length > 0) {
      await repo.insertEvents(trx, events);
      await cancelTimersOfSubjects(trx, moved, now, CLOCK_TIMER_KINDS);
      await scheduleTimers(trx, timers);
    }
    return { lastKey: rows.at(-1)?.id ?? afterKey, seen: rows.length };
  },
};

export const caseCalendarFollower = calendarFollowerSweeper(follower);
