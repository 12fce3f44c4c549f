/**
 * Every staff action on a case (SPEC §3, API `POST /cases/{id}/actions`).
 * The state machine decides whether the action is legal; this file applies
 * its effects — timestamps, owner, deadlines, timers, notifications — and the
 * timeline event, all in one transaction with the case row locked.
 */
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import { inTransaction, type AfterCommit } from '../../platform/tx.js';
import { cancelTimers } from '../../platform/timers.js';
import { scheduleTimer } from '../../platform/background.js';
import type { OrgType } from '../orgs/index.js';
import type { WorkCalendar } from '../calendar/index.js';
import { computeDeadlines, deadlineFor, remainingOnSuspend, resumeDeadline, type Remaining } from './clocks.rules.js';
import { MAJOR_ESCALATION_RESOLVE, targetsFor, type SlaPolicy } from './sla-policy.rules.js';
import type { ClockOrigin } from './recompute.rules.js';
import { CLOSED_STATES, isIn } from '../../../shared/lifecycle.js';
import { ACTION_NAMES, STATE_NAMES, transition, type CaseAction, type CaseState } from './lifecycle.rules.js';
import type { RiskLevel } from './grading.rules.js';
import * as repo from './cases.repo.js';
import { clockKinds, deadlineFlags, escalationTarget, runningClocks } from './cases.rules.js';
import {
  AUTO_CONFIRM_TIMER, HANDLING_ROLES, SUPERVISING_ROLES, TIMER_AUTO_CONFIRM, clockFactsOf, lineOf, notifyUnits, publishAfterCommit, recordEvent,
  extraWithOrigins, resolveStartOf, slaContext, syncClockTimers, type EventActor, type Trx,
} from './cases.effects.js';
import { alertRed } from './intake.service.js';
import { canSee, mayAct } from './cases.access.js';

export interface ActionInput {
  action: CaseAction;
  note?: string;
  targetOrgId?: string;
  targetCaseId?: string;
  riskLevel?: RiskLevel;
  major?: boolean;
  redirectTo?: string;
  attachmentIds?: string[];
}

const NOTE_REQUIRED: CaseAction[] = ['reject', 'resolve', 'reopen', 'suspend', 'comment', 'regrade', 'escalate', 'transfer'];

interface Applied {
  patch: repo.CasePatch;
  data: Record<string, unknown>;
  orgId?: string | null;
  /** Run after the row is updated, in the same transaction. */
  after?: (updated: repo.CaseRow) => Promise<void>;
}

type Org = NonNullable<Awaited<ReturnType<typeof repo.findOrg>>>;

async function targetOrg(trx: Trx, id: string | undefined, field = 'body.targetOrgId'): Promise<Org> {
  if (!id) throw AppError.invalidField(field, l('请选择单位', 'choose the unit'));
  const org = await repo.findOrg(trx, id);
  if (!org || !org.active) throw AppError.invalidField(field, l('单位不存在或已停用', 'unknown or inactive unit'));
  return org;
}

/** The unit one level up from the owner, or 409 at the top of the ladder. */
export async function nextLevelUp(trx: Trx, row: repo.CaseRow): Promise<Org> {
  const owner = await repo.findOrg(trx, row.owner_org_id);
  const line = await repo.orgsByIds(trx, lineOf(row.owner_path));
  const byId = new Map(line.map((o) => [o.id, o]));
  const ancestors = lineOf(row.owner_path).slice(0, -1).map((id) => byId.get(id)!).filter(Boolean);
  const targetId = owner ? escalationTarget({ type: owner.type as OrgType, parent_id: owner.parent_id }, ancestors.map((a) => ({ id: a.id, type: a.type as OrgType }))) : null;
  if (!targetId) throw AppError.conflict(l('该诉求已在最高层级，无法再提级', 'the case is already at the top of the escalation ladder'));
  return (await repo.findOrg(trx, targetId))!;
}

/** Moves ownership one level up (manual or on a breach); a major escalation restarts the resolve clock at 3 working days. */
export async function escalationPatch(trx: Trx, row: repo.CaseRow, now: Date, calendar: WorkCalendar, major: boolean): Promise<{ patch: repo.CasePatch; target: Org }> {
  const target = await nextLevelUp(trx, row);
  const patch: repo.CasePatch = { owner_org_id: target.id, owner_path: target.path, escalation_level: row.escalation_level + 1 };
  if (major) {
    patch.major = true;
    patch.resolve_by = deadlineFor(MAJOR_ESCALATION_RESOLVE, now, calendar);
    patch.extra = extraWithOrigins(row.extra, { resolve: { start: now.toISOString(), spec: MAJOR_ESCALATION_RESOLVE } }, now);
  }
  return { patch, target };
}

/** Recomputes the amber/overdue flags from the clocks still running. */
export function flagsAfter(row: repo.CaseRow, patch: repo.CasePatch, now: Date, calendar: WorkCalendar, policy: SlaPolicy) {
  const merged = { ...row, ...patch } as repo.CaseRow;
  if (patch.extra && typeof patch.extra === 'string') merged.extra = JSON.parse(patch.extra);
  const kinds = clockKinds(targetsFor(policy, merged.risk_level as RiskLevel, merged.channel));
  return deadlineFlags(runningClocks(clockFactsOf(merged), kinds), now, calendar);
}

export async function performAction(ctx: AppContext, actor: Actor, caseId: string, input: ActionInput): Promise<repo.CaseRow> {
  if (NOTE_REQUIRED.includes(input.action) && !input.note?.trim()) throw AppError.invalidField('body.note', l('此操作需要填写说明（原因）', 'a note (reason) is required for this action'));
  const sla = await slaContext(ctx.db);
  return inTransaction(ctx, async (trx, afterCommit) => {
    const row = await repo.lockCase(trx, caseId);
    if (!row || !canSee(actor, row)) throw AppError.notFound('case');
    if (!mayAct(actor, row, input.action)) throw new AppError('FORBIDDEN');
    return applyStep(ctx, trx, afterCommit, { actor, event: { kind: 'staff', id: actor.id, name: actor.displayName } }, row, input, sla);
  });
}

/** Who takes a step: a staff actor, or a resident (no actor: the portal authenticates by access code or phone). */
export interface StepPerformer {
  actor: Actor | null;
  event: EventActor;
}

/**
 * One lifecycle step on a case row the caller has locked and authorised:
 * state machine, effects, timeline event, timers, realtime push. Shared by
 * staff actions and the resident portal (confirm, reopen after a dissatisfied
 * rating, add information) so both leave exactly the same trail. `extra`
 * merges into the row patch and the event data (e.g. the rating that reopens).
 */
export async function applyStep(
  ctx: AppContext,
  trx: Trx,
  afterCommit: AfterCommit,
  by: StepPerformer,
  row: repo.CaseRow,
  input: ActionInput,
  sla: { policy: SlaPolicy; calendar: WorkCalendar },
  extra: { patch?: repo.CasePatch; data?: Record<string, unknown> } = {},
): Promise<repo.CaseRow> {
  const { policy, calendar } = sla;
  const from = row.status as CaseState;
  const step = transition(from, input.action, { responded: Boolean(row.responded_at), suspendedFrom: row.status_before_suspend as CaseState | null });
  if (!step.ok) {
    throw new AppError('ILLEGAL_TRANSITION', { status: STATE_NAMES[from], action: ACTION_NAMES[input.action] }, { allowedActions: step.allowed });
  }
  const now = ctx.clock.now();
  const applied = await applyEffects(ctx, trx, by.actor, row, input, now, calendar, policy);
  const patch: repo.CasePatch = { ...applied.patch, ...extra.patch, status: step.to, updated_at: now };
  Object.assign(patch, flagsAfter(row, patch, now, calendar, policy));
  const updated = await repo.updateCase(trx, row.id, patch);
  const attachments = input.attachmentIds?.length ? await attachAll(trx, row.id, input.attachmentIds) : [];
  await recordEvent(trx, {
    caseId: row.id,
    actor: by.event,
    action: input.action,
    fromStatus: from,
    toStatus: step.to,
    orgId: applied.orgId ?? null,
    note: input.note?.trim() || null,
    data: { ...applied.data, ...extra.data },
    attachments,
    at: now,
  });
  await syncClockTimers(trx, updated, now, calendar, policy);
  await applied.after?.(updated);
  publishAfterCommit(ctx, afterCommit, `case.${input.action}`, updated);
  return updated;
}

async function attachAll(trx: Trx, caseId: string, ids: string[]) {
  // Locked until commit: the orphan sweep cannot delete an upload between this check and the link.
  const rows = await repo.lockAttachments(trx, ids);
  if (rows.length !== ids.length || rows.some((a) => a.case_id && a.case_id !== caseId)) {
    throw AppError.invalidField('body.attachmentIds', l('附件不存在或已被使用', 'unknown or already used attachment'));
  }
  await trx.updateTable('attachments').set({ case_id: caseId }).where('id', 'in', ids).execute();
  return rows.map((a) => ({ id: a.id, fileName: a.file_name, mimeType: a.mime_type }));
}

async function applyEffects(
  ctx: AppContext,
  trx: Trx,
  actor: Actor | null,
  row: repo.CaseRow,
  input: ActionInput,
  now: Date,
  calendar: WorkCalendar,
  policy: SlaPolicy,
): Promise<Applied> {
  const level = row.risk_level as RiskLevel;
  switch (input.action) {
    case 'respond':
      return { patch: { responded_at: now }, data: {} };
    case 'accept': {
      const d = computeDeadlines({ policy, level, channel: row.channel, createdAt: row.created_at, acceptedAt: now, calendar });
      return { patch: { accepted_at: now, resolve_by: d.resolveBy, responded_at: row.responded_at ?? now }, data: { resolveBy: d.resolveBy.toISOString() } };
    }
    case 'reject':
      if (!input.redirectTo?.trim()) throw AppError.invalidField('body.redirectTo', l('请告知群众应当向哪里反映', 'tell the resident where to go instead'));
      return { patch: { responded_at: row.responded_at ?? now }, data: { redirectTo: input.redirectTo.trim() } };
    case 'dispatch':
    case 'transfer': {
      const suggested = (row.extra as { routing?: { suggestedOrgId?: string } }).routing?.suggestedOrgId;
      const target = await targetOrg(trx, input.targetOrgId ?? (input.action === 'dispatch' ? suggested : undefined));
      if (target.id === row.owner_org_id && input.action === 'transfer') throw AppError.invalidField('body.targetOrgId', l('该诉求已在这个单位', 'the case is already there'));
      return {
        patch: { owner_org_id: target.id, owner_path: target.path },
        orgId: target.id,
        data: { fromOrgId: row.owner_org_id, toOrgId: target.id, toOrgName: target.name },
        after: async (updated) => {
          await notifyUnits(trx, now, {
            orgIds: [target.id],
            roles: HANDLING_ROLES,
            kind: `case.${input.action}`,
            title: { 'zh-CN': `诉求已分派至本单位 ${row.tracking_no}：${row.title}`, en: `Case ${row.tracking_no} assigned to your unit: ${row.title}` },
            caseId: updated.id,
          });
        },
      };
    }
    case 'escalate': {
      const { patch, target } = await escalationPatch(trx, row, now, calendar, input.major ?? false);
      return {
        patch,
        orgId: target.id,
        data: { fromOrgId: row.owner_org_id, toOrgId: target.id, toOrgName: target.name, major: input.major ?? false, automatic: false },
        after: (updated) => notifyEscalation(trx, now, updated, target.id),
      };
    }
    case 'start':
      return { patch: {}, data: {} };
    case 'resolve':
      return {
        patch: { resolved_at: now },
        data: {},
        after: async (updated) => {
          await scheduleTimer(trx, AUTO_CONFIRM_TIMER, { subjectId: updated.id, dueAt: new Date(now.getTime() + policy.autoConfirmDays * 86_400_000), payload: { resolvedAt: now.toISOString() }, now });
        },
      };
    case 'confirm':
      return { patch: { confirmed_at: now }, data: { by: 'staff' }, after: async (u) => void (await cancelTimers(trx, u.id, now, [TIMER_AUTO_CONFIRM])) };
    case 'reopen': {
      const resolveBy = deadlineFor(targetsFor(policy, level, row.channel).resolve, now, calendar);
      return {
        patch: { resolved_at: null, confirmed_at: null, resolve_by: resolveBy, extra: extraWithOrigins(row.extra, { resolve: null }, now) },
        data: { resolveBy: resolveBy.toISOString() },
        after: async (u) => void (await cancelTimers(trx, u.id, now, [TIMER_AUTO_CONFIRM])),
      };
    }
    case 'close':
      return { patch: { closed_at: now }, data: {}, after: async (u) => void (await cancelTimers(trx, u.id, now)) };
    case 'suspend': {
      const kinds = clockKinds(targetsFor(policy, level, row.channel));
      const remaining: Record<string, Remaining> = {};
      for (const c of runningClocks(clockFactsOf(row), kinds)) remaining[c.clock] = remainingOnSuspend(c.due, now, c.kind, calendar);
      return { patch: { suspended_at: now, status_before_suspend: row.status, suspended_remaining: JSON.stringify(remaining) }, data: { remaining } };
    }
    case 'resume': {
      const remaining = (row.suspended_remaining ?? {}) as Record<string, Remaining>;
      const patch: repo.CasePatch = { suspended_at: null, status_before_suspend: null, suspended_remaining: null };
      if (remaining.respond) patch.respond_by = resumeDeadline(remaining.respond, now, calendar);
      if (remaining.accept) patch.accept_by = resumeDeadline(remaining.accept, now, calendar);
      if (remaining.resolve) patch.resolve_by = resumeDeadline(remaining.resolve, now, calendar);
      // What is left of a working clock runs from now: its origin, should the calendar change (recompute.rules.ts).
      const origins: Partial<Record<'respond' | 'accept' | 'resolve', ClockOrigin | null>> = {};
      for (const clock of ['respond', 'accept', 'resolve'] as const) {
        const left = remaining[clock];
        if (left) origins[clock] = left.clock === 'working' ? { start: now.toISOString(), spec: { kind: 'working_minutes', minutes: left.minutes } } : null;
      }
      let resolveStart: Date | undefined;
      if (remaining.resolve && row.resolve_by && resolveStartOf(row)) {
        // Keep the 80% warning proportional: shift the window's start by the paused time.
        const paused = now.getTime() - (row.suspended_at?.getTime() ?? now.getTime());
        resolveStart = new Date(resolveStartOf(row)!.getTime() + paused);
      }
      if (Object.keys(origins).length > 0 || resolveStart) patch.extra = extraWithOrigins(row.extra, origins, resolveStart);
      return { patch, data: { suspendedMinutes: Math.round((now.getTime() - (row.suspended_at?.getTime() ?? now.getTime())) / 60_000) } };
    }
    case 'merge': {
      if (!input.targetCaseId) throw AppError.invalidField('body.targetCaseId', l('请选择要合并到的诉求', 'choose the case to merge into'));
      if (input.targetCaseId === row.id) throw AppError.invalidField('body.targetCaseId', l('诉求不能合并到自身', 'a case cannot merge into itself'));
      const target = await repo.findCase(trx, input.targetCaseId);
      if (!target || !actor || !canSee(actor, target)) throw AppError.invalidField('body.targetCaseId', l('诉求不存在', 'unknown case'));
      if (isIn(CLOSED_STATES, target.status)) throw AppError.invalidField('body.targetCaseId', l('目标诉求已办结', 'the target case is finished'));
      return {
        patch: { merged_into: target.id },
        data: { into: target.id, intoTrackingNo: target.tracking_no },
        after: async (u) => {
          await cancelTimers(trx, u.id, now);
          await recordEvent(trx, {
            caseId: target.id, actor: { kind: 'staff', id: actor.id, name: actor.displayName }, action: 'merged_in', fromStatus: target.status,
            toStatus: target.status, note: input.note ?? null, data: { from: row.id, fromTrackingNo: row.tracking_no }, at: now,
          });
        },
      };
    }
    case 'comment':
    case 'add_info':
      return { patch: {}, data: {} };
    case 'regrade': {
      if (!input.riskLevel) throw AppError.invalidField('body.riskLevel', l('请选择新的风险等级', 'choose the new risk level'));
      if (input.riskLevel === level) throw AppError.invalidField('body.riskLevel', l('该诉求已是这个风险等级', 'the case already has this level'));
      const d = computeDeadlines({ policy, level: input.riskLevel, channel: row.channel, createdAt: row.created_at, acceptedAt: row.accepted_at, calendar });
      const manual = { code: 'manual', level: input.riskLevel, value: input.note, by: actor?.displayName ?? null };
      const reasons = [manual, ...(row.risk_reasons as unknown[])];
      return {
        patch: {
          risk_level: input.riskLevel,
          risk_reasons: JSON.stringify(reasons),
          respond_by: row.responded_at ? row.respond_by : d.respondBy,
          accept_by: row.accepted_at ? row.accept_by : d.acceptBy,
          resolve_by: row.resolved_at || row.major ? row.resolve_by : d.resolveBy,
          // The clocks recomputed here run on the plain rules again.
          extra: extraWithOrigins(row.extra, {
            ...(row.responded_at ? {} : { respond: null }),
            ...(row.accepted_at ? {} : { accept: null }),
            ...(row.resolved_at || row.major ? {} : { resolve: null }),
          }),
        },
        data: { from: level, to: input.riskLevel },
        after: async (u) => {
          if (input.riskLevel === 'red') await alertRed(trx, now, u, []);
        },
      };
    }
  }
}

export async function notifyEscalation(trx: Trx, now: Date, row: repo.CaseRow, targetId: string) {
  await notifyUnits(trx, now, {
    orgIds: [targetId],
    roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])],
    kind: 'case.escalated',
    title: { 'zh-CN': `提级办理 ${row.tracking_no}：${row.title}`, en: `Escalated ${row.tracking_no}: ${row.title}` },
    caseId: row.id,
  });
}

