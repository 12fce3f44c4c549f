/**
 * Order deadlines (SPEC §6): when the acknowledge or arrive deadline passes
 * with nothing done, the order is marked overdue, the case timeline says so
 * and both the department and the issuer are told. A handler re-reads the
 * order under lock and does nothing if the step was taken meanwhile.
 */
import type { AppContext } from '../../platform/context.js';
import { defineTimer, type CheckedTimerRow, type TimerDefinition } from '../../platform/background.js';
import type { AfterCommit } from '../../platform/tx.js';
import { findCase, HANDLING_ROLES, notifyUnits, recordEvent, SUPERVISING_ROLES, type Trx } from '../cases/index.js';
import * as repo from './orders.repo.js';
import { ORDER_ACK_TIMER, ORDER_ARRIVE_TIMER } from './orders.service.js';

async function onDue(trx: Trx, ctx: AppContext, timer: CheckedTimerRow<unknown>, afterCommit: AfterCommit, which: 'acknowledge' | 'arrive') {
  const o = await repo.lockOrder(trx, timer.subject_id);
  if (!o) return;
  const pending = which === 'acknowledge' ? o.status === 'issued' : o.status === 'issued' || o.status === 'acknowledged';
  const deadline = which === 'acknowledge' ? o.acknowledge_by : o.arrive_by;
  if (!pending || deadline.getTime() !== timer.due_at.getTime()) return;
  const now = ctx.clock.now();
  const updated = await repo.updateOrder(trx, o.id, which === 'acknowledge' ? { acknowledge_overdue: true, updated_at: now } : { arrive_overdue: true, updated_at: now });
  const c = await findCase(trx, o.case_id);
  if (!c) return;
  await recordEvent(trx, {
    caseId: c.id, actor: { kind: 'system' }, action: 'order_overdue', fromStatus: c.status, toStatus: c.status, orgId: o.department_id,
    data: { orderId: o.id, departmentId: o.department_id, deadline: which, dueAt: deadline.toISOString() }, at: now,
  });
  const what = which === 'acknowledge' ? { zh: '接令', en: 'acknowledge' } : { zh: '报到', en: 'report for duty' };
  await notifyUnits(trx, now, {
    orgIds: [o.department_id, o.issuer_org_id],
    roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])],
    kind: 'order.overdue',
    title: { 'zh-CN': `发令超时未${what.zh} ${c.tracking_no}`, en: `Order overdue: did not ${what.en} in time (${c.tracking_no})` },
    caseId: c.id,
    data: { orderId: o.id, deadline: which },
  });
  for (const orgPath of [o.issuer_path, o.department_path]) {
    afterCommit(() => ctx.realtime.publish({ name: 'order.overdue', caseId: o.case_id, orgPath, data: { orderId: updated.id, deadline: which } }));
  }
}

/** The orders module's timer kinds with their handlers, for the app's one registry. */
export const orderTimers: readonly TimerDefinition[] = [
  defineTimer(ORDER_ACK_TIMER, (trx, ctx, timer, afterCommit) => onDue(trx, ctx, timer, afterCommit, 'acknowledge')),
  defineTimer(ORDER_ARRIVE_TIMER, (trx, ctx, timer, afterCommit) => onDue(trx, ctx, timer, afterCommit, 'arrive')),
];
