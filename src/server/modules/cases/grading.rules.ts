/**
 * Risk grading (风险分级预警), SPEC §4 — pure functions, no I/O.
 *
 * The rules are data: a district admin edits them as JSON (stored in a table later), so
 * `validateGradingRules` is the write-time gate and `gradeCase` never has to defend against a
 * malformed rule set. Every grade carries machine-readable reasons so the timeline, the
 * command centre and assessment reports can show *why* a case is red without re-deriving it.
 */
import { COMMON_REASONS, l, type Localised } from '../../platform/messages.js';

import { RISK_LEVELS, type RiskLevel } from '../../../shared/risk.js';

/** red 一类, yellow 二类, blue 三类: the shared list (src/shared/risk.ts), which the web names too. */
export { RISK_LEVELS, type RiskLevel };

/** The levels that have rules; blue is "everything else". */
export const GRADED_LEVELS = ['red', 'yellow'] as const;
export type GradedLevel = (typeof GRADED_LEVELS)[number];

export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Risk flags a receptionist, grid worker or the intelligence module may set on a case. */
export const KNOWN_FLAGS = [
  'group_incident_risk', // 群体性苗头
  'extreme_behavior_risk', // 极端行为倾向
  'public_safety', // 公共安全
  'major_instability', // 重大不稳定因素
  'vulnerable_person', // 老幼病残孕
  'repeat_petition', // 重复诉求
] as const;
export type RiskFlag = (typeof KNOWN_FLAGS)[number];

/**
 * The criteria of one level; a case matches the level if ANY criterion matches.
 * A threshold of `null` disables that criterion. Amounts are in yuan (CNY).
 */
export interface LevelRule {
  urgencies: Urgency[];
  minPeople: number | null;
  minAmount: number | null;
  flags: RiskFlag[];
}

/** The editable rule set. Blue has no entry: it is what matches neither red nor yellow. */
export interface GradingRules {
  red: LevelRule;
  yellow: LevelRule;
}

/** SPEC §4 defaults. Frozen so a caller cannot mutate the shared default by accident. */
export const DEFAULT_GRADING_RULES: Readonly<GradingRules> = Object.freeze({
  red: Object.freeze({
    urgencies: ['critical'],
    minPeople: 10,
    minAmount: 500_000,
    flags: ['group_incident_risk', 'extreme_behavior_risk', 'public_safety', 'major_instability'],
  }) as LevelRule,
  yellow: Object.freeze({
    urgencies: ['urgent'],
    minPeople: 3,
    minAmount: 50_000,
    flags: ['vulnerable_person', 'repeat_petition'],
  }) as LevelRule,
});

/** What grading looks at. Missing or non-finite numbers simply do not match any threshold. */
export interface GradingInput {
  peopleInvolved?: number | null;
  /** Money involved, in yuan. */
  amountInvolved?: number | null;
  urgency?: Urgency | null;
  /** Unknown flags are ignored (they may come from a newer client or an import). */
  flags?: readonly string[] | null;
}

/** One machine-readable reason; `threshold` is what the rule required when the grade was made. */
export type RiskReason =
  | { code: 'urgency'; level: GradedLevel; value: Urgency; threshold: Urgency[] }
  | { code: 'people'; level: GradedLevel; value: number; threshold: number }
  | { code: 'amount'; level: GradedLevel; value: number; threshold: number }
  | { code: 'flag'; level: GradedLevel; value: RiskFlag; threshold: RiskFlag[] };

export interface GradingResult {
  level: RiskLevel;
  /** Red reasons first, then yellow; within a level: urgency, people, amount, flags (KNOWN_FLAGS order). */
  reasons: RiskReason[];
}

function finiteOrNull(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function reasonsFor(level: GradedLevel, rule: LevelRule, input: GradingInput): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (input.urgency && rule.urgencies.includes(input.urgency)) {
    reasons.push({ code: 'urgency', level, value: input.urgency, threshold: [...rule.urgencies] });
  }
  const people = finiteOrNull(input.peopleInvolved);
  if (people !== null && rule.minPeople !== null && people >= rule.minPeople) {
    reasons.push({ code: 'people', level, value: people, threshold: rule.minPeople });
  }
  const amount = finiteOrNull(input.amountInvolved);
  if (amount !== null && rule.minAmount !== null && amount >= rule.minAmount) {
    reasons.push({ code: 'amount', level, value: amount, threshold: rule.minAmount });
  }
  const given = new Set(input.flags ?? []);
  for (const flag of KNOWN_FLAGS) {
    if (given.has(flag) && rule.flags.includes(flag)) {
      reasons.push({ code: 'flag', level, value: flag, threshold: [...rule.flags] });
    }
  }
  return reasons;
}

/**
 * Grades a case from its facts. Red wins over yellow; all matching reasons of both levels are
 * returned (a red wage-arrears case that also involves a vulnerable person keeps that fact on
 * record for the handler). A blue grade has no reasons.
 */
export function gradeCase(input: GradingInput, rules: Readonly<GradingRules>): GradingResult {
  const red = reasonsFor('red', rules.red, input);
  const yellow = reasonsFor('yellow', rules.yellow, input);
  const level: RiskLevel = red.length > 0 ? 'red' : yellow.length > 0 ? 'yellow' : 'blue';
  return { level, reasons: [...red, ...yellow] };
}

export type Locale = 'zh-CN' | 'en';

const URGENCY_LABEL: Record<Locale, Record<Urgency, string>> = {
  'zh-CN': { normal: '一般', urgent: '紧急', critical: '特急' },
  en: { normal: 'normal', urgent: 'urgent', critical: 'critical' },
};

const FLAG_LABEL: Record<Locale, Record<RiskFlag, string>> = {
  'zh-CN': {
    group_incident_risk: '群体性苗头',
    extreme_behavior_risk: '极端行为倾向',
    public_safety: '公共安全风险',
    major_instability: '重大不稳定因素',
    vulnerable_person: '老幼病残孕',
    repeat_petition: '重复诉求',
  },
  en: {
    group_incident_risk: 'group incident risk',
    extreme_behavior_risk: 'extreme behaviour risk',
    public_safety: 'public safety',
    major_instability: 'major instability',
    vulnerable_person: 'vulnerable person',
    repeat_petition: 'repeat petition',
  },
};

// One formatter for the process: toLocaleString builds a new one (ICU lookups) on every call.
const YUAN = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function yuan(n: number): string {
  return `¥${YUAN.format(n)}`;
}

/**
 * Renders a stored reason for people (timeline, case card, SMS to a leader). Reasons are stored
 * as data, not text, so the same grade reads correctly in either UI language.
 */
export function describeReason(reason: RiskReason, locale: Locale): string {
  const zh = locale === 'zh-CN';
  switch (reason.code) {
    case 'urgency':
      return zh
        ? `紧急程度：${URGENCY_LABEL['zh-CN'][reason.value]}`
        : `urgency: ${URGENCY_LABEL.en[reason.value]}`;
    case 'people':
      return zh
        ? `涉及人数 ${reason.value} ≥ ${reason.threshold}`
        : `people involved ${reason.value} ≥ ${reason.threshold}`;
    case 'amount':
      return zh
        ? `涉案金额 ${yuan(reason.value)} ≥ ${yuan(reason.threshold)}`
        : `amount involved ${yuan(reason.value)} ≥ ${yuan(reason.threshold)}`;
    case 'flag':
      return zh
        ? `风险标记：${FLAG_LABEL['zh-CN'][reason.value]}`
        : `risk flag: ${FLAG_LABEL.en[reason.value]}`;
  }
}

/**
 * One problem found in admin-supplied JSON; `path` is dotted (`red.flags[2]`). `reason` is a
 * whole sentence in both languages: the API shows it in the reader's language (keyword `rule`),
 * logs and the CLI use `.en`.
 */
export interface ValidationIssue {
  path: string;
  reason: Localised;
}

export type ValidationResult<T> = { ok: true; rules: T } | { ok: false; issues: ValidationIssue[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, issues: ValidationIssue[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) issues.push({ path: path ? `${path}.${key}` : key, reason: COMMON_REASONS.unknownKey });
  }
}

function checkThreshold(v: unknown, path: string, issues: ValidationIssue[]): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    issues.push({ path, reason: l('应为非负整数或留空', 'must be a non-negative integer or null') });
    return null;
  }
  return v;
}

function checkList<T extends string>(
  v: unknown,
  known: readonly T[],
  path: string,
  issues: ValidationIssue[],
): T[] {
  if (!Array.isArray(v)) {
    issues.push({ path, reason: l('应为列表', 'must be an array') });
    return [];
  }
  const out: T[] = [];
  v.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || !(known as readonly string[]).includes(item)) {
      issues.push({ path: `${path}[${i}]`, reason: l(`应为以下之一：${known.join('、')}`, `must be one of ${known.join(', ')}`) });
    } else if (out.includes(item as T)) {
      issues.push({ path: `${path}[${i}]`, reason: l('重复', 'duplicate') });
    } else {
      out.push(item as T);
    }
  });
  return out;
}

function checkLevelRule(v: unknown, path: string, issues: ValidationIssue[]): LevelRule | null {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return null;
  }
  const keys = ['urgencies', 'minPeople', 'minAmount', 'flags'] as const;
  checkKeys(v, keys, path, issues);
  for (const key of keys) {
    if (!(key in v)) issues.push({ path: `${path}.${key}`, reason: COMMON_REASONS.required });
  }
  return {
    urgencies: checkList(v.urgencies, URGENCIES, `${path}.urgencies`, issues),
    minPeople: checkThreshold(v.minPeople ?? null, `${path}.minPeople`, issues),
    minAmount: checkThreshold(v.minAmount ?? null, `${path}.minAmount`, issues),
    flags: checkList(v.flags, KNOWN_FLAGS, `${path}.flags`, issues),
  };
}

/**
 * The write-time gate for admin-edited rules. Besides shape and value checks it rejects rule
 * sets that would make grading incoherent: a red threshold below the yellow one (the yellow
 * band would be unreachable) and an urgency or flag assigned to both levels (ambiguous intent).
 */
export function validateGradingRules(rules: unknown): ValidationResult<GradingRules> {
  const issues: ValidationIssue[] = [];
  if (!isRecord(rules)) return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  checkKeys(rules, GRADED_LEVELS, '', issues);
  const red = checkLevelRule(rules.red, 'red', issues);
  const yellow = checkLevelRule(rules.yellow, 'yellow', issues);
  if (red && yellow) {
    for (const key of ['minPeople', 'minAmount'] as const) {
      const r = red[key];
      const y = yellow[key];
      if (r !== null && y !== null && r < y) {
        issues.push({ path: `red.${key}`, reason: l(`不能小于黄色等级的该项阈值（yellow.${key}：${y}）`, `must be ≥ yellow.${key} (${y})`) });
      }
    }
    red.urgencies.forEach((u, i) => {
      if (yellow.urgencies.includes(u)) issues.push({ path: `red.urgencies[${i}]`, reason: l(`紧急程度“${URGENCY_LABEL['zh-CN'][u]}”（${u}）同时设在黄色等级中`, `${u} is also a yellow urgency`) });
    });
    red.flags.forEach((f, i) => {
      if (yellow.flags.includes(f)) issues.push({ path: `red.flags[${i}]`, reason: l(`风险标记“${FLAG_LABEL['zh-CN'][f]}”（${f}）同时设在黄色等级中`, `${f} is also a yellow flag`) });
    });
  }
  if (issues.length > 0 || !red || !yellow) return { ok: false, issues };
  return { ok: true, rules: { red, yellow } };
}
