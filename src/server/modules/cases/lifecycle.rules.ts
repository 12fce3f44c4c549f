/**
 * Case lifecycle state machine, SPEC §3 — pure, table-driven, no I/O.
 *
 * The service asks `transition` before writing anything; a refusal carries the allowed actions so
 * the API can answer 409 with them, and the presenter uses `allowedActions` so the UI never
 * re-derives what a user may do. Who may perform an action (roles, data scope) is the policy
 * layer's job, not this file's: here we only say what the case's state permits.
 *
 * Decisions (where SPEC §3 is silent):
 * - `dispatch` only from `accepted`. Changing the unit of a dispatched case is a `transfer`
 *   (首接负责: the first unit owns the case until it is formally transferred, with a reason).
 * - `transfer` and `escalate` go to `dispatched`: the receiving unit must `start` again.
 * - `resolve` from `in_progress`, and from `dispatched` for matters settled on the spot.
 * - `close` from `confirmed` (confirmation by the resident, or the automatic confirmation after
 *   N days, is a `confirm`) and from `rejected` (archiving a rejection once the resident has been
 *   told the reason and where to go). `merged` is terminal: the surviving case carries the work,
 *   and closing the merged one would count it twice in the ledgers.
 * - `respond` (告知) does not change the state and is allowed once (`context.responded`), in
 *   `submitted`, `accepted` or `dispatched`.
 * - `resume` returns to `context.suspendedFrom`; without it the machine refuses, because guessing
 *   the state would silently restart the wrong clock.
 * - `comment` is allowed in every state, `regrade` in every non-terminal state (including
 *   `rejected` and `suspended`), and the resident's `add_info` while the case is open to work:
 *   submitted, accepted, dispatched, in_progress, suspended and resolved (before confirming).
 */
import { ACTION_LABELS, CASE_ACTIONS, CASE_STATES, STATE_LABELS, type CaseAction, type CaseState } from '../../../shared/lifecycle.js';
import type { Localised } from '../../platform/messages.js';

// The vocabulary is shared with the web (src/shared/lifecycle.ts); the machine below is the server's alone.
export { CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState };

/** Staff names of the states and actions (as the workbench shows them), for messages such as a refused action. */
export const STATE_NAMES: Readonly<Record<CaseState, Localised>> = STATE_LABELS;
export const ACTION_NAMES: Readonly<Record<CaseAction, Localised>> = ACTION_LABELS;

/** States no work action leaves; only `comment` remains. */
export const TERMINAL_STATES: readonly CaseState[] = ['closed', 'merged'];

/** States a case may be suspended from, and therefore resumed to. */
export const SUSPENDABLE_STATES = ['accepted', 'dispatched', 'in_progress'] as const;
export type SuspendableState = (typeof SUSPENDABLE_STATES)[number];

/** Facts about the case, beyond its state, that the machine needs. */
export interface TransitionContext {
  /** Whether the resident has already been told the case is received (告知). */
  responded: boolean;
  /** The state the case was suspended from; required to resume. */
  suspendedFrom?: CaseState | null;
}

export type TransitionResult = { ok: true; to: CaseState } | { ok: false; allowed: CaseAction[] };

const NON_TERMINAL: readonly CaseState[] = CASE_STATES.filter((s) => !TERMINAL_STATES.includes(s));

/** `'same'`: the action is recorded on the timeline but the state does not change. */
type Target = CaseState | 'same' | 'suspended_from';

interface Rule {
  from: readonly CaseState[];
  to: Target;
  guard?: (ctx: TransitionContext) => boolean;
}

/** The whole machine. Read a row as: "<action> is allowed from <from> and leads to <to>". */
const RULES: Record<CaseAction, Rule> = {
  respond: { from: ['submitted', 'accepted', 'dispatched'], to: 'same', guard: (c) => !c.responded },
  accept: { from: ['submitted'], to: 'accepted' },
  reject: { from: ['submitted'], to: 'rejected' },
  dispatch: { from: ['accepted'], to: 'dispatched' },
  transfer: { from: ['dispatched', 'in_progress'], to: 'dispatched' },
  escalate: { from: ['dispatched', 'in_progress'], to: 'dispatched' },
  start: { from: ['dispatched'], to: 'in_progress' },
  resolve: { from: ['dispatched', 'in_progress'], to: 'resolved' },
  confirm: { from: ['resolved'], to: 'confirmed' },
  reopen: { from: ['resolved', 'confirmed'], to: 'in_progress' },
  close: { from: ['confirmed', 'rejected'], to: 'closed' },
  suspend: { from: SUSPENDABLE_STATES, to: 'suspended' },
  resume: {
    from: ['suspended'],
    to: 'suspended_from',
    guard: (c) => !!c.suspendedFrom && (SUSPENDABLE_STATES as readonly string[]).includes(c.suspendedFrom),
  },
  merge: { from: ['submitted', 'accepted', 'dispatched', 'in_progress'], to: 'merged' },
  comment: { from: CASE_STATES, to: 'same' },
  regrade: { from: NON_TERMINAL, to: 'same' },
  add_info: { from: ['submitted', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved'], to: 'same' },
};

function permits(rule: Rule, state: CaseState, ctx: TransitionContext): boolean {
  return rule.from.includes(state) && (rule.guard ? rule.guard(ctx) : true);
}

/**
 * The actions the case's state permits, in `CASE_ACTIONS` order. Sent with every case response
 * and with every 409, so clients show exactly the buttons that will work.
 */
export function allowedActions(state: CaseState, context: TransitionContext): CaseAction[] {
  return CASE_ACTIONS.filter((a) => permits(RULES[a], state, context));
}

/**
 * Decides one step. The only place that knows where an action leads, so timeline events, timers
 * and the 409 answer all agree.
 */
export function transition(state: CaseState, action: CaseAction, context: TransitionContext): TransitionResult {
  const rule = RULES[action];
  if (!permits(rule, state, context)) return { ok: false, allowed: allowedActions(state, context) };
  if (rule.to === 'same') return { ok: true, to: state };
  if (rule.to === 'suspended_from') return { ok: true, to: context.suspendedFrom as CaseState };
  return { ok: true, to: rule.to };
}

/** Whether a state is terminal (only comments are accepted). */
export function isTerminal(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}
