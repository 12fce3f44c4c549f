import { describe, expect, it } from 'vitest';
import { DEFAULT_WORK_CALENDAR } from '../calendar/index.js';
import {
  DEFAULT_ORDER_MATRIX, checkInFlags, matrixEntryFor, normaliseRank, orderDeadlines, orderTransition, rankMeets, validateOrderMatrix,
} from './orders.rules.js';

const issued = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 Shanghai

describe('order matrix defaults (SPEC §6)', () => {
  it('an emergency order must be acknowledged in 10 minutes and reached in 30', () => {
    const d = orderDeadlines(matrixEntryFor(DEFAULT_ORDER_MATRIX, 'emergency', 'blue'), issued, DEFAULT_WORK_CALENDAR);
    expect(d.acknowledgeBy.getTime() - issued.getTime()).toBe(10 * 60_000);
    expect(d.arriveBy.getTime() - issued.getTime()).toBe(30 * 60_000);
  });
  it('a difficult order has 1 working day to arrive; a routine one 2 working hours to acknowledge and 3 working days to arrive', () => {
    expect(orderDeadlines(matrixEntryFor(DEFAULT_ORDER_MATRIX, 'difficult', 'red'), issued, DEFAULT_WORK_CALENDAR).arriveBy.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    const routine = orderDeadlines(matrixEntryFor(DEFAULT_ORDER_MATRIX, 'routine', 'blue'), issued, DEFAULT_WORK_CALENDAR);
    expect(routine.acknowledgeBy.toISOString()).toBe('2026-11-23T04:00:00.000Z'); // 12:00
    expect(routine.arriveBy.toISOString()).toBe('2026-11-26T02:00:00.000Z');
  });
  it('a per-level override changes only the fields it names', () => {
    const m = { ...DEFAULT_ORDER_MATRIX, levels: { red: { emergency: { minLeaderRank: 'deputy_division' as const } } } };
    expect(matrixEntryFor(m, 'emergency', 'red')).toMatchObject({ minLeaderRank: 'deputy_division', minHeadcount: 2 });
    expect(matrixEntryFor(m, 'emergency', 'yellow').minLeaderRank).toBe('section');
  });
});

describe('leader ranks', () => {
  it('orders 科员 < 副科 < 正科 < 副处 < 正处 and accepts Chinese names', () => {
    expect(normaliseRank('正科')).toBe('section');
    expect(normaliseRank('处长')).toBeNull();
    expect(rankMeets('deputy_section', 'section')).toBe(false);
    expect(rankMeets('section', 'section')).toBe(true);
    expect(rankMeets('division', 'deputy_division')).toBe(true);
    expect(rankMeets('clerk', null)).toBe(true);
  });
});

describe('check-in flags', () => {
  const order = { arriveBy: new Date(issued.getTime() + 30 * 60_000), minLeaderRank: 'section' as const, minHeadcount: 2 };
  it('on time, with the rank and the people: no flag', () => {
    expect(checkInFlags(order, { at: order.arriveBy, leaderRank: 'section', headcount: 2 })).toEqual({ late: false, underRanked: false, underStaffed: false });
  });
  it('a minute late, a deputy section chief, alone: every flag', () => {
    expect(checkInFlags(order, { at: new Date(order.arriveBy.getTime() + 60_000), leaderRank: 'deputy_section', headcount: 1 })).toEqual({
      late: true, underRanked: true, underStaffed: true,
    });
  });
});

describe('order state machine', () => {
  it('allows acknowledge → check in → complete → confirm, and check-in without acknowledging', () => {
    expect(orderTransition('issued', 'acknowledge')).toEqual({ ok: true, to: 'acknowledged' });
    expect(orderTransition('issued', 'check_in')).toEqual({ ok: true, to: 'arrived' });
    expect(orderTransition('arrived', 'complete')).toEqual({ ok: true, to: 'completed' });
    expect(orderTransition('completed', 'confirm')).toEqual({ ok: true, to: 'confirmed' });
    expect(orderTransition('acknowledged', 'confirm')).toEqual({ ok: false, allowed: ['check_in'] });
    expect(orderTransition('confirmed', 'acknowledge')).toEqual({ ok: false, allowed: [] });
  });
});

describe('matrix validation', () => {
  it('accepts the defaults', () => {
    expect(validateOrderMatrix(DEFAULT_ORDER_MATRIX, DEFAULT_WORK_CALENDAR).ok).toBe(true);
  });
  it('names every bad field', () => {
    const bad = {
      kinds: {
        emergency: { ...DEFAULT_ORDER_MATRIX.kinds.emergency, minHeadcount: 0, minLeaderRank: 'boss' },
        difficult: { ...DEFAULT_ORDER_MATRIX.kinds.difficult, arrive: { kind: 'minutes', minutes: 5, clock: 'calendar' } },
      },
      levels: { purple: {} },
    };
    const r = validateOrderMatrix(bad, DEFAULT_WORK_CALENDAR);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path).sort()).toEqual(
        ['kinds.difficult.arrive', 'kinds.emergency.minHeadcount', 'kinds.emergency.minLeaderRank', 'kinds.routine', 'levels.purple'].sort(),
      );
      const reason = (path: string) => r.issues.find((i) => i.path === path)?.reason;
      expect(reason('kinds.emergency.minHeadcount')).toEqual({ 'zh-CN': '应为1到1000之间的整数', en: 'must be an integer from 1 to 1000' });
      expect(reason('kinds.difficult.arrive')).toEqual({ 'zh-CN': '不能早于接令时限', en: 'must not be earlier than the acknowledge deadline' });
      expect(reason('kinds.emergency.minLeaderRank')).toEqual({
        'zh-CN': '应留空或为以下级别之一：clerk（科员）、deputy_section（副科）、section（正科）、deputy_division（副处）、division（正处）、deputy_bureau（副厅）、bureau（正厅）',
        en: 'must be null or one of clerk, deputy_section, section, deputy_division, division, deputy_bureau, bureau',
      });
      expect(reason('levels.purple')).toEqual({ 'zh-CN': '不认识的风险等级', en: 'unknown risk level' });
    }
  });
});
