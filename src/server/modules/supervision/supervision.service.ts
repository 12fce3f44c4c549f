/**
 * Supervision (督查督办, SPEC §5 end of day and §7): the daily jobs (09:00
 * digest per unit, daily circular, weekly rankings, monthly analysis,
 * quarterly assessment), the end-of-day regrade with leader appointments,
 * supervision notices that the owner must answer, and the escalation ladder.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { can, type Actor } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { EMPTY_PAYLOAD, scheduleTimer, timerKind } from '../../platform/background.js';
import { inTransaction, type AfterCommit } from '../../platform/tx.js';
import {
  canSee, findCase, HANDLING_ROLES, lineOf, lockCase, notifyUnits, orgsByIds, recordEvent, SHANGHAI_OFFSET_MS, shanghaiDate, type Trx,
} from '../cases/index.js';
import { notify } from '../notifications/index.js';
import { computeRankings, type Rankings } from '../assessment/index.js';
import { periodRange, previousPeriod } from '../assessment/index.js';
import * as repo from './supervision.repo.js';
import { APPOINTMENT_LEADERS, DIGEST_TIME, END_OF_DAY_TIME, appointmentUnit, endOfDayGrade, nextDailyAt, type OrgRef } from './supervision.rules.js';

export const DAILY_TIMER = timerKind('supervision.daily', EMPTY_PAYLOAD);
export const END_OF_DAY_TIMER = timerKind('supervision.end_of_day', EMPTY_PAYLOAD);
export const NOTICE_DUE_TIMER = timerKind('supervision.notice_due', EMPTY_PAYLOAD);
export const TIMER_DAILY = DAILY_TIMER.name;
export const TIMER_END_OF_DAY = END_OF_DAY_TIMER.name;
export const TIMER_NOTICE_DUE = NOTICE_DUE_TIMER.name;
/** Fixed subjects of the district-wide daily timers: with (kind, subject, due_at) unique, each day has one timer. */
export const DAILY_SUBJECT = '5f1e0000-0000-4000-8000-000000000900';
export const END_OF_DAY_SUBJECT = '5f1e0000-0000-4000-8000-000000002359';

const DIGEST_ROLES = ['district_admin', 'leader', 'supervisor'];

/** Ensures the next 09:00 and 23:59 timers exist (idempotent: the unique timer key absorbs repeats). */
export async function ensureDailyTimers(db: Kysely<DB>, now: Date): Promise<void> {
  await scheduleTimer(db, DAILY_TIMER, { subjectId: DAILY_SUBJECT, dueAt: nextDailyAt(now, DIGEST_TIME), now });
  await scheduleTimer(db, END_OF_DAY_TIMER, { subjectId: END_OF_DAY_SUBJECT, dueAt: nextDailyAt(now, END_OF_DAY_TIME), now });
}

function dayBounds(day: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${day}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/**
 * The 09:00 job. Every report is inserted under its unique (kind, unit,
 * period) key and notified only when this call inserted it, so however many
 * timers or processes run it, each unit gets one digest a day. Reports of a
 * finished week, month or quarter are produced on the first run after it ends
 * (normally Monday, the 1st, the quarter's first day), catching up after downtime.
 */
export async function runDailyJobs(trx: Trx, now: Date): Promise<{ digests: number; reports: string[] }> {
  const day = shanghaiDate(now);
  const units = await repo.staffedUnits(trx);
  const counts = await repo.digestCounts(trx, units.map((u) => u.id));
  let digests = 0;
  for (const u of units) {
    const c = counts.get(u.id)!;
    const overdue = c.overdue_cases > 0 ? await repo.overdueCaseIds(trx, u.path) : [];
    const data = {
      day,
      openCases: c.open_cases,
      amberCases: c.amber_cases,
      overdueCases: c.overdue_cases,
      openOrders: c.open_orders,
      overdueOrders: c.overdue_orders,
      openNotices: c.open_notices,
      pendingAppointments: c.pending_appointments,
      overdueCaseIds: overdue.map((x) => x.id),
      casesUrl: `/api/v1/cases?orgId=${u.id}&open=true`,
      overdueCasesUrl: `/api/v1/cases?orgId=${u.id}&overdue=true&open=true`,
    };
    const id = await repo.insertReportOnce(trx, { kind: 'digest', orgId: u.id, period: day, data, now });
    if (id === undefined) continue;
    digests++;
    await notify(
      trx,
      {
        recipients: { orgIds: [u.id] },
        kind: 'supervision.digest',
        title: { 'zh-CN': `每日提醒 ${day}：${u.name}`, en: `Daily digest ${day}: ${u.name}` },
        body: {
          'zh-CN': `在办诉求${c.open_cases}件，临期${c.amber_cases}件，超时${c.overdue_cases}件；在办发令${c.open_orders}件，超时${c.overdue_orders}件；待回复督办${c.open_notices}件；待约见${c.pending_appointments}件。`,
          en: `Open cases ${c.open_cases}, amber ${c.amber_cases}, overdue ${c.overdue_cases}; open orders ${c.open_orders}, overdue ${c.overdue_orders}; notices to answer ${c.open_notices}; appointments pending ${c.pending_appointments}.`,
        },
        data: { reportId: Number(id), orgId: u.id, day },
      },
      now,
    );
  }
  const reports: string[] = [];
  const root = await repo.districtRoot(trx);
  if (!root) return { digests, reports };

  // Daily circular (通报) on yesterday, for the district.
  const yesterday = shanghaiDate(new Date(now.getTime() - 86_400_000));
  if (!(await repo.reportExists(trx, 'circular', root.id, day))) {
    const { from, to } = dayBounds(yesterday);
    const fig = await repo.circularFigures(trx, from, to);
    const data = { day, about: yesterday, subdistricts: fig.subdistricts, orders: { issued: Number(fig.orders?.issued ?? 0), checkedIn: Number(fig.orders?.checked_in ?? 0), flagged: Number(fig.orders?.flagged ?? 0) } };
    if (await repo.insertReportOnce(trx, { kind: 'circular', orgId: root.id, period: day, data, now })) {
      reports.push('circular');
      const received = fig.subdistricts.reduce((s, x) => s + x.received, 0);
      const resolved = fig.subdistricts.reduce((s, x) => s + x.resolved, 0);
      await publishReport(trx, now, root.id, 'supervision.circular', { 'zh-CN': `每日通报 ${yesterday}：受理${received}件，化解${resolved}件`, en: `Daily circular ${yesterday}: ${received} received, ${resolved} resolved` });
    }
  }
  const periodic: { kind: 'weekly_ranking' | 'quarterly_assessment'; period: 'week' | 'quarter'; zh: string; en: string }[] = [
    { kind: 'weekly_ranking', period: 'week', zh: '每周排名', en: 'Weekly ranking' },
    { kind: 'quarterly_assessment', period: 'quarter', zh: '季度考核', en: 'Quarterly assessment' },
  ];
  for (const p of periodic) {
    const range = previousPeriod(p.period, day);
    if (await repo.reportExists(trx, p.kind, root.id, range.key)) continue;
    const community = await computeRankings(trx, now, range, 'community', [root.path]);
    const department = await computeRankings(trx, now, range, 'department', [root.path]);
    if (await repo.insertReportOnce(trx, { kind: p.kind, orgId: root.id, period: range.key, data: { community: compact(community), department: compact(department) }, now })) {
      reports.push(p.kind);
      await publishReport(trx, now, root.id, `supervision.${p.kind}`, { 'zh-CN': `${p.zh} ${range.key} 已发布`, en: `${p.en} ${range.key} published` });
    }
  }
  const month = previousPeriod('month', day);
  if (!(await repo.reportExists(trx, 'monthly_analysis', root.id, month.key))) {
    const before = previousPeriod('month', month.startDate);
    const current = await repo.monthlyFigures(trx, month.from, month.to);
    const previous = await repo.monthlyFigures(trx, before.from, before.to);
    const trend = { previousTotal: previous.total, change: current.total - previous.total, changeRate: previous.total ? Math.round(((current.total - previous.total) / previous.total) * 10_000) / 10_000 : null };
    if (await repo.insertReportOnce(trx, { kind: 'monthly_analysis', orgId: root.id, period: month.key, data: { month: month.key, ...current, trend }, now })) {
      reports.push('monthly_analysis');
      await publishReport(trx, now, root.id, 'supervision.monthly_analysis', { 'zh-CN': `月度分析 ${month.key}：共${current.total}件`, en: `Monthly analysis ${month.key}: ${current.total} cases` });
    }
  }
  return { digests, reports };
}

function compact(r: Rankings) {
  return {
    key: r.key,
    from: r.from,
    to: r.to,
    items: r.items.map((i) => ({
      rank: i.rank, orgId: i.orgId, orgName: i.orgName, score: i.score, deductionPoints: i.deductionPoints,
      rates: Object.fromEntries(Object.entries(i.rates).map(([k, v]) => [k, { value: v.value, numerator: v.numerator, denominator: v.denominator }])),
    })),
  };
}

async function publishReport(trx: Trx, now: Date, rootId: string, kind: string, title: { 'zh-CN': string; en: string }) {
  const subdistricts = await repo.unitsOfTypes(trx, ['subdistrict']);
  await notify(trx, { recipients: { orgIds: [rootId], roles: DIGEST_ROLES }, kind, title }, now);
  if (subdistricts.length) await notify(trx, { recipients: { orgIds: subdistricts.map((s) => s.id), roles: ['subdistrict_admin', 'leader'] }, kind, title }, now);
}

/**
 * End of day (SPEC §5): every case accepted on `day` and not resolved is
 * graded green/yellow/red and gets one leader-appointment task (unique per
 * case and day), recorded on its timeline.
 */
export async function runEndOfDay(trx: Trx, ctx: AppContext, day: string, afterCommit: AfterCommit): Promise<number> {
  const now = ctx.clock.now();
  const { from, to } = dayBounds(day);
  const cases = await repo.unresolvedAcceptedBetween(trx, from, to);
  if (cases.length === 0) return 0;
  const orgRows = await repo.unitsOfTypes(trx, ['district', 'subdistrict', 'community']);
  const orgs = new Map<string, OrgRef>(orgRows.map((o) => [o.id, o]));
  let created = 0;
  for (const c of cases) {
    const grade = endOfDayGrade(c);
    const line = lineOf(c.owner_path).map((id) => orgs.get(id)).filter((o): o is OrgRef => Boolean(o));
    const target = appointmentUnit(grade, c.community_id, line, orgs);
    if (!target) continue;
    const leader = APPOINTMENT_LEADERS[target.level];
    const row = await repo.insertAppointment(trx, { case_id: c.id, day, level: target.level, leader_role: leader.leaderRole, org_id: target.unitId, created_at: now });
    if (!row) continue;
    created++;
    await recordEvent(trx, {
      caseId: c.id, actor: { kind: 'system' }, action: 'leader_appointment', fromStatus: c.status, toStatus: c.status, orgId: target.unitId,
      data: { appointmentId: row.id, day, grade, level: target.level, leaderRole: leader.leaderRole }, at: now,
    });
    await notifyUnits(trx, now, {
      orgIds: [target.unitId],
      roles: leader.notifyRoles,
      kind: 'supervision.leader_appointment',
      title: { 'zh-CN': `领导约见任务 ${c.tracking_no}：${c.title}`, en: `Leader appointment ${c.tracking_no}: ${c.title}` },
      caseId: c.id,
      data: { appointmentId: row.id, level: target.level },
    });
    afterCommit(() => ctx.realtime.publish({ name: 'supervision.leader_appointment', caseId: c.id, orgPath: c.owner_path, data: { level: target.level } }));
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// Leader appointments
// ---------------------------------------------------------------------------------------------

function mayHandleAppointment(actor: Actor, orgPath: string): boolean {
  return can(actor, 'case:supervise', orgPath) || can(actor, 'case:handle', orgPath);
}

export async function listAppointments(ctx: AppContext, actor: Actor, q: { status?: string; day?: string; caseId?: string; page?: number; pageSize?: number }) {
  requireSomewhere(actor, 'case:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listAppointments(ctx.db, actor, { ...q, limit: pageSize, offset: (page - 1) * pageSize });
  return { rows, total, page, pageSize };
}

async function appointmentStep(ctx: AppContext, actor: Actor, id: string, apply: (a: NonNullable<Awaited<ReturnType<typeof repo.lockAppointment>>>, now: Date) => { patch: { status?: string; scheduled_at?: Date | null; outcome?: string | null }; action: string; note?: string | null; data: Record<string, unknown> }) {
  return inTransaction(ctx, async (trx) => {
    const a = await repo.lockAppointment(trx, id);
    if (!a || !can(actor, 'case:read', a.org_path)) throw AppError.notFound('record');
    if (!mayHandleAppointment(actor, a.org_path)) throw new AppError('FORBIDDEN');
    const now = ctx.clock.now();
    const r = apply(a, now);
    const updated = await repo.updateAppointment(trx, a.id, r.patch);
    const c = await findCase(trx, a.case_id);
    await recordEvent(trx, {
      caseId: a.case_id, actor: { kind: 'staff', id: actor.id, name: actor.displayName }, action: r.action, fromStatus: c?.status ?? null,
      toStatus: c?.status ?? null, orgId: a.org_id, note: r.note ?? null, data: { appointmentId: a.id, ...r.data }, at: now,
    });
    return updated;
  });
}

export function scheduleAppointment(ctx: AppContext, actor: Actor, id: string, scheduledAt: string) {
  const at = new Date(scheduledAt);
  if (Number.isNaN(at.getTime())) throw AppError.invalidField('body.scheduledAt', l('不是有效的日期时间', 'not a date-time'));
  return appointmentStep(ctx, actor, id, (a) => {
    if (a.status === 'held') throw AppError.conflict(l('该次接访已经完成', 'the appointment has been held'));
    return { patch: { status: 'scheduled', scheduled_at: at }, action: 'leader_appointment_scheduled', data: { scheduledAt: at.toISOString() } };
  });
}

/** The meeting took place: its outcome goes on the case timeline. */
export function holdAppointment(ctx: AppContext, actor: Actor, id: string, outcome: string) {
  const text = outcome.trim();
  if (!text) throw AppError.invalidField('body.outcome', l('请记录接访结果', 'record the outcome of the meeting'));
  return appointmentStep(ctx, actor, id, (a, now) => {
    if (a.status === 'held') throw AppError.conflict(l('该次接访已经完成', 'the appointment has been held'));
    return { patch: { status: 'held', outcome: text, scheduled_at: a.scheduled_at ?? now }, action: 'leader_appointment_held', note: text, data: { heldAt: now.toISOString(), leader: actor.displayName } };
  });
}

// ---------------------------------------------------------------------------------------------
// Supervision notices (督办单)
// ---------------------------------------------------------------------------------------------

export async function issueNotice(ctx: AppContext, actor: Actor, caseId: string, input: { content: string; answerWithinHours?: number }) {
  requireSomewhere(actor, 'case:supervise');
  const content = input.content.trim();
  if (!content) throw AppError.invalidField('body.content', l('请写明需要办理的事项', 'say what must be done'));
  return inTransaction(ctx, async (trx, afterCommit) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canSee(actor, c)) throw AppError.notFound('case');
    if (!can(actor, 'case:supervise', c.owner_path)) throw new AppError('FORBIDDEN');
    const now = ctx.clock.now();
    const answerBy = new Date(now.getTime() + (input.answerWithinHours ?? 24) * 3_600_000);
    const n = await repo.insertNotice(trx, {
      case_id: c.id, org_id: c.owner_org_id, org_path: c.owner_path, content, issued_by: actor.id, issued_at: now, answer_by: answerBy, status: 'open',
    });
    await scheduleTimer(trx, NOTICE_DUE_TIMER, { subjectId: n.id, dueAt: answerBy, now });
    await recordEvent(trx, {
      caseId: c.id, actor: { kind: 'staff', id: actor.id, name: actor.displayName }, action: 'supervision_notice', fromStatus: c.status, toStatus: c.status,
      orgId: c.owner_org_id, note: content, data: { noticeId: n.id, answerBy: answerBy.toISOString() }, at: now,
    });
    await notifyUnits(trx, now, {
      orgIds: [c.owner_org_id], roles: HANDLING_ROLES, kind: 'supervision.notice',
      title: { 'zh-CN': `督办单 ${c.tracking_no}：请于${answerBy.toISOString().slice(0, 16)}前回复`, en: `Supervision notice on ${c.tracking_no}: answer by ${answerBy.toISOString()}` },
      body: content, caseId: c.id, data: { noticeId: n.id },
    });
    afterCommit(() => ctx.realtime.publish({ name: 'supervision.notice', caseId: c.id, orgPath: c.owner_path, data: { noticeId: n.id } }));
    return n;
  });
}

export async function answerNotice(ctx: AppContext, actor: Actor, id: string, answer: string) {
  const text = answer.trim();
  if (!text) throw AppError.invalidField('body.answer', l('回复不能为空', 'the answer cannot be empty'));
  return inTransaction(ctx, async (trx) => {
    const n = await repo.lockNotice(trx, id);
    if (!n || !can(actor, 'case:read', n.org_path)) throw AppError.notFound('record');
    if (!can(actor, 'case:handle', n.org_path)) throw new AppError('FORBIDDEN');
    if (n.status === 'answered') throw AppError.conflict(l('该通知已回复', 'the notice has already been answered'));
    const now = ctx.clock.now();
    const updated = await repo.updateNotice(trx, n.id, { status: 'answered', answer: text, answered_by: actor.id, answered_at: now });
    const c = await findCase(trx, n.case_id);
    await recordEvent(trx, {
      caseId: n.case_id, actor: { kind: 'staff', id: actor.id, name: actor.displayName }, action: 'supervision_answer', fromStatus: c?.status ?? null,
      toStatus: c?.status ?? null, orgId: n.org_id, note: text, data: { noticeId: n.id, late: now.getTime() > n.answer_by.getTime() }, at: now,
    });
    if (n.issued_by) {
      await notify(trx, { recipients: { userIds: [n.issued_by] }, kind: 'supervision.answer', title: { 'zh-CN': `督办单已回复：${c?.tracking_no ?? ''}`, en: `Supervision notice answered: ${c?.tracking_no ?? ''}` }, body: text, caseId: n.case_id, data: { noticeId: n.id } }, now);
    }
    return updated;
  });
}

export async function listNotices(ctx: AppContext, actor: Actor, q: { status?: 'open' | 'answered'; caseId?: string; page?: number; pageSize?: number }) {
  requireSomewhere(actor, 'case:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listNotices(ctx.db, actor, { ...q, limit: pageSize, offset: (page - 1) * pageSize });
  return { rows, total, page, pageSize };
}

export async function listReports(ctx: AppContext, actor: Actor, q: { kind?: 'digest' | 'circular' | 'weekly_ranking' | 'monthly_analysis' | 'quarterly_assessment'; period?: string; page?: number; pageSize?: number }) {
  requireSomewhere(actor, 'case:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listReports(ctx.db, actor, { ...q, limit: pageSize, offset: (page - 1) * pageSize });
  return { rows, total, page, pageSize };
}

/** The escalation ladder of a case: who owned it when, and why it moved. */
export async function caseLadder(ctx: AppContext, actor: Actor, caseId: string) {
  requireSomewhere(actor, 'case:read');
  const c = await findCase(ctx.db, caseId);
  if (!c || !canSee(actor, c)) throw AppError.notFound('case');
  const events = await repo.ladderEvents(ctx.db, caseId);
  const orgIds = [...new Set([c.owner_org_id, c.first_org_id, ...events.map((e) => e.org_id).filter((x): x is string => Boolean(x))])];
  const names = new Map((await orgsByIds(ctx.db, orgIds)).map((o) => [o.id, o]));
  return {
    caseId: c.id,
    current: {
      ownerOrgId: c.owner_org_id, ownerOrgName: names.get(c.owner_org_id)?.name ?? null, escalationLevel: c.escalation_level, major: c.major,
      resolveBy: c.resolve_by?.toISOString() ?? null, overdue: c.overdue,
    },
    steps: events.map((e) => {
      const d = e.data as Record<string, unknown>;
      return {
        at: e.at.toISOString(),
        action: e.action,
        automatic: e.action === 'escalate' ? Boolean(d.automatic) : e.actor_kind === 'system',
        fromOrgId: (d.fromOrgId as string | undefined) ?? null,
        toOrgId: e.org_id,
        toOrgName: e.org_id ? names.get(e.org_id)?.name ?? null : null,
        major: Boolean(d.major),
        clock: (d.clock as string | undefined) ?? null,
        reason: e.note,
        actor: e.actor_name,
      };
    }),
  };
}

export { periodRange };
