/**
 * Side effects every case change shares, all written in the caller's
 * transaction: the timeline event, the deadline timers, the outbox rows for
 * notifications; and the realtime push, which only goes out after commit.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { cancelTimers } from '../../platform/timers.js';
import { enqueueMessages, scheduleTimers, timerInput, timerKind, topicMessage, type CheckedTimer } from '../../platform/background.js';
import { NOTIFY_TOPIC } from '../notifications/index.js';
import { Type } from 'typebox';
import type { AfterCommit } from '../../platform/tx.js';
import { ancestorIds } from '../orgs/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import { warningAt } from './clocks.rules.js';
import { targetsFor } from './sla-policy.rules.js';
import * as repo from './cases.repo.js';
import { clockKinds, runningClocks, type ClockFacts, type SlaClockName } from './cases.rules.js';
import type { ClockOrigin, ClockOrigins } from './recompute.rules.js';

/** A deadline timer's payload: the clock and the deadline it was set for (a stale timer finds them changed). */
const ClockTimerPayload = Type.Object({ clock: Type.Union([Type.Literal('respond'), Type.Literal('accept'), Type.Literal('resolve')]), dueAt: Type.String() });
export const WARN_TIMER = timerKind('case.warn', ClockTimerPayload);
export const BREACH_TIMER = timerKind('case.breach', ClockTimerPayload);
/** Set at resolution: `resolvedAt` tells a later resolution's timer from this one's. */
export const AUTO_CONFIRM_TIMER = timerKind('case.auto_confirm', Type.Object({ resolvedAt: Type.String() }));
export const TIMER_WARN = WARN_TIMER.name;
export const TIMER_BREACH = BREACH_TIMER.name;
export const TIMER_AUTO_CONFIRM = AUTO_CONFIRM_TIMER.name;
export const CLOCK_TIMER_KINDS = [TIMER_WARN, TIMER_BREACH] as const;

export type EventActor =
  | { kind: 'staff'; id: string; name: string }
  | { kind: 'resident'; name: string | null }
  | { kind: 'system' };

export interface EventInput {
  caseId: string;
  actor: EventActor;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  orgId?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
  attachments?: unknown[];
  at: Date;
}

/** The timeline row of an event, as `recordEvent` writes it. */
export function eventRow(e: EventInput): repo.NewEventRow {
  return {
    case_id: e.caseId,
    at: e.at,
    actor_kind: e.actor.kind,
    actor_id: e.actor.kind === 'staff' ? e.actor.id : null,
    actor_name: e.actor.kind === 'system' ? null : e.actor.name,
    action: e.action,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    org_id: e.orgId ?? null,
    note: e.note ?? null,
    data: JSON.stringify(e.data ?? {}),
    attachments: JSON.stringify(e.attachments ?? []),
  };
}

export function recordEvent(trx: Kysely<DB>, e: EventInput) {
  return repo.insertEvent(trx, eventRow(e));
}

/** What the clock rules read of a case; intake passes it before the case row is written. */
export type ClockSubject = Pick<
  repo.CaseRow,
  'id' | 'risk_level' | 'channel' | 'status' | 'created_at' | 'respond_by' | 'accept_by' | 'resolve_by' | 'responded_at' | 'accepted_at' | 'resolved_at' | 'extra'
>;

/** The resolve window's start as stored (acceptance, reopening or major escalation). */
export function resolveStartOf(row: Pick<repo.CaseRow, 'extra' | 'accepted_at'>): Date | null {
  const stored = (row.extra as { resolveStart?: string }).resolveStart;
  return stored ? new Date(stored) : row.accepted_at;
}

/** The stored origins of clocks whose window does not start where the plain rules say (recompute.rules.ts). */
export function clockOriginsOf(row: Pick<repo.CaseRow, 'extra'>): ClockOrigins {
  return ((row.extra as { clockOrigins?: ClockOrigins }).clockOrigins ?? {}) as ClockOrigins;
}

/**
 * The case's `extra` with some clock origins set (or, given `null`, dropped back to the plain rules), as the
 * JSON a patch stores; `resolveStart` likewise when given.
 */
export function extraWithOrigins(
  extra: unknown,
  origins: Partial<Record<SlaClockName, ClockOrigin | null>>,
  resolveStart?: Date,
): string {
  const current = (extra ?? {}) as { clockOrigins?: ClockOrigins } & Record<string, unknown>;
  const next: ClockOrigins = { ...(current.clockOrigins ?? {}) };
  for (const [clock, origin] of Object.entries(origins) as [SlaClockName, ClockOrigin | null][]) {
    if (origin) next[clock] = origin;
    else delete next[clock];
  }
  const { clockOrigins: _dropped, ...rest } = current;
  return JSON.stringify({ ...rest, ...(resolveStart ? { resolveStart: resolveStart.toISOString() } : {}), ...(Object.keys(next).length > 0 ? { clockOrigins: next } : {}) });
}

export function clockFactsOf(row: Omit<ClockSubject, 'id' | 'risk_level' | 'channel'>): ClockFacts {
  return { ...row, resolveStart: resolveStartOf(row) };
}

/**
 * Replaces the case's warning and breach timers with ones matching its
 * current deadlines. Idempotent: called after any change to deadlines or state.
 * All new timers are written in one statement.
 */
export async function syncClockTimers(trx: Kysely<DB>, row: ClockSubject, now: Date, calendar: WorkCalendar, policy: Parameters<typeof targetsFor>[0]) {
  await cancelTimers(trx, row.id, now, CLOCK_TIMER_KINDS);
  await scheduleTimers(trx, clockTimers(row, now, calendar, policy));
}

/** The warning and breach timers a case's running clocks need (warnings already past are skipped). */
export function clockTimers(row: ClockSubject, now: Date, calendar: WorkCalendar, policy: Parameters<typeof targetsFor>[0]): CheckedTimer[] {
  const kinds = clockKinds(targetsFor(policy, row.risk_level as 'red' | 'yellow' | 'blue', row.channel));
  const timers: CheckedTimer[] = [];
  for (const c of runningClocks(clockFactsOf(row), kinds)) {
    const payload = { clock: c.clock, dueAt: c.due.toISOString() };
    const warnAt = warningAt(c.start, c.due, 0.8, calendar, c.kind);
    if (warnAt.getTime() > now.getTime()) timers.push(timerInput(WARN_TIMER, { subjectId: row.id, dueAt: warnAt, payload, now }));
    timers.push(timerInput(BREACH_TIMER, { subjectId: row.id, dueAt: c.due, payload, now }));
  }
  return timers;
}

export { slaContext } from './cases.settings.js';

export interface NotifyInput {
  orgIds: string[];
  roles: string[];
  kind: string;
  title: { 'zh-CN': string; en: string };
  body?: string;
  caseId: string;
  data?: Record<string, unknown>;
}

/** The outbox message `notifyUnits` queues, for callers that write several rows in one statement. */
export function notifyMessage(now: Date, n: NotifyInput) {
  return topicMessage(
    NOTIFY_TOPIC,
    { recipients: { orgIds: n.orgIds, roles: n.roles }, kind: n.kind, title: n.title, body: n.body ?? '', caseId: n.caseId, data: n.data ?? {} },
    now,
  );
}

/** Queues an in-app notification to the holders of `roles` at `orgIds`; delivered after commit. */
export async function notifyUnits(trx: Kysely<DB>, now: Date, n: NotifyInput) {
  const [id] = await enqueueMessages(trx, [notifyMessage(now, n)]);
  return id;
}

/** Roles that handle a case at a unit: whoever works cases there. */
export const HANDLING_ROLES = ['community_secretary', 'receptionist', 'handler', 'subdistrict_admin', 'district_admin'];
/** Roles that supervise a unit from above. */
export const SUPERVISING_ROLES = ['subdistrict_admin', 'district_admin', 'leader', 'supervisor', 'community_secretary'];

/** The unit itself plus each ancestor, root first (ids from the materialised path). */
export function lineOf(path: string): string[] {
  return [...ancestorIds(path), path.split('/').filter(Boolean).at(-1)!];
}

/** Pushes a realtime event after commit: ids and names only, never personal data. */
export function publishAfterCommit(ctx: AppContext, afterCommit: AfterCommit, name: string, row: repo.CaseRow, data: Record<string, string | number | boolean> = {}) {
  afterCommit(() =>
    ctx.realtime.publish({ name, caseId: row.id, orgPath: row.owner_path, data: { riskLevel: row.risk_level, status: row.status, ...data } }),
  );
}

export type Trx = Transaction<DB>;
export type { SlaClockName };
