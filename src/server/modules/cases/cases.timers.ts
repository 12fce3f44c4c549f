/**
 * What happens when a case's deadline timers fire (SPEC §5). Each handler
 * re-reads the case under lock and does nothing if the clock it was set for
 * has since stopped or moved, so a stale timer is harmless.
 */
import type { AppContext } from '../../platform/context.js';
import { defineTimer, type CheckedTimerRow, type TimerDefinition } from '../../platform/background.js';
import type { AfterCommit } from '../../platform/tx.js';
import { readSetting } from '../../platform/settings.js';
import { SLA_POLICY } from './cases.settings.js';
import * as repo from './cases.repo.js';
import { clockKinds, runningClocks, type SlaClockName } from './cases.rules.js';
import {
  AUTO_CONFIRM_TIMER, BREACH_TIMER, HANDLING_ROLES, SUPERVISING_ROLES, WARN_TIMER, clockFactsOf, lineOf, notifyUnits,
  extraWithOrigins, publishAfterCommit, recordEvent, slaContext, syncClockTimers, type Trx,
} from './cases.effects.js';
import { applyStep, escalationPatch, notifyEscalation, type StepPerformer } from './actions.service.js';
import { deadlineFor } from './clocks.rules.js';
import { targetsFor } from './sla-policy.rules.js';
import type { RiskLevel } from './grading.rules.js';

const CLOCK_NAMES: Record<SlaClockName, { 'zh-CN': string; en: string }> = {
  respond: { 'zh-CN': '告知', en: 'respond' },
  accept: { 'zh-CN': '受理', en: 'accept' },
  resolve: { 'zh-CN': '化解', en: 'resolve' },
};

/** The running clock this timer was set for, if it is still running with the same deadline. */
type ClockTimer = CheckedTimerRow<{ clock: SlaClockName; dueAt: string }>;

async function stillDue(trx: Trx, ctx: AppContext, timer: ClockTimer) {
  const row = await repo.lockCase(trx, timer.subject_id);
  if (!row) return null;
  const { clock, dueAt } = timer.payload;
  // Only the policy: whether the clock still runs does not depend on the calendar.
  const policy = await readSetting(trx, SLA_POLICY);
  const kinds = clockKinds(targetsFor(policy, row.risk_level as RiskLevel, row.channel));
  const running = runningClocks(clockFactsOf(row), kinds).find((c) => c.clock === clock);
  if (!running || running.due.toISOString() !== dueAt) return null;
  return { row, clock };
}

async function onWarning(trx: Trx, ctx: AppContext, timer: ClockTimer, afterCommit: AfterCommit) {
  const hit = await stillDue(trx, ctx, timer);
  if (!hit) return;
  const now = ctx.clock.now();
  const updated = hit.row.warning ? hit.row : await repo.updateCase(trx, hit.row.id, { warning: true, updated_at: now });
  await notifyUnits(trx, now, {
    orgIds: [hit.row.owner_org_id],
    roles: HANDLING_ROLES,
    kind: 'case.warning',
    title: {
      'zh-CN': `临期提醒 ${hit.row.tracking_no}：${CLOCK_NAMES[hit.clock]['zh-CN']}时限已过80%`,
      en: `Deadline warning ${hit.row.tracking_no}: 80% of the ${CLOCK_NAMES[hit.clock].en} window used`,
    },
    caseId: hit.row.id,
    data: { clock: hit.clock },
  });
  publishAfterCommit(ctx, afterCommit, 'case.warning', updated, { clock: hit.clock });
}

/**
 * A breach: mark overdue, record the miss against the owning unit, notify the
 * owner and its supervisors; a missed accept or resolve deadline moves the case
 * one level up the ladder (SPEC §5), with a fresh window for the new owner.
 */
async function onBreach(trx: Trx, ctx: AppContext, timer: ClockTimer, afterCommit: AfterCommit) {
  const hit = await stillDue(trx, ctx, timer);
  if (!hit) return;
  const { row, clock } = hit;
  const now = ctx.clock.now();
  const { policy, calendar } = await slaContext(trx);
  await repo.recordSlaMiss(trx, { case_id: row.id, org_id: row.owner_org_id, clock, due_at: timer.due_at, recorded_at: now });
  const supervisors = lineOf(row.owner_path).slice(0, -1);
  await notifyUnits(trx, now, {
    orgIds: [row.owner_org_id, ...supervisors],
    roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])],
    kind: 'case.overdue',
    title: {
      'zh-CN': `超时 ${row.tracking_no}：${CLOCK_NAMES[clock]['zh-CN']}已超过时限`,
      en: `Overdue ${row.tracking_no}: the ${CLOCK_NAMES[clock].en} deadline has passed`,
    },
    caseId: row.id,
    data: { clock },
  });
  await recordEvent(trx, {
    caseId: row.id, actor: { kind: 'system' }, action: 'breach', fromStatus: row.status, toStatus: row.status,
    orgId: row.owner_org_id, data: { clock, dueAt: timer.due_at.toISOString() }, at: now,
  });
  let updated = await repo.updateCase(trx, row.id, { overdue: true, warning: true, updated_at: now });
  if (clock !== 'respond') {
    try {
      const { patch, target } = await escalationPatch(trx, row, now, calendar, false);
      // The new owner gets a fresh window for the clock that was missed.
      const targets = targetsFor(policy, row.risk_level as RiskLevel, row.channel);
      if (clock === 'accept') {
        patch.accept_by = deadlineFor(targets.accept, now, calendar);
        patch.extra = extraWithOrigins(row.extra, { accept: { start: now.toISOString(), spec: targets.accept } });
      } else {
        patch.resolve_by = deadlineFor(targets.resolve, now, calendar);
        patch.extra = extraWithOrigins(row.extra, { resolve: null }, now);
      }
      // The case stays marked overdue for supervisors until the new owner acts on it,
      // even though the new owner's own window has just started.
      updated = await repo.updateCase(trx, row.id, { ...patch, updated_at: now });
      await recordEvent(trx, {
        caseId: row.id, actor: { kind: 'system' }, action: 'escalate', fromStatus: row.status, toStatus: row.status, orgId: target.id,
        note: null, data: { fromOrgId: row.owner_org_id, toOrgId: target.id, toOrgName: target.name, automatic: true, clock }, at: now,
      });
      await notifyEscalation(trx, now, updated, target.id);
      await syncClockTimers(trx, updated, now, calendar, policy);
      publishAfterCommit(ctx, afterCommit, 'case.escalated', updated, { automatic: true });
    } catch (err) {
      // At the top of the ladder there is nowhere to go: the breach stands, nothing moves.
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  }
  publishAfterCommit(ctx, afterCommit, 'case.overdue', updated, { clock });
}

/** The system as it takes a step: no staff actor, a system entry on the timeline. */
const SYSTEM: StepPerformer = { actor: null, event: { kind: 'system' } };

/**
 * No objection within the window: the resolution counts as confirmed (SPEC §3).
 * The same `confirm` step staff and residents take, so the state machine
 * decides: a case that has moved on (confirmed by hand, closed) is refused and
 * left as it is.
 */
async function onAutoConfirm(trx: Trx, ctx: AppContext, timer: CheckedTimerRow<{ resolvedAt: string }>, afterCommit: AfterCommit) {
  const row = await repo.lockCase(trx, timer.subject_id);
  // A reopening cleared the resolution this timer was set for, and a later resolution set its own timer.
  if (!row || row.resolved_at?.toISOString() !== timer.payload.resolvedAt) return;
  try {
    await applyStep(ctx, trx, afterCommit, SYSTEM, row, { action: 'confirm' }, await slaContext(trx), { data: { by: 'auto' } });
  } catch (err) {
    // Refused before anything is written: the timer has nothing left to do, and retrying cannot change that.
    if ((err as { code?: string }).code !== 'ILLEGAL_TRANSITION') throw err;
  }
}

/** The case module's timer kinds with their handlers, for the app's one registry. */
export const caseTimers: readonly TimerDefinition[] = [
  defineTimer(WARN_TIMER, onWarning),
  defineTimer(BREACH_TIMER, onBreach),
  defineTimer(AUTO_CONFIRM_TIMER, onAutoConfirm),
];
