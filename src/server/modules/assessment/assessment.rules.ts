/**
 * Assessment (SPEC §7: 每周一例会、每季度一考核) — pure rules: reporting
 * periods in the district's zone, the rates and their direction, the weights
 * (data, editable by the district) and the score.
 */
import { SHANGHAI_OFFSET_MS } from '../cases/index.js';
import type { ValidationIssue } from '../cases/index.js';
import { COMMON_REASONS, l } from '../../platform/messages.js';

export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];

export interface PeriodRange {
  period: Period;
  /** Shanghai date of the first day, `YYYY-MM-DD`. */
  startDate: string;
  /** Shanghai date of the last day (inclusive). */
  endDate: string;
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Stable name of the period: `2026-11-23`, `2026-W48`, `2026-11`, `2026-Q4`. */
  key: string;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}
function fmtDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
function midnight(date: string): Date {
  return new Date(utcDate(date).getTime() - SHANGHAI_OFFSET_MS);
}

/** ISO week number and its year for a date (weeks start on Monday, as Chinese offices count them). */
function isoWeek(date: Date): { year: number; week: number } {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return { year: d.getUTCFullYear(), week: Math.ceil(((d.getTime() - yearStart.getTime()) / DAY_MS + 1) / 7) };
}

export function isValidDate(date: string): boolean {
  return DATE_RE.test(date) && !Number.isNaN(utcDate(date).getTime()) && fmtDate(utcDate(date)) === date;
}

/** The period of kind `period` containing the Shanghai date `date`. */
export function periodRange(period: Period, date: string): PeriodRange {
  if (!isValidDate(date)) throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const d = utcDate(date);
  let start: Date;
  let end: Date; // exclusive, as a UTC date of the Shanghai calendar
  let key: string;
  switch (period) {
    case 'day':
      start = d;
      end = new Date(d.getTime() + DAY_MS);
      key = date;
      break;
    case 'week': {
      const dow = d.getUTCDay() || 7;
      start = new Date(d.getTime() - (dow - 1) * DAY_MS);
      end = new Date(start.getTime() + 7 * DAY_MS);
      const w = isoWeek(start);
      key = `${w.year}-W${String(w.week).padStart(2, '0')}`;
      break;
    }
    case 'month':
      start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
      end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      key = fmtDate(start).slice(0, 7);
      break;
    case 'quarter': {
      const q = Math.floor(d.getUTCMonth() / 3);
      start = new Date(Date.UTC(d.getUTCFullYear(), q * 3, 1));
      end = new Date(Date.UTC(d.getUTCFullYear(), q * 3 + 3, 1));
      key = `${d.getUTCFullYear()}-Q${q + 1}`;
      break;
    }
  }
  return {
    period,
    startDate: fmtDate(start),
    endDate: fmtDate(new Date(end.getTime() - DAY_MS)),
    from: midnight(fmtDate(start)),
    to: midnight(fmtDate(end)),
    key,
  };
}

/** The period just before the one containing `date` (what a Monday meeting or a quarter's review looks back on). */
export function previousPeriod(period: Period, date: string): PeriodRange {
  const current = periodRange(period, date);
  return periodRange(period, fmtDate(new Date(utcDate(current.startDate).getTime() - DAY_MS)));
}

export const RATES = [
  'responseRate',
  'acceptOnTimeRate',
  'resolutionRate',
  'resolveOnTimeRate',
  'satisfactionRate',
  'orderTimelinessRate',
  'reopenRate',
] as const;
export type RateName = (typeof RATES)[number];

/** Counted faults that cost points. */
export const DEDUCTIONS = ['slaMisses', 'orderFaults', 'overdueNotices'] as const;
export type DeductionName = (typeof DEDUCTIONS)[number];

export type Metric = RateName | DeductionName;
export const METRICS: readonly Metric[] = [...RATES, ...DEDUCTIONS];

export const RATE_LABELS: Record<Metric, { 'zh-CN': string; en: string }> = {
  responseRate: { 'zh-CN': '响应率', en: 'Response rate' },
  acceptOnTimeRate: { 'zh-CN': '按时受理率', en: 'On-time acceptance rate' },
  resolutionRate: { 'zh-CN': '化解率', en: 'Resolution rate' },
  resolveOnTimeRate: { 'zh-CN': '按时化解率', en: 'On-time resolution rate' },
  satisfactionRate: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
  orderTimelinessRate: { 'zh-CN': '及时报到率', en: 'Order timeliness rate' },
  reopenRate: { 'zh-CN': '重办率', en: 'Reopen rate' },
  slaMisses: { 'zh-CN': '超时次数', en: 'Deadline misses' },
  orderFaults: { 'zh-CN': '报到异常次数', en: 'Faulty or missing check-ins' },
  overdueNotices: { 'zh-CN': '督办逾期未复', en: 'Supervision notices unanswered in time' },
};

/** Rates where a lower value is better: the score uses 1 − value. */
export const LOWER_IS_BETTER: readonly RateName[] = ['reopenRate'];

export interface AssessmentWeights {
  /** Relative weights of the rates; a rate without data (denominator 0) is left out and the rest renormalised. */
  rates: Record<RateName, number>;
  /** Points deducted per counted fault. */
  deductions: Record<DeductionName, number>;
  /** Cap on the total deduction. */
  maxDeduction: number;
  /** A rating at or above this (1–5) counts as satisfied. */
  satisfiedRating: number;
}

export const DEFAULT_WEIGHTS: AssessmentWeights = {
  rates: {
    responseRate: 10,
    acceptOnTimeRate: 15,
    resolutionRate: 25,
    resolveOnTimeRate: 20,
    satisfactionRate: 15,
    orderTimelinessRate: 10,
    reopenRate: 5,
  },
  deductions: { slaMisses: 0.5, orderFaults: 1, overdueNotices: 2 },
  maxDeduction: 30,
  satisfiedRating: 4,
};

export interface RateFigure {
  value: number | null;
  numerator: number;
  denominator: number;
}

/** numerator ÷ denominator, 4 decimals; null when there is nothing to measure. */
export function rate(numerator: number, denominator: number): RateFigure {
  return { value: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000, numerator, denominator };
}

export interface ScoreResult {
  score: number | null;
  base: number | null;
  deduction: number;
}

/** Score = 100 × weighted mean of the measured rates − deductions (capped), 2 decimals. */
export function score(rates: Record<RateName, RateFigure>, faults: Record<DeductionName, number>, w: AssessmentWeights): ScoreResult {
  let sum = 0;
  let weight = 0;
  for (const r of RATES) {
    const v = rates[r].value;
    if (v === null || w.rates[r] === 0) continue;
    sum += w.rates[r] * (LOWER_IS_BETTER.includes(r) ? 1 - v : v);
    weight += w.rates[r];
  }
  const deduction = Math.min(w.maxDeduction, DEDUCTIONS.reduce((s, d) => s + faults[d] * w.deductions[d], 0));
  const round = (x: number) => Math.round(x * 100) / 100;
  if (weight === 0) return { score: null, base: null, deduction: round(deduction) };
  const base = (100 * sum) / weight;
  return { score: round(Math.max(0, base - deduction)), base: round(base), deduction: round(deduction) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Write-time gate for the weights: known keys only, non-negative finite numbers, at least one positive rate weight. */
export function validateWeights(value: unknown): { ok: true; weights: AssessmentWeights } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  if (!isRecord(value)) return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  const allowed = ['rates', 'deductions', 'maxDeduction', 'satisfiedRating'];
  for (const k of Object.keys(value)) if (!allowed.includes(k)) issues.push({ path: k, reason: COMMON_REASONS.unknownKey });
  const num = (v: unknown, path: string, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) issues.push({ path, reason: l(`应为0到${max}之间的数值`, `must be a number from 0 to ${max}`) });
  };
  const group = (key: 'rates' | 'deductions', names: readonly string[]) => {
    const g = value[key];
    if (!isRecord(g)) return issues.push({ path: key, reason: COMMON_REASONS.notAnObject });
    for (const k of Object.keys(g)) if (!names.includes(k)) issues.push({ path: `${key}.${k}`, reason: COMMON_REASONS.unknownKey });
    for (const n of names) {
      if (!(n in g)) issues.push({ path: `${key}.${n}`, reason: COMMON_REASONS.required });
      else num(g[n], `${key}.${n}`, key === 'rates' ? 1000 : 100);
    }
  };
  group('rates', RATES);
  group('deductions', DEDUCTIONS);
  num(value.maxDeduction, 'maxDeduction', 100);
  const sr = value.satisfiedRating;
  if (typeof sr !== 'number' || !Number.isInteger(sr) || sr < 1 || sr > 5) issues.push({ path: 'satisfiedRating', reason: l('应为1到5之间的整数', 'must be an integer from 1 to 5') });
  if (issues.length === 0 && RATES.every((r) => (value.rates as Record<string, number>)[r] === 0)) {
    issues.push({ path: 'rates', reason: l('至少要有一项指标的权重大于0', 'at least one rate needs a positive weight') });
  }
  return issues.length ? { ok: false, issues } : { ok: true, weights: value as unknown as AssessmentWeights };
}
