/**
 * The cases module's public face: the only file another module (or the app)
 * imports. Orders, supervision, the resident portal, attachments and the
 * coming modules plug into these names, not into the files behind them, so the
 * case core can change inside without their imports moving.
 *
 * - lock and read a case: `lockCase`, `findCase`, `findCaseByTrackingNo`, its
 *   timeline, attachments and units (named repo functions, not the whole repo);
 * - change it only through the state machine: `performAction` (staff) and
 *   `applyStep` (any performer, e.g. a resident); open one with `createCase`;
 * - its side effects in the caller's transaction: `recordEvent`, the deadline
 *   timers (`syncClockTimers`), `notifyUnits`, `publishAfterCommit`;
 * - who may see and act (`canSee`, `mayAct`: the case policy layer), and the
 *   presenter that sends `allowedActions` with every case;
 * - the pure lifecycle, grading and deadline rules other modules compute with;
 * - the module definition (routes and timer kinds) the app composes.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { casesModule as routes } from './cases.routes.js';
import { caseTimers } from './cases.timers.js';
import { caseCalendarFollower } from './cases.recompute.js';

// Reading and locking a case (named functions of the repo).
export type { CaseRow } from './cases.repo.js';
export { attachmentsByIds, findCase, findCaseByTrackingNo, listCases, listEvents, lockCase, orgsByIds } from './cases.repo.js';
export { caseSearchText, searchQuery } from './search.rules.js';

// Opening a case and changing it through the state machine.
export { createCase, hashAccessCode, type IntakeInput, type Submitter } from './intake.service.js';
export { applyStep, performAction, type ActionInput, type StepPerformer } from './actions.service.js';

// Effects written in the caller's transaction.
export {
  CLOCK_TIMER_KINDS, HANDLING_ROLES, SUPERVISING_ROLES, lineOf, notifyUnits, publishAfterCommit, recordEvent, slaContext, syncClockTimers,
  type EventActor, type EventInput, type NotifyInput, type Trx,
} from './cases.effects.js';

// Access rules (the case policy layer) and the presenter.
export { ACTION_PERMISSIONS, FIRST_RECEIVER_ACTIONS, canSee, mayAct } from './cases.access.js';
export { mayViewPii, presentCase, presentEvent } from './cases.presenter.js';

// Request schemas other modules' routes share.
export { CaseIdParams, CreateCaseBody, IdempotencyHeaders } from './cases.schemas.js';

// Pure rules: lifecycle, grading, deadlines, the category catalogue.
export { CASE_ACTIONS, STATE_NAMES, transition, type CaseAction, type CaseState } from './lifecycle.rules.js';
export { RISK_LEVELS, type RiskLevel, type ValidationIssue } from './grading.rules.js';
export { SHANGHAI_OFFSET_MS, shanghaiDate, type WorkCalendar } from '../calendar/index.js';
export { deadlineFor } from './clocks.rules.js';
export { DeadlineSpecSchema, type DeadlineSpec, type SlaPolicy } from './sla-policy.rules.js';
export { DEFAULT_CATEGORIES } from './catalogue.data.js';

// The case core's editable policies (definitions of the settings registry).
export { GRADING_RULES, SLA_POLICY } from './cases.settings.js';

export const casesModule: ModuleDefinition = { name: 'cases', routes, timers: caseTimers, sweepers: [caseCalendarFollower] };
