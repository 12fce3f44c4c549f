import { describe, it, expect } from 'vitest';
import {
  DEFAULT_GRADING_RULES,
  KNOWN_FLAGS,
  describeReason,
  gradeCase,
  validateGradingRules,
  type GradingRules,
  type RiskFlag,
  type RiskLevel,
  type RiskReason,
  type ValidationIssue,
} from './grading.rules.js';

const R = DEFAULT_GRADING_RULES;
const RED_FLAGS = ['group_incident_risk', 'extreme_behavior_risk', 'public_safety', 'major_instability'];
const YELLOW_FLAGS = ['vulnerable_person', 'repeat_petition'];

describe('gradeCase — wage arrears (labor.wage_arrears): people and amount boundaries', () => {
  it.each<[number, RiskLevel, RiskReason[]]>([
    [2, 'blue', []],
    [3, 'yellow', [{ code: 'people', level: 'yellow', value: 3, threshold: 3 }]],
    [9, 'yellow', [{ code: 'people', level: 'yellow', value: 9, threshold: 3 }]],
    [
      10,
      'red',
      [
        { code: 'people', level: 'red', value: 10, threshold: 10 },
        { code: 'people', level: 'yellow', value: 10, threshold: 3 },
      ],
    ],
  ])('%i unpaid workers → %s', (people, level, reasons) => {
    expect(gradeCase({ peopleInvolved: people, urgency: 'normal' }, R)).toEqual({ level, reasons });
  });

  it.each<[number, RiskLevel, RiskReason[]]>([
    [49_999, 'blue', []],
    [50_000, 'yellow', [{ code: 'amount', level: 'yellow', value: 50_000, threshold: 50_000 }]],
    [499_999, 'yellow', [{ code: 'amount', level: 'yellow', value: 499_999, threshold: 50_000 }]],
    [
      500_000,
      'red',
      [
        { code: 'amount', level: 'red', value: 500_000, threshold: 500_000 },
        { code: 'amount', level: 'yellow', value: 500_000, threshold: 50_000 },
      ],
    ],
  ])('¥%i owed to one worker → %s', (amount, level, reasons) => {
    expect(gradeCase({ peopleInvolved: 1, amountInvolved: amount }, R)).toEqual({ level, reasons });
  });

  it('fractional yuan just below a threshold stays below it', () => {
    expect(gradeCase({ amountInvolved: 49_999.99 }, R).level).toBe('blue');
    expect(gradeCase({ amountInvolved: 499_999.99 }, R).level).toBe('yellow');
  });

  it('9 workers owed ¥499,999 is yellow with both reasons; a 10th worker makes it red', () => {
    expect(gradeCase({ peopleInvolved: 9, amountInvolved: 499_999 }, R)).toEqual({
      level: 'yellow',
      reasons: [
        { code: 'people', level: 'yellow', value: 9, threshold: 3 },
        { code: 'amount', level: 'yellow', value: 499_999, threshold: 50_000 },
      ],
    });
    expect(gradeCase({ peopleInvolved: 10, amountInvolved: 499_999 }, R).level).toBe('red');
  });

  it('a group wage dispute with a group-incident flag lists red reasons before yellow ones', () => {
    const r = gradeCase(
      { peopleInvolved: 40, amountInvolved: 1_200_000, urgency: 'urgent', flags: ['repeat_petition', 'group_incident_risk'] },
      R,
    );
    expect(r.level).toBe('red');
    expect(r.reasons.map((x) => `${x.level}:${x.code}`)).toEqual([
      'red:people',
      'red:amount',
      'red:flag',
      'yellow:urgency',
      'yellow:people',
      'yellow:amount',
      'yellow:flag',
    ]);
  });
});

describe('gradeCase — neighbourhood noise: urgency and flags', () => {
  const noise = { peopleInvolved: 1, amountInvolved: 0 };

  it.each<[('normal' | 'urgent' | 'critical'), RiskLevel, RiskReason[]]>([
    ['normal', 'blue', []],
    ['urgent', 'yellow', [{ code: 'urgency', level: 'yellow', value: 'urgent', threshold: ['urgent'] }]],
    ['critical', 'red', [{ code: 'urgency', level: 'red', value: 'critical', threshold: ['critical'] }]],
  ])('urgency %s → %s', (urgency, level, reasons) => {
    expect(gradeCase({ ...noise, urgency }, R)).toEqual({ level, reasons });
  });

  it('no urgency, no numbers, no flags → blue without reasons', () => {
    expect(gradeCase({}, R)).toEqual({ level: 'blue', reasons: [] });
  });

  it('a repeat noise petition is yellow', () => {
    expect(gradeCase({ ...noise, flags: ['repeat_petition'] }, R)).toEqual({
      level: 'yellow',
      reasons: [{ code: 'flag', level: 'yellow', value: 'repeat_petition', threshold: YELLOW_FLAGS }],
    });
  });

  it('unknown and duplicated flags are ignored', () => {
    expect(gradeCase({ ...noise, flags: ['loud_music', 'repeat_petition', 'repeat_petition'] }, R).reasons).toHaveLength(1);
    expect(gradeCase({ ...noise, flags: ['loud_music'] }, R).level).toBe('blue');
  });

  it('missing or non-finite numbers match nothing', () => {
    expect(gradeCase({ peopleInvolved: null, amountInvolved: Number.NaN }, R).level).toBe('blue');
    expect(gradeCase({ peopleInvolved: Number.POSITIVE_INFINITY }, R).level).toBe('blue');
  });
});

describe('gradeCase — family disputes: every flag', () => {
  it.each(KNOWN_FLAGS.map((f) => [f, RED_FLAGS.includes(f) ? 'red' : 'yellow'] as [RiskFlag, RiskLevel]))(
    'flag %s → %s',
    (flag, level) => {
      const r = gradeCase({ peopleInvolved: 2, amountInvolved: 0, urgency: 'normal', flags: [flag] }, R);
      expect(r).toEqual({
        level,
        reasons: [{ code: 'flag', level, value: flag, threshold: level === 'red' ? RED_FLAGS : YELLOW_FLAGS }],
      });
    },
  );

  it('a domestic dispute with an elderly party and a threat of violence is red, keeping the yellow fact', () => {
    const r = gradeCase({ peopleInvolved: 2, flags: ['vulnerable_person', 'extreme_behavior_risk'] }, R);
    expect(r).toEqual({
      level: 'red',
      reasons: [
        { code: 'flag', level: 'red', value: 'extreme_behavior_risk', threshold: RED_FLAGS },
        { code: 'flag', level: 'yellow', value: 'vulnerable_person', threshold: YELLOW_FLAGS },
      ],
    });
  });
});

describe('gradeCase — custom rules', () => {
  it('follows edited thresholds and a null threshold disables the criterion', () => {
    const rules: GradingRules = {
      red: { urgencies: ['critical'], minPeople: null, minAmount: 1_000_000, flags: [] },
      yellow: { urgencies: [], minPeople: 5, minAmount: null, flags: ['repeat_petition'] },
    };
    expect(gradeCase({ peopleInvolved: 500, amountInvolved: 999_999 }, rules)).toEqual({
      level: 'yellow',
      reasons: [{ code: 'people', level: 'yellow', value: 500, threshold: 5 }],
    });
    expect(gradeCase({ peopleInvolved: 4, urgency: 'urgent', flags: ['public_safety'] }, rules).level).toBe('blue');
    expect(gradeCase({ amountInvolved: 1_000_000 }, rules).level).toBe('red');
  });

  it('reasons do not alias the rules (a stored grade is unaffected by later rule edits)', () => {
    const rules: GradingRules = structuredClone({ red: R.red, yellow: R.yellow }) as GradingRules;
    const r = gradeCase({ urgency: 'critical' }, rules);
    rules.red.urgencies.push('urgent');
    expect(r.reasons[0]).toEqual({ code: 'urgency', level: 'red', value: 'critical', threshold: ['critical'] });
  });
});

describe('describeReason', () => {
  it.each<[RiskReason, string, string]>([
    [{ code: 'people', level: 'red', value: 15, threshold: 10 }, '涉及人数 15 ≥ 10', 'people involved 15 ≥ 10'],
    [
      { code: 'amount', level: 'yellow', value: 1_234_567.5, threshold: 50_000 },
      '涉案金额 ¥1,234,567.5 ≥ ¥50,000',
      'amount involved ¥1,234,567.5 ≥ ¥50,000',
    ],
    [{ code: 'urgency', level: 'red', value: 'critical', threshold: ['critical'] }, '紧急程度：特急', 'urgency: critical'],
    [{ code: 'urgency', level: 'yellow', value: 'urgent', threshold: ['urgent'] }, '紧急程度：紧急', 'urgency: urgent'],
    [
      { code: 'flag', level: 'red', value: 'group_incident_risk', threshold: ['group_incident_risk'] },
      '风险标记：群体性苗头',
      'risk flag: group incident risk',
    ],
    [
      { code: 'flag', level: 'yellow', value: 'vulnerable_person', threshold: ['vulnerable_person'] },
      '风险标记：老幼病残孕',
      'risk flag: vulnerable person',
    ],
  ])('%j', (reason, zh, en) => {
    expect(describeReason(reason, 'zh-CN')).toBe(zh);
    expect(describeReason(reason, 'en')).toBe(en);
  });

  it('has a distinct label for every known flag in both locales', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const labels = KNOWN_FLAGS.map((f) => describeReason({ code: 'flag', level: 'red', value: f, threshold: [] }, locale));
      expect(new Set(labels).size).toBe(KNOWN_FLAGS.length);
      for (const l of labels) expect(l).not.toMatch(/undefined/);
    }
  });
});

/** The issues as English clients read them; every one must also have its Chinese sentence. */
function inEnglish(r: { ok: true } | { ok: false; issues: ValidationIssue[] }) {
  if (r.ok) return r;
  for (const i of r.issues) expect(i.reason['zh-CN'], `${i.path}: ${i.reason.en}`).toMatch(/\p{Script=Han}/u);
  return { ok: false, issues: r.issues.map((i) => ({ path: i.path, reason: i.reason.en })) };
}

describe('validateGradingRules', () => {
  const valid = (): Record<string, Record<string, unknown>> => structuredClone({ red: R.red, yellow: R.yellow }) as unknown as Record<string, Record<string, unknown>>;

  it('accepts the defaults and returns a copy', () => {
    const r = validateGradingRules(valid());
    expect(r).toEqual({ ok: true, rules: { red: R.red, yellow: R.yellow } });
  });

  it('accepts null thresholds', () => {
    const rules = valid();
    rules.red.minPeople = null;
    rules.yellow.minAmount = null;
    expect(validateGradingRules(rules).ok).toBe(true);
  });

  it.each<[string, (r: Record<string, Record<string, unknown>>) => void, { path: string; reason: string }[]]>([
    ['negative', (r) => { r.yellow.minPeople = -1; }, [{ path: 'yellow.minPeople', reason: 'must be a non-negative integer or null' }]],
    ['fractional', (r) => { r.red.minAmount = 500_000.5; }, [{ path: 'red.minAmount', reason: 'must be a non-negative integer or null' }]],
    ['a string', (r) => { r.red.minPeople = '10'; }, [{ path: 'red.minPeople', reason: 'must be a non-negative integer or null' }]],
    ['red people below yellow', (r) => { r.red.minPeople = 2; }, [{ path: 'red.minPeople', reason: 'must be ≥ yellow.minPeople (3)' }]],
    ['red amount below yellow', (r) => { r.yellow.minAmount = 600_000; }, [{ path: 'red.minAmount', reason: 'must be ≥ yellow.minAmount (600000)' }]],
    ['unknown flag', (r) => { r.red.flags = ['public_safety', 'riot']; }, [{ path: 'red.flags[1]', reason: 'must be one of group_incident_risk, extreme_behavior_risk, public_safety, major_instability, vulnerable_person, repeat_petition' }]],
    ['unknown urgency', (r) => { r.yellow.urgencies = ['soon']; }, [{ path: 'yellow.urgencies[0]', reason: 'must be one of normal, urgent, critical' }]],
    ['duplicate flag', (r) => { r.yellow.flags = ['repeat_petition', 'repeat_petition']; }, [{ path: 'yellow.flags[1]', reason: 'duplicate' }]],
    ['flag on both levels', (r) => { r.yellow.flags = ['public_safety']; }, [{ path: 'red.flags[2]', reason: 'public_safety is also a yellow flag' }]],
    ['urgency on both levels', (r) => { r.yellow.urgencies = ['critical']; }, [{ path: 'red.urgencies[0]', reason: 'critical is also a yellow urgency' }]],
    ['flags not an array', (r) => { r.red.flags = 'public_safety'; }, [{ path: 'red.flags', reason: 'must be an array' }]],
    ['missing key', (r) => { delete r.yellow.minAmount; }, [{ path: 'yellow.minAmount', reason: 'required' }]],
    ['unknown key', (r) => { r.red.minPeopel = 10; }, [{ path: 'red.minPeopel', reason: 'unknown key' }]],
    ['a blue level', (r) => { r.blue = { urgencies: [] }; }, [{ path: 'blue', reason: 'unknown key' }]],
    ['a level not an object', (r) => { (r as Record<string, unknown>).yellow = []; }, [{ path: 'yellow', reason: 'must be an object' }]],
  ])('rejects %s', (_name, mutate, issues) => {
    const rules = valid();
    mutate(rules);
    expect(inEnglish(validateGradingRules(rules))).toEqual({ ok: false, issues });
  });

  it('rejects a non-object', () => {
    for (const v of [null, 42, 'x', []]) {
      expect(validateGradingRules(v)).toEqual({ ok: false, issues: [{ path: '', reason: { 'zh-CN': '应为对象', en: 'must be an object' } }] });
    }
  });

  it('words every reason in Chinese too, with the same values', () => {
    const rules = valid();
    rules.yellow.minPeople = -1;
    rules.red.minAmount = 10;
    rules.yellow.urgencies = ['critical'];
    rules.yellow.flags = ['public_safety', 'public_safety'];
    const r = validateGradingRules(rules);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { path: 'yellow.minPeople', reason: { 'zh-CN': '应为非负整数或留空', en: 'must be a non-negative integer or null' } },
      { path: 'yellow.flags[1]', reason: { 'zh-CN': '重复', en: 'duplicate' } },
      { path: 'red.minAmount', reason: { 'zh-CN': '不能小于黄色等级的该项阈值（yellow.minAmount：50000）', en: 'must be ≥ yellow.minAmount (50000)' } },
      { path: 'red.urgencies[0]', reason: { 'zh-CN': '紧急程度“特急”（critical）同时设在黄色等级中', en: 'critical is also a yellow urgency' } },
      { path: 'red.flags[2]', reason: { 'zh-CN': '风险标记“公共安全风险”（public_safety）同时设在黄色等级中', en: 'public_safety is also a yellow flag' } },
    ]);
  });
});
