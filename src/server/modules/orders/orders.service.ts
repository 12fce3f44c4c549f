/**
 * Orders: a community (or higher) blows the whistle on a case, departments
 * acknowledge (接令), report for duty at the scene (报到) and complete with a
 * report; the issuer confirms the work. Each step writes the order row, the
 * case timeline event, timers and outbox rows in one transaction.
 */
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { ROLE_PERMISSIONS, can, type Actor, type Permission } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { cancelTimers } from '../../platform/timers.js';
import { EMPTY_PAYLOAD, scheduleTimer, timerKind } from '../../platform/background.js';
import { inTransaction, type AfterCommit } from '../../platform/tx.js';
import {
  canSee, findCase, HANDLING_ROLES, lockCase, notifyUnits, recordEvent, STATE_NAMES, SUPERVISING_ROLES, type CaseRow,
  type RiskLevel, type Trx,
} from '../cases/index.js';
import { CLOSED_STATES, isIn } from '../../../shared/lifecycle.js';
import { workCalendar } from '../calendar/index.js';
import { readSetting } from '../../platform/settings.js';
import { ORDER_MATRIX } from './orders.settings.js';
import * as repo from './orders.repo.js';
import {
  checkInFlags, matrixEntryFor, normaliseRank, orderDeadlines, orderTransition,
  type LeaderRank, type OrderAction, type OrderKind, type OrderMatrix, type OrderState,
} from './orders.rules.js';

export const ORDER_ACK_TIMER = timerKind('order.acknowledge_due', EMPTY_PAYLOAD);
export const ORDER_ARRIVE_TIMER = timerKind('order.arrive_due', EMPTY_PAYLOAD);
export const TIMER_ORDER_ACK = ORDER_ACK_TIMER.name;
export const TIMER_ORDER_ARRIVE = ORDER_ARRIVE_TIMER.name;

const KIND_NAMES: Record<OrderKind, { 'zh-CN': string; en: string }> = {
  emergency: { 'zh-CN': '紧急', en: 'emergency' },
  difficult: { 'zh-CN': '疑难', en: 'difficult' },
  routine: { 'zh-CN': '日常', en: 'routine' },
};

export function readOrderMatrix(db: Kysely<DB>): Promise<OrderMatrix> {
  return readSetting(db, ORDER_MATRIX);
}

export interface IssueInput {
  kind: OrderKind;
  departmentIds: string[];
  instructions: string;
}

/**
 * The unit that issues: the most specific unit where the actor may issue orders
 * and which covers the case's owner unit (a case that has moved on is ordered from where it is now). Departments
 * execute orders; they do not issue them.
 */
function issuingRole(actor: Actor, c: CaseRow) {
  return actor.roles
    .filter((r) => ROLE_PERMISSIONS[r.role].includes('order:issue') && r.orgType !== 'department')
    .filter((r) => c.owner_path.startsWith(r.orgPath))
    .sort((a, b) => b.orgPath.length - a.orgPath.length)[0];
}

export async function issueOrders(ctx: AppContext, actor: Actor, caseId: string, input: IssueInput): Promise<repo.OrderRow[]> {
  requireSomewhere(actor, 'order:issue');
  const instructions = input.instructions.trim();
  if (!instructions) throw AppError.invalidField('body.instructions', l('请写明各部门需要做什么', 'say what the departments must do'));
  const [matrix, calendar] = await Promise.all([readOrderMatrix(ctx.db), workCalendar(ctx.db)]);
  return inTransaction(ctx, async (trx, afterCommit) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canSee(actor, c)) throw AppError.notFound('case');
    const issuer = issuingRole(actor, c);
    if (!issuer) throw new AppError('FORBIDDEN');
    if (isIn(CLOSED_STATES, c.status)) throw AppError.conflict(l(`诉求状态为“${STATE_NAMES[c.status]['zh-CN']}”，不能再发令`, `the case is "${STATE_NAMES[c.status].en}": no more orders`));
    const departments = await repo.orgNames(trx, input.departmentIds);
    input.departmentIds.forEach((id, i) => {
      const d = departments.find((x) => x.id === id);
      if (!d || !d.active || d.type !== 'department') throw AppError.invalidField(`body.departmentIds.${i}`, l('不是在用的职能部门', 'not an active department'));
    });
    const now = ctx.clock.now();
    const entry = matrixEntryFor(matrix, input.kind, c.risk_level as RiskLevel);
    const due = orderDeadlines(entry, now, calendar);
    const batchId = randomUUID();
    const rows = await repo.insertOrders(
      trx,
      input.departmentIds.map((id) => {
        const d = departments.find((x) => x.id === id)!;
        return {
          batch_id: batchId,
          case_id: c.id,
          kind: input.kind,
          risk_level: c.risk_level,
          instructions,
          issuer_org_id: issuer.orgId,
          issuer_path: issuer.orgPath,
          issued_by: actor.id,
          department_id: d.id,
          department_path: d.path,
          status: 'issued' as const,
          acknowledge_by: due.acknowledgeBy,
          arrive_by: due.arriveBy,
          min_leader_rank: entry.minLeaderRank,
          min_headcount: entry.minHeadcount,
          created_at: now,
          updated_at: now,
        };
      }),
    );
    for (const o of rows) {
      await scheduleTimer(trx, ORDER_ACK_TIMER, { subjectId: o.id, dueAt: o.acknowledge_by, now });
      await scheduleTimer(trx, ORDER_ARRIVE_TIMER, { subjectId: o.id, dueAt: o.arrive_by, now });
    }
    await recordEvent(trx, {
      caseId: c.id,
      actor: { kind: 'staff', id: actor.id, name: actor.displayName },
      action: 'order_issued',
      fromStatus: c.status,
      toStatus: c.status,
      orgId: issuer.orgId,
      note: instructions,
      data: {
        batchId,
        kind: input.kind,
        orders: rows.map((o) => ({ orderId: o.id, departmentId: o.department_id, departmentName: departments.find((d) => d.id === o.department_id)?.name })),
        acknowledgeBy: due.acknowledgeBy.toISOString(),
        arriveBy: due.arriveBy.toISOString(),
        minLeaderRank: entry.minLeaderRank,
        minHeadcount: entry.minHeadcount,
      },
      at: now,
    });
    await notifyUnits(trx, now, {
      orgIds: input.departmentIds,
      roles: ['handler'],
      kind: 'order.issued',
      title: {
        'zh-CN': `【${KIND_NAMES[input.kind]['zh-CN']}】${issuer.orgName}发令 ${c.tracking_no}：请于${fmt(due.arriveBy)}前报到`,
        en: `${KIND_NAMES[input.kind].en} order from ${issuer.orgName} on ${c.tracking_no}: report for duty by ${due.arriveBy.toISOString()}`,
      },
      body: instructions,
      caseId: c.id,
      data: { batchId, orderIds: rows.map((o) => o.id) },
    });
    for (const o of rows) publish(ctx, afterCommit, 'order.issued', o);
    return rows;
  });
}

/** Shanghai wall-clock time for Chinese notification texts. */
function fmt(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
}

function publish(ctx: AppContext, afterCommit: AfterCommit, name: string, o: repo.OrderRow) {
  for (const orgPath of [o.issuer_path, o.department_path]) {
    afterCommit(() => ctx.realtime.publish({ name, caseId: o.case_id, orgPath, data: { orderId: o.id, status: o.status, kind: o.kind } }));
  }
}

/** The actor sees an order issued by or addressed to a unit in their scope. */
export function canSeeOrder(actor: Actor, o: Pick<repo.OrderRow, 'issuer_path' | 'department_path'>): boolean {
  return can(actor, 'case:read', o.issuer_path) || can(actor, 'case:read', o.department_path);
}

const ACTION_PERMISSION: Record<OrderAction, { permission: Permission; side: 'department' | 'issuer' }> = {
  acknowledge: { permission: 'order:execute', side: 'department' },
  check_in: { permission: 'order:execute', side: 'department' },
  complete: { permission: 'order:execute', side: 'department' },
  confirm: { permission: 'order:issue', side: 'issuer' },
};

export function mayActOnOrder(actor: Actor, o: Pick<repo.OrderRow, 'issuer_path' | 'department_path'>, action: OrderAction): boolean {
  const rule = ACTION_PERMISSION[action];
  return can(actor, rule.permission, rule.side === 'department' ? o.department_path : o.issuer_path);
}

export async function getOrder(ctx: AppContext, actor: Actor, id: string): Promise<repo.OrderRow> {
  const o = await repo.findOrder(ctx.db, id);
  if (!o || !canSeeOrder(actor, o)) throw AppError.notFound('order');
  return o;
}

export interface OrderListQuery {
  status?: string;
  box?: 'issued' | 'received';
  caseId?: string;
  page?: number;
  pageSize?: number;
}

export async function listOrders(ctx: AppContext, actor: Actor, q: OrderListQuery) {
  requireSomewhere(actor, 'case:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listOrders(ctx.db, actor, {
    status: q.status?.split(',').filter(Boolean),
    box: q.box,
    caseId: q.caseId,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { rows, total, page, pageSize };
}

export interface CheckInInput {
  at?: string;
  leaderRank: string;
  headcount: number;
  lat?: number;
  lng?: number;
}

type StepResult = { patch: repo.OrderPatch; event: { action: string; note?: string | null; data: Record<string, unknown> }; notifyIssuer?: { 'zh-CN': string; en: string } };

/** Runs one order action: lock, check scope, permission and state, apply, write the case event. */
async function step(
  ctx: AppContext,
  actor: Actor,
  id: string,
  action: OrderAction,
  apply: (o: repo.OrderRow, now: Date, trx: Trx) => StepResult | Promise<StepResult>,
): Promise<repo.OrderRow> {
  return inTransaction(ctx, async (trx, afterCommit) => {
    const o = await repo.lockOrder(trx, id);
    if (!o || !canSeeOrder(actor, o)) throw AppError.notFound('order');
    if (!mayActOnOrder(actor, o, action)) throw new AppError('FORBIDDEN');
    const t = orderTransition(o.status as OrderState, action);
    if (!t.ok) throw new AppError('ILLEGAL_TRANSITION', { status: o.status, action }, { allowedActions: t.allowed });
    const now = ctx.clock.now();
    const r = await apply(o, now, trx);
    const updated = await repo.updateOrder(trx, o.id, { ...r.patch, status: t.to, updated_at: now });
    const c = await findCase(trx, o.case_id);
    await recordEvent(trx, {
      caseId: o.case_id,
      actor: { kind: 'staff', id: actor.id, name: actor.displayName },
      action: r.event.action,
      fromStatus: c?.status ?? null,
      toStatus: c?.status ?? null,
      orgId: action === 'confirm' ? o.issuer_org_id : o.department_id,
      note: r.event.note ?? null,
      data: { orderId: o.id, departmentId: o.department_id, ...r.event.data },
      at: now,
    });
    if (r.notifyIssuer && c) {
      await notifyUnits(trx, now, {
        orgIds: [o.issuer_org_id],
        roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])],
        kind: `order.${action}`,
        title: r.notifyIssuer,
        caseId: c.id,
        data: { orderId: o.id },
      });
    }
    publish(ctx, afterCommit, `order.${action}`, updated);
    return updated;
  });
}

export function acknowledgeOrder(ctx: AppContext, actor: Actor, id: string) {
  return step(ctx, actor, id, 'acknowledge', async (o, now, trx) => {
    await cancelTimers(trx, o.id, now, [TIMER_ORDER_ACK]);
    const late = now.getTime() > o.acknowledge_by.getTime();
    return {
      patch: { acknowledged_at: now, acknowledged_by: actor.id, acknowledge_late: late },
      event: { action: 'order_acknowledged', data: { late } },
    };
  });
}

/**
 * 报到. `at` is when the team arrived (it may be entered a little after the
 * fact) and is what the deadline is judged by; it may not lie in the future or
 * before the order was issued. Late, under-ranked and under-staffed check-ins
 * are flagged on the order, the timeline and the issuer's inbox.
 */
export function checkInOrder(ctx: AppContext, actor: Actor, id: string, input: CheckInInput) {
  const rank = normaliseRank(input.leaderRank);
  if (!rank) throw AppError.invalidField('body.leaderRank', l('领导职级不存在', 'unknown rank'));
  return step(ctx, actor, id, 'check_in', async (o, now, trx) => {
    const at = input.at ? new Date(input.at) : now;
    if (Number.isNaN(at.getTime())) throw AppError.invalidField('body.at', l('不是有效的日期时间', 'not a date-time'));
    if (at.getTime() > now.getTime()) throw AppError.invalidField('body.at', l('到场时间不能晚于现在', 'the arrival time cannot be in the future'));
    if (at.getTime() < o.created_at.getTime()) throw AppError.invalidField('body.at', l('到场时间不能早于发令时间', 'the arrival time cannot be before the order was issued'));
    if ((input.lat === undefined) !== (input.lng === undefined)) throw AppError.invalidField(input.lat === undefined ? 'body.lat' : 'body.lng', l('经度和纬度须同时填写', 'give both latitude and longitude'));
    const flags = checkInFlags(
      { arriveBy: o.arrive_by, minLeaderRank: o.min_leader_rank as LeaderRank | null, minHeadcount: o.min_headcount },
      { at, leaderRank: rank, headcount: input.headcount },
    );
    await cancelTimers(trx, o.id, now, [TIMER_ORDER_ACK, TIMER_ORDER_ARRIVE]);
    const patch: repo.OrderPatch = {
      arrived_at: at,
      checked_in_at: now,
      checked_in_by: actor.id,
      leader_rank: rank,
      headcount: input.headcount,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      late: flags.late,
      under_ranked: flags.underRanked,
      under_staffed: flags.underStaffed,
    };
    if (!o.acknowledged_at) Object.assign(patch, { acknowledged_at: now, acknowledged_by: actor.id, acknowledge_late: now.getTime() > o.acknowledge_by.getTime() });
    const flagged = flags.late || flags.underRanked || flags.underStaffed;
    const problems = [flags.late && '迟到', flags.underRanked && '带队领导级别不足', flags.underStaffed && '人数不足'].filter(Boolean).join('、');
    const problemsEn = [flags.late && 'late', flags.underRanked && 'leader under-ranked', flags.underStaffed && 'under-staffed'].filter(Boolean).join(', ');
    return {
      patch,
      event: {
        action: 'order_checked_in',
        data: { at: at.toISOString(), leaderRank: rank, headcount: input.headcount, lat: input.lat ?? null, lng: input.lng ?? null, ...flags, flagged },
      },
      notifyIssuer: flagged
        ? { 'zh-CN': `报到异常：${problems}（发令 ${o.id.slice(0, 8)}）`, en: `Check-in flagged: ${problemsEn} (order ${o.id.slice(0, 8)})` }
        : { 'zh-CN': `部门已报到（发令 ${o.id.slice(0, 8)}）`, en: `Department reported for duty (order ${o.id.slice(0, 8)})` },
    };
  });
}

export function completeOrder(ctx: AppContext, actor: Actor, id: string, report: string) {
  const text = report.trim();
  if (!text) throw AppError.invalidField('body.report', l('请说明办理情况', 'describe what was done'));
  return step(ctx, actor, id, 'complete', (o, now) => ({
    patch: { completed_at: now, completed_by: actor.id, report: text },
    event: { action: 'order_completed', note: text, data: {} },
    notifyIssuer: { 'zh-CN': `部门已完成发令任务，请确认（发令 ${o.id.slice(0, 8)}）`, en: `Order ${o.id.slice(0, 8)} completed; please confirm` },
  }));
}

export function confirmOrder(ctx: AppContext, actor: Actor, id: string, note?: string) {
  return step(ctx, actor, id, 'confirm', (_o, now) => ({
    patch: { confirmed_at: now, confirmed_by: actor.id, confirm_note: note?.trim() || null },
    event: { action: 'order_confirmed', note: note?.trim() || null, data: {} },
  }));
}
