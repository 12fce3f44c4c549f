import { describe, it, expect } from 'vitest';
import * as shared from '../../../shared/lifecycle.js';
import {
  CASE_ACTIONS,
  CASE_STATES,
  allowedActions,
  SUSPENDABLE_STATES,
  TERMINAL_STATES,
  isTerminal,
  transition,
  type CaseAction,
  type CaseState,
  type TransitionContext,
} from './lifecycle.rules.js';

/**
 * The expected machine, written out by hand (not derived from the implementation).
 * '=' : allowed, state unchanged · '-' : refused · otherwise the target state.
 * Context for this table: not yet responded; a suspended case was suspended from in_progress.
 */
type Cell = CaseState | '=' | '-';
const COLUMNS: CaseAction[] = [
  'respond', 'accept', 'reject', 'dispatch', 'transfer', 'escalate', 'start', 'resolve', 'confirm',
  'reopen', 'close', 'suspend', 'resume', 'merge', 'comment', 'regrade', 'add_info',
];
// prettier-ignore
const EXPECTED: Record<CaseState, Cell[]> = {
  //            respond accept      reject      dispatch      transfer      escalate      start          resolve     confirm      reopen         close     suspend      resume         merge     comment regrade add_info
  submitted:   ['=',    'accepted', 'rejected', '-',          '-',          '-',          '-',           '-',        '-',         '-',           '-',      '-',         '-',           'merged', '=',    '=',    '='],
  accepted:    ['=',    '-',        '-',        'dispatched', '-',          '-',          '-',           '-',        '-',         '-',           '-',      'suspended', '-',           'merged', '=',    '=',    '='],
  rejected:    ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        '-',         '-',           'closed', '-',         '-',           '-',      '=',    '=',    '-'],
  dispatched:  ['=',    '-',        '-',        '-',          'dispatched', 'dispatched', 'in_progress', 'resolved', '-',         '-',           '-',      'suspended', '-',           'merged', '=',    '=',    '='],
  in_progress: ['-',    '-',        '-',        '-',          'dispatched', 'dispatched', '-',           'resolved', '-',         '-',           '-',      'suspended', '-',           'merged', '=',    '=',    '='],
  resolved:    ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        'confirmed', 'in_progress', '-',      '-',         '-',           '-',      '=',    '=',    '='],
  confirmed:   ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        '-',         'in_progress', 'closed', '-',         '-',           '-',      '=',    '=',    '-'],
  closed:      ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        '-',         '-',           '-',      '-',         '-',           '-',      '=',    '-',    '-'],
  suspended:   ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        '-',         '-',           '-',      '-',         'in_progress', '-',      '=',    '=',    '='],
  merged:      ['-',    '-',        '-',        '-',          '-',          '-',          '-',           '-',        '-',         '-',           '-',      '-',         '-',           '-',      '=',    '-',    '-'],
};

const CTX: TransitionContext = { responded: false, suspendedFrom: 'in_progress' };

function actualCell(state: CaseState, action: CaseAction, ctx: TransitionContext): Cell {
  const r = transition(state, action, ctx);
  if (!r.ok) return '-';
  return r.to === state && action !== 'transfer' && action !== 'escalate' ? '=' : r.to;
}

describe('lifecycle state machine', () => {
  it('covers exactly the SPEC states and actions', () => {
    expect([...CASE_STATES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...CASE_ACTIONS].sort()).toEqual([...COLUMNS].sort());
  });

  it('matches the expectation table for every (state, action) pair', () => {
    const actual = Object.fromEntries(
      CASE_STATES.map((s) => [s, COLUMNS.map((a) => actualCell(s, a, CTX))]),
    );
    expect(actual).toEqual(EXPECTED);
  });

  it('transfer and escalate from dispatched stay dispatched (a new unit, same state)', () => {
    expect(transition('dispatched', 'transfer', CTX)).toEqual({ ok: true, to: 'dispatched' });
    expect(transition('in_progress', 'escalate', CTX)).toEqual({ ok: true, to: 'dispatched' });
  });

  it.each(CASE_STATES)('allowedActions(%s) lists exactly the non-refused cells, in CASE_ACTIONS order', (state) => {
    const expected = CASE_ACTIONS.filter((a) => EXPECTED[state][COLUMNS.indexOf(a)] !== '-');
    expect(allowedActions(state, CTX)).toEqual(expected);
  });

  it('a refusal carries the allowed actions (for the 409 answer)', () => {
    expect(transition('submitted', 'start', CTX)).toEqual({
      ok: false,
      allowed: ['respond', 'accept', 'reject', 'merge', 'comment', 'regrade', 'add_info'],
    });
    expect(transition('closed', 'reopen', CTX)).toEqual({ ok: false, allowed: ['comment'] });
    expect(transition('merged', 'close', CTX)).toEqual({ ok: false, allowed: ['comment'] });
  });

  describe('respond is allowed once', () => {
    const responded: TransitionContext = { responded: true };
    it.each(['submitted', 'accepted', 'dispatched'] as const)('in %s: allowed before, refused after', (state) => {
      expect(transition(state, 'respond', { responded: false })).toEqual({ ok: true, to: state });
      const r = transition(state, 'respond', responded);
      expect(r.ok).toBe(false);
      expect(allowedActions(state, responded)).not.toContain('respond');
    });

    it('having responded changes nothing else', () => {
      for (const state of CASE_STATES) {
        const before = allowedActions(state, { ...CTX, responded: false }).filter((a) => a !== 'respond');
        expect(allowedActions(state, { ...CTX, responded: true })).toEqual(before);
      }
    });
  });

  describe('resume returns to the state before suspension', () => {
    it.each(['accepted', 'dispatched', 'in_progress'] as const)('suspended from %s', (from) => {
      const s = transition(from, 'suspend', { responded: true });
      expect(s).toEqual({ ok: true, to: 'suspended' });
      expect(transition('suspended', 'resume', { responded: true, suspendedFrom: from })).toEqual({ ok: true, to: from });
    });

    it('refuses to guess when suspendedFrom is missing or not a suspendable state', () => {
      for (const suspendedFrom of [undefined, null, 'closed', 'suspended', 'submitted'] as const) {
        const ctx: TransitionContext = { responded: true, suspendedFrom };
        expect(transition('suspended', 'resume', ctx)).toEqual({ ok: false, allowed: ['comment', 'regrade', 'add_info'] });
      }
    });

    it('suspendedFrom is ignored outside the suspended state', () => {
      expect(transition('in_progress', 'resume', { responded: true, suspendedFrom: 'accepted' }).ok).toBe(false);
    });
  });

  it('terminal states are closed and merged only', () => {
    expect(CASE_STATES.filter(isTerminal)).toEqual(['closed', 'merged']);
  });

  describe('agrees with the shared vocabulary (src/shared/lifecycle.ts)', () => {
    const contexts: TransitionContext[] = [false, true].flatMap((responded) => [
      { responded },
      ...SUSPENDABLE_STATES.map((suspendedFrom) => ({ responded, suspendedFrom })),
    ]);
    const step = (state: CaseState): CaseState[] =>
      contexts.flatMap((ctx) => CASE_ACTIONS.map((a) => transition(state, a, ctx))).flatMap((r) => (r.ok ? [r.to] : []));

    it('the states the machine reaches from submitted are exactly the shared states, and its actions the shared actions', () => {
      const seen = new Set<CaseState>(['submitted']);
      const queue: CaseState[] = ['submitted'];
      while (queue.length > 0) {
        for (const to of step(queue.shift()!)) {
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
      expect([...seen].sort()).toEqual([...shared.CASE_STATES].sort());
      expect(Object.keys(EXPECTED).sort()).toEqual([...shared.CASE_STATES].sort());
      expect([...COLUMNS].sort()).toEqual([...shared.CASE_ACTIONS].sort());
    });

    it('no action leads out of a closed state; every other finished state can be reopened', () => {
      for (const state of shared.CLOSED_STATES) expect(step(state).filter((to) => !shared.CLOSED_STATES.includes(to as never)), state).toEqual([]);
      for (const state of shared.FINISHED_STATES.filter((s) => !shared.isIn(shared.CLOSED_STATES, s))) {
        expect(transition(state, 'reopen', CTX), state).toEqual({ ok: true, to: 'in_progress' });
      }
    });

    it('the terminal states are closed ones; a waiting case leaves only by resume', () => {
      for (const state of TERMINAL_STATES) expect(shared.CLOSED_STATES).toContain(state);
      for (const state of shared.WAITING_STATES) {
        expect(allowedActions(state, CTX).filter((a) => { const r = transition(state, a, CTX); return r.ok && r.to !== state; })).toEqual(['resume']);
      }
    });
  });

  it('a full happy path walks submitted → closed', () => {
    const path: Array<[CaseAction, CaseState]> = [
      ['respond', 'submitted'], ['accept', 'accepted'], ['dispatch', 'dispatched'], ['start', 'in_progress'],
      ['resolve', 'resolved'], ['reopen', 'in_progress'], ['resolve', 'resolved'], ['confirm', 'confirmed'],
      ['close', 'closed'],
    ];
    let state: CaseState = 'submitted';
    let responded = false;
    for (const [action, to] of path) {
      const r = transition(state, action, { responded });
      expect(r, `${state} --${action}-->`).toEqual({ ok: true, to });
      if (action === 'respond') responded = true;
      state = to;
    }
  });
});
