import { describe, expect, it } from 'vitest';
import {
  ACTION_LABELS,
  ACTIVE_STATES,
  CASE_ACTIONS,
  CASE_STATES,
  CLOSED_STATES,
  FINISHED_STATES,
  PUBLIC_STATE_LABELS,
  STATE_LABELS,
  UNFINISHED_STATES,
  WAITING_STATES,
  isIn,
  type CaseState,
} from './lifecycle.js';
import { RISK_LABELS, RISK_LEVELS } from './risk.js';

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('the shared lifecycle vocabulary', () => {
  it('active, waiting and finished partition the states: each state in exactly one group', () => {
    const groups: readonly (readonly CaseState[])[] = [ACTIVE_STATES, WAITING_STATES, FINISHED_STATES];
    for (const state of CASE_STATES) expect(groups.filter((g) => g.includes(state)), state).toHaveLength(1);
    expect(sorted(groups.flat())).toEqual(sorted(CASE_STATES));
  });

  it('names the groups as the rules need them (written out, so moving a state is a decision)', () => {
    expect(sorted(ACTIVE_STATES)).toEqual(['accepted', 'dispatched', 'in_progress', 'submitted']);
    expect(WAITING_STATES).toEqual(['suspended']);
    expect(sorted(FINISHED_STATES)).toEqual(['closed', 'confirmed', 'merged', 'rejected', 'resolved']);
    expect(sorted(CLOSED_STATES)).toEqual(['closed', 'merged', 'rejected']);
  });

  it('closed is the part of finished that cannot come back; resolved and confirmed can be reopened', () => {
    for (const state of CLOSED_STATES) expect(FINISHED_STATES).toContain(state);
    expect(sorted(FINISHED_STATES.filter((s) => !isIn(CLOSED_STATES, s)))).toEqual(['confirmed', 'resolved']);
  });

  it('unfinished (the 在办 figures) is exactly active and waiting', () => {
    expect(sorted(UNFINISHED_STATES)).toEqual(sorted([...ACTIVE_STATES, ...WAITING_STATES]));
    expect(UNFINISHED_STATES.filter((s) => isIn(FINISHED_STATES, s))).toEqual([]);
  });

  it('isIn reads stored strings: an unknown status belongs to no group', () => {
    expect(isIn(CLOSED_STATES, 'merged')).toBe(true);
    expect(isIn(CLOSED_STATES, 'resolved')).toBe(false);
    for (const group of [ACTIVE_STATES, WAITING_STATES, FINISHED_STATES, CLOSED_STATES]) {
      expect(isIn(group, 'archived')).toBe(false);
      expect(isIn(group, '')).toBe(false);
    }
  });

  it.each([
    ['staff', STATE_LABELS],
    ['public', PUBLIC_STATE_LABELS],
  ] as const)('every state has a %s label in both languages, and no other code has one', (_name, labels) => {
    expect(sorted(Object.keys(labels))).toEqual(sorted(CASE_STATES));
    for (const state of CASE_STATES) {
      expect(labels[state]['zh-CN'].trim(), state).not.toBe('');
      expect(labels[state].en.trim(), state).not.toBe('');
      // A label is never the code itself (convention 15: no internal code reaches a person).
      expect(labels[state].en, state).not.toBe(state);
    }
  });

  it('the staff names of the states are distinct, in each language', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const names = CASE_STATES.map((s) => STATE_LABELS[s][locale]);
      expect(new Set(names).size, locale).toBe(CASE_STATES.length);
    }
  });

  it('every action and every risk level has a name in both languages', () => {
    expect(sorted(Object.keys(ACTION_LABELS))).toEqual(sorted(CASE_ACTIONS));
    expect(sorted(Object.keys(RISK_LABELS))).toEqual(sorted(RISK_LEVELS));
    for (const label of [...Object.values(ACTION_LABELS), ...Object.values(RISK_LABELS)]) {
      expect(label['zh-CN'].trim()).not.toBe('');
      expect(label.en.trim()).not.toBe('');
    }
  });
});
