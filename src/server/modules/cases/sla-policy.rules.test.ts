import { describe, it, expect } from 'vitest';
import { DEFAULT_SLA_POLICY, validateSlaPolicy } from './sla-policy.rules.js';
import type { ValidationIssue } from './grading.rules.js';


/** The issues as English clients read them; every one must also have its Chinese sentence. */
function inEnglish(r: { ok: true } | { ok: false; issues: ValidationIssue[] }) {
  if (r.ok) return r;
  for (const i of r.issues) expect(i.reason['zh-CN'], `${i.path}: ${i.reason.en}`).toMatch(/\p{Script=Han}/u);
  return { ok: false, issues: r.issues.map((i) => ({ path: i.path, reason: i.reason.en })) };
}

describe('validateSlaPolicy', () => {
  const clone = (): Record<string, unknown> => structuredClone(DEFAULT_SLA_POLICY) as unknown as Record<string, unknown>;

  it('accepts the defaults', () => {
    expect(validateSlaPolicy(clone())).toEqual({ ok: true, policy: DEFAULT_SLA_POLICY });
  });

  it('accepts a policy without channel overrides', () => {
    const p = clone();
    delete p.channels;
    expect(validateSlaPolicy(p)).toEqual({ ok: true, policy: { levels: DEFAULT_SLA_POLICY.levels, channels: {}, autoConfirmDays: 3 } });
  });

  it('takes the auto-confirm wait as policy: absent means the default, out of range is refused', () => {
    const p = clone();
    delete p.autoConfirmDays;
    expect(validateSlaPolicy(p)).toEqual({ ok: true, policy: DEFAULT_SLA_POLICY });
    expect(validateSlaPolicy({ ...clone(), autoConfirmDays: 7 })).toMatchObject({ ok: true, policy: { autoConfirmDays: 7 } });
    for (const bad of [0, 31, 2.5, '3']) {
      expect(inEnglish(validateSlaPolicy({ ...clone(), autoConfirmDays: bad }))).toEqual({ ok: false, issues: [{ path: 'autoConfirmDays', reason: 'must be an integer from 1 to 30' }] });
    }
  });

  it.each<[string, (p: { levels: Record<string, Record<string, unknown>>; channels: Record<string, unknown> } & Record<string, unknown>) => void, { path: string; reason: string }[]]>([
    ['zero minutes', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 0, clock: 'calendar' }; }, [{ path: 'levels.red.respond.minutes', reason: 'must be an integer from 1 to 525600' }]],
    ['fractional minutes', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 1.5, clock: 'calendar' }; }, [{ path: 'levels.red.respond.minutes', reason: 'must be an integer from 1 to 525600' }]],
    ['a bad clock', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 10, clock: 'wall' }; }, [{ path: 'levels.red.respond.clock', reason: 'must be calendar or working' }]],
    ['zero days', (p) => { p.levels.blue.resolve = { kind: 'working_days', days: 0 }; }, [{ path: 'levels.blue.resolve.days', reason: 'must be an integer from 1 to 365' }]],
    ['an unknown kind', (p) => { p.levels.blue.resolve = { kind: 'weeks', weeks: 1 }; }, [{ path: 'levels.blue.resolve.kind', reason: 'must be minutes, working_days or same_day' }]],
    ['an extra key in a spec', (p) => { p.levels.red.resolve = { kind: 'same_day', minutes: 5 }; }, [{ path: 'levels.red.resolve.minutes', reason: 'unknown key' }]],
    ['a missing clock', (p) => { delete p.levels.yellow.accept; }, [{ path: 'levels.yellow.accept', reason: 'required' }]],
    ['a missing level', (p) => { delete p.levels.blue; }, [{ path: 'levels.blue', reason: 'required' }]],
    ['an unknown level', (p) => { p.levels.green = {}; }, [{ path: 'levels.green', reason: 'unknown level' }]],
    ['an unknown channel', (p) => { p.channels.secretery = {}; }, [{ path: 'channels.secretery', reason: 'unknown channel (one of walk_in, hotline, online, qr, grid, secretary, open311, api)' }]],
    ['an unknown clock in an override', (p) => { p.channels.qr = { reply: { kind: 'same_day' } }; }, [{ path: 'channels.qr.reply', reason: 'unknown key' }]],
    ['an unknown top-level key', (p) => { p.categories = {}; }, [{ path: 'categories', reason: 'unknown key' }]],
  ])('rejects %s', (_name, mutate, issues) => {
    const p = clone() as Parameters<typeof mutate>[0];
    mutate(p);
    expect(inEnglish(validateSlaPolicy(p))).toEqual({ ok: false, issues });
  });

  it('rejects a non-object', () => {
    expect(validateSlaPolicy(null)).toEqual({ ok: false, issues: [{ path: '', reason: { 'zh-CN': '应为对象', en: 'must be an object' } }] });
  });

  it('words the reasons in Chinese too, with the same limits and channel names', () => {
    const p = clone() as { levels: Record<string, Record<string, unknown>>; channels: Record<string, unknown> };
    p.levels.red.respond = { kind: 'minutes', minutes: 0, clock: 'calendar' };
    p.channels.secretery = {};
    expect(validateSlaPolicy(p)).toEqual({
      ok: false,
      issues: [
        { path: 'levels.red.respond.minutes', reason: { 'zh-CN': '应为1到525600之间的整数', en: 'must be an integer from 1 to 525600' } },
        {
          path: 'channels.secretery',
          reason: {
            'zh-CN': '不认识的渠道（应为以下之一：walk_in、hotline、online、qr、grid、secretary、open311、api）',
            en: 'unknown channel (one of walk_in, hotline, online, qr, grid, secretary, open311, api)',
          },
        },
      ],
    });
  });

  it('defaults cannot be mutated by accident', () => {
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.levels.blue.respond)).toBe(true);
  });
});

