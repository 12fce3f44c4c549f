/**
 * Orders as a follower of the working calendar: an order's working-time deadlines (a routine order's
 * acknowledge and arrive windows on a blue case) are computed again from its issue time on the new calendar,
 * with the matrix entry of its kind and level, when a change moves working days. Deadlines already passed keep
 * their time (the overdue mark stands); the timers are replaced in the same transaction and the case timeline
 * says what moved.
 */
import { calendarFollowerSweeper, calendarOf, OFFICE_HOURS, type CalendarFollower } from '../calendar/index.js';
import { cancelTimers } from '../../platform/timers.js';
import { scheduleTimer } from '../../platform/background.js';
import { readSetting } from '../../platform/settings.js';
import { deadlineFor, recordEvent, type DeadlineSpec, type RiskLevel } from '../cases/index.js';
import * as repo from './orders.repo.js';
import { matrixEntryFor, type OrderKind } from './orders.rules.js';
import { ORDER_MATRIX } from './orders.settings.js';
import { ORDER_ACK_TIMER, ORDER_ARRIVE_TIMER } from './orders.service.js';

const BATCH = 200;

const isWorkingTime = (spec: DeadlineSpec) => spec.kind === 'working_days' || (spec.kind === 'minutes' && spec.clock === 'working');

const follower: CalendarFollower = {
  consumer: 'orders',
  batchSize: BATCH,
  async recompute(trx, _ctx, { afterKey, limit, days, now }) {
    const [matrix, hours] = await Promise.all([readSetting(trx, ORDER_MATRIX), readSetting(trx, OFFICE_HOURS)]);
    const calendar = calendarOf(hours, days);
    const rows = await repo.lockPendingOrdersAfter(trx, afterKey, limit);
    for (const o of rows) {
      const entry = matrixEntryFor(matrix, o.kind as OrderKind, o.risk_level as RiskLevel);
      const steps = [
        { step: 'acknowledge' as const, spec: entry.acknowledge, due: o.acknowledge_by, pending: o.status === 'issued', column: 'acknowledge_by' as const, timer: ORDER_ACK_TIMER },
        { step: 'arrive' as const, spec: entry.arrive, due: o.arrive_by, pending: true, column: 'arrive_by' as const, timer: ORDER_ARRIVE_TIMER },
      ];
      const changes: { step: 'acknowledge' | 'arrive'; from: string; to: string }[] = [];
      for (const s of steps) {
        if (!s.pending || !isWorkingTime(s.spec) || s.due.getTime() <= now.getTime()) continue;
        const to = deadlineFor(s.spec, o.created_at, calendar);
        if (to.getTime() === s.due.getTime()) continue;
        await repo.updateOrder(trx, o.id, { [s.column]: to, updated_at: now });
        await cancelTimers(trx, o.id, now, [s.timer.name]);
        await scheduleTimer(trx, s.timer, { subjectId: o.id, dueAt: to, now });
        changes.push({ step: s.step, from: s.due.toISOString(), to: to.toISOString() });
      }
      if (changes.length === 0) continue;
      await recordEvent(trx, {
        caseId: o.case_id, actor: { kind: 'system' }, action: 'order_deadlines_recomputed', fromStatus: null, toStatus: null, orgId: o.department_id,
        note: '发令期限因工作日历调整而重算', data: { orderId: o.id, calendarRevision: days.revision, changes }, at: now,
      });
    }
    return { lastKey: rows.at(-1)?.id ?? afterKey, seen: rows.length };
  },
};

export const orderCalendarFollower = calendarFollowerSweeper(follower);
