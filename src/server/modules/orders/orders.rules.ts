/**
 * Orders (社区吹哨，部门报到, SPEC §6) — pure rules, no I/O: the order matrix
 * and its validation, the ordered list of leader ranks, the deadlines of an
 * order and the flags of a check-in, and the order state machine.
 */
import { deadlineFor, type DeadlineSpec, type WorkCalendar } from '../cases/index.js';
import type { RiskLevel, ValidationIssue } from '../cases/index.js';
import { COMMON_REASONS, l } from '../../platform/messages.js';

export const ORDER_KINDS = ['emergency', 'difficult', 'routine'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/**
 * Leader ranks from lowest to highest (科员 < 副科 < 正科 < 副处 < 正处 < 副厅 < 正厅).
 * The position in this list is the comparison; codes are stable API values,
 * and the Chinese names are accepted on input too because that is what staff type.
 */
export const LEADER_RANKS = [
  { code: 'clerk', zh: '科员', en: 'Clerk' },
  { code: 'deputy_section', zh: '副科', en: 'Deputy section chief' },
  { code: 'section', zh: '正科', en: 'Section chief' },
  { code: 'deputy_division', zh: '副处', en: 'Deputy division chief' },
  { code: 'division', zh: '正处', en: 'Division chief' },
  { code: 'deputy_bureau', zh: '副厅', en: 'Deputy bureau chief' },
  { code: 'bureau', zh: '正厅', en: 'Bureau chief' },
] as const;
export type LeaderRank = (typeof LEADER_RANKS)[number]['code'];
export const LEADER_RANK_CODES = LEADER_RANKS.map((r) => r.code) as LeaderRank[];
/** Every spelling accepted on input: codes and Chinese names. */
export const LEADER_RANK_INPUTS: string[] = [...LEADER_RANKS.map((r) => r.code), ...LEADER_RANKS.map((r) => r.zh)];

/** The rank's code for a code or a Chinese name; null when unknown. */
export function normaliseRank(input: string): LeaderRank | null {
  const hit = LEADER_RANKS.find((r) => r.code === input || r.zh === input);
  return hit ? hit.code : null;
}

/** Position of a rank in the ladder (0 = lowest). */
export function rankIndex(rank: LeaderRank): number {
  return LEADER_RANK_CODES.indexOf(rank);
}

/** True when `rank` is at least `required` (any rank meets a null requirement). */
export function rankMeets(rank: LeaderRank, required: LeaderRank | null): boolean {
  return required === null || rankIndex(rank) >= rankIndex(required);
}

export function rankLabel(rank: string | null, locale: 'zh-CN' | 'en'): string | null {
  if (rank === null) return null;
  const r = LEADER_RANKS.find((x) => x.code === rank);
  return r ? (locale === 'en' ? r.en : r.zh) : rank;
}

/** One row of the matrix: how fast and with whom a department must answer an order of this kind. */
export interface OrderMatrixEntry {
  acknowledge: DeadlineSpec;
  arrive: DeadlineSpec;
  /** null: any rank. */
  minLeaderRank: LeaderRank | null;
  minHeadcount: number;
}

/**
 * The order matrix (SPEC §6): a row per kind, and optional per-risk-level
 * overrides of single fields (e.g. a red emergency order must bring a 副处).
 */
export interface OrderMatrix {
  kinds: Record<OrderKind, OrderMatrixEntry>;
  levels: Partial<Record<RiskLevel, Partial<Record<OrderKind, Partial<OrderMatrixEntry>>>>>;
}

export const DEFAULT_ORDER_MATRIX: OrderMatrix = {
  kinds: {
    emergency: {
      acknowledge: { kind: 'minutes', minutes: 10, clock: 'calendar' },
      arrive: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      minLeaderRank: 'section',
      minHeadcount: 2,
    },
    difficult: {
      acknowledge: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      arrive: { kind: 'working_days', days: 1 },
      minLeaderRank: 'deputy_division',
      minHeadcount: 2,
    },
    routine: {
      acknowledge: { kind: 'minutes', minutes: 120, clock: 'working' },
      arrive: { kind: 'working_days', days: 3 },
      minLeaderRank: null,
      minHeadcount: 1,
    },
  },
  levels: {},
};

/** The entry that applies to an order of `kind` on a case of `level`. */
export function matrixEntryFor(matrix: OrderMatrix, kind: OrderKind, level: RiskLevel): OrderMatrixEntry {
  return { ...matrix.kinds[kind], ...(matrix.levels[level]?.[kind] ?? {}) };
}

export interface OrderDeadlines {
  acknowledgeBy: Date;
  arriveBy: Date;
}

/** Both deadlines run from the moment the order is issued, through the same primitive as case clocks. */
export function orderDeadlines(entry: OrderMatrixEntry, issuedAt: Date, calendar: WorkCalendar): OrderDeadlines {
  return { acknowledgeBy: deadlineFor(entry.acknowledge, issuedAt, calendar), arriveBy: deadlineFor(entry.arrive, issuedAt, calendar) };
}

export interface CheckInFacts {
  arriveBy: Date;
  minLeaderRank: LeaderRank | null;
  minHeadcount: number;
}

export interface CheckInFlags {
  late: boolean;
  underRanked: boolean;
  underStaffed: boolean;
}

/** A check-in counts as timely (及时报到) only when none of these flags is set. */
export function checkInFlags(order: CheckInFacts, checkIn: { at: Date; leaderRank: LeaderRank; headcount: number }): CheckInFlags {
  return {
    late: checkIn.at.getTime() > order.arriveBy.getTime(),
    underRanked: !rankMeets(checkIn.leaderRank, order.minLeaderRank),
    underStaffed: checkIn.headcount < order.minHeadcount,
  };
}

export const ORDER_STATES = ['issued', 'acknowledged', 'arrived', 'completed', 'confirmed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const ORDER_ACTIONS = ['acknowledge', 'check_in', 'complete', 'confirm'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/**
 * The order state machine. A department that turns up without having pressed
 * 接令 first still reports for duty: the check-in acknowledges it implicitly.
 */
const TRANSITIONS: Record<OrderAction, { from: readonly OrderState[]; to: OrderState }> = {
  acknowledge: { from: ['issued'], to: 'acknowledged' },
  check_in: { from: ['issued', 'acknowledged'], to: 'arrived' },
  complete: { from: ['arrived'], to: 'completed' },
  confirm: { from: ['completed'], to: 'confirmed' },
};

export function orderTransition(from: OrderState, action: OrderAction): { ok: true; to: OrderState } | { ok: false; allowed: OrderAction[] } {
  const t = TRANSITIONS[action];
  if (t.from.includes(from)) return { ok: true, to: t.to };
  return { ok: false, allowed: ORDER_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(from)) };
}

export function orderActionsIn(state: OrderState): OrderAction[] {
  return ORDER_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state));
}

// ---------------------------------------------------------------------------------------------
// Validation of the admin-edited matrix
// ---------------------------------------------------------------------------------------------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAX_MINUTES = 365 * 24 * 60;

function checkSpec(v: unknown, path: string, issues: ValidationIssue[]): DeadlineSpec | null {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return null;
  }
  const before = issues.length;
  const allowed = v.kind === 'minutes' ? ['kind', 'minutes', 'clock'] : v.kind === 'working_days' ? ['kind', 'days'] : ['kind'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  switch (v.kind) {
    case 'minutes':
      if (typeof v.minutes !== 'number' || !Number.isSafeInteger(v.minutes) || v.minutes < 1 || v.minutes > MAX_MINUTES) {
        issues.push({ path: `${path}.minutes`, reason: l(`应为1到${MAX_MINUTES}之间的整数`, `must be an integer from 1 to ${MAX_MINUTES}`) });
      }
      if (v.clock !== 'calendar' && v.clock !== 'working') issues.push({ path: `${path}.clock`, reason: l('应为 calendar（自然时间）或 working（工作时间）', 'must be calendar or working') });
      return issues.length === before ? { kind: 'minutes', minutes: v.minutes as number, clock: v.clock as 'calendar' | 'working' } : null;
    case 'working_days':
      if (typeof v.days !== 'number' || !Number.isSafeInteger(v.days) || v.days < 1 || v.days > 365) {
        issues.push({ path: `${path}.days`, reason: l('应为1到365之间的整数', 'must be an integer from 1 to 365') });
      }
      return issues.length === before ? { kind: 'working_days', days: v.days as number } : null;
    case 'same_day':
      return issues.length === before ? { kind: 'same_day' } : null;
    default:
      issues.push({ path: `${path}.kind`, reason: l('应为 minutes（分钟）、working_days（工作日）或 same_day（当日）', 'must be minutes, working_days or same_day') });
      return null;
  }
}

function checkEntry(v: unknown, path: string, partial: boolean, issues: ValidationIssue[]): Partial<OrderMatrixEntry> {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return {};
  }
  const out: Partial<OrderMatrixEntry> = {};
  const keys = ['acknowledge', 'arrive', 'minLeaderRank', 'minHeadcount'];
  for (const k of Object.keys(v)) if (!keys.includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  for (const k of keys) if (!partial && !(k in v)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.required });
  if ('acknowledge' in v) out.acknowledge = checkSpec(v.acknowledge, `${path}.acknowledge`, issues) ?? undefined;
  if ('arrive' in v) out.arrive = checkSpec(v.arrive, `${path}.arrive`, issues) ?? undefined;
  if ('minLeaderRank' in v) {
    if (v.minLeaderRank === null) out.minLeaderRank = null;
    else {
      const rank = typeof v.minLeaderRank === 'string' ? normaliseRank(v.minLeaderRank) : null;
      if (!rank) issues.push({ path: `${path}.minLeaderRank`, reason: l(`应留空或为以下级别之一：${LEADER_RANKS.map((r) => `${r.code}（${r.zh}）`).join('、')}`, `must be null or one of ${LEADER_RANK_CODES.join(', ')}`) });
      else out.minLeaderRank = rank;
    }
  }
  if ('minHeadcount' in v) {
    if (typeof v.minHeadcount !== 'number' || !Number.isSafeInteger(v.minHeadcount) || v.minHeadcount < 1 || v.minHeadcount > 1000) {
      issues.push({ path: `${path}.minHeadcount`, reason: l('应为1到1000之间的整数', 'must be an integer from 1 to 1000') });
    } else out.minHeadcount = v.minHeadcount;
  }
  return out;
}

export type OrderMatrixValidation = { ok: true; matrix: OrderMatrix } | { ok: false; issues: ValidationIssue[] };

/**
 * The write-time gate for the matrix: every kind needs a complete row; level
 * overrides may only name known levels, kinds and fields. An arrive deadline
 * that is not after the acknowledge deadline would be unsatisfiable in order,
 * so it is refused for the default rows (measured from a fixed weekday instant).
 */
export function validateOrderMatrix(value: unknown, calendar: WorkCalendar): OrderMatrixValidation {
  const issues: ValidationIssue[] = [];
  if (!isRecord(value)) return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  for (const k of Object.keys(value)) if (k !== 'kinds' && k !== 'levels') issues.push({ path: k, reason: COMMON_REASONS.unknownKey });
  const kinds: Partial<Record<OrderKind, OrderMatrixEntry>> = {};
  if (!isRecord(value.kinds)) issues.push({ path: 'kinds', reason: COMMON_REASONS.notAnObject });
  else {
    for (const k of Object.keys(value.kinds)) if (!(ORDER_KINDS as readonly string[]).includes(k)) issues.push({ path: `kinds.${k}`, reason: l('不认识的指令类型', 'unknown order kind') });
    for (const kind of ORDER_KINDS) {
      if (!(kind in value.kinds)) {
        issues.push({ path: `kinds.${kind}`, reason: COMMON_REASONS.required });
        continue;
      }
      const before = issues.length;
      const entry = checkEntry(value.kinds[kind], `kinds.${kind}`, false, issues);
      if (issues.length === before) {
        const full = entry as OrderMatrixEntry;
        const probe = new Date('2026-11-23T02:00:00Z'); // a Monday 10:00 in Shanghai
        const d = orderDeadlines(full, probe, calendar);
        if (d.arriveBy.getTime() < d.acknowledgeBy.getTime()) issues.push({ path: `kinds.${kind}.arrive`, reason: l('不能早于接令时限', 'must not be earlier than the acknowledge deadline') });
        kinds[kind] = full;
      }
    }
  }
  const levels: OrderMatrix['levels'] = {};
  if (value.levels !== undefined) {
    if (!isRecord(value.levels)) issues.push({ path: 'levels', reason: COMMON_REASONS.notAnObject });
    else {
      for (const [level, perKind] of Object.entries(value.levels)) {
        if (level !== 'red' && level !== 'yellow' && level !== 'blue') {
          issues.push({ path: `levels.${level}`, reason: l('不认识的风险等级', 'unknown risk level') });
          continue;
        }
        if (!isRecord(perKind)) {
          issues.push({ path: `levels.${level}`, reason: COMMON_REASONS.notAnObject });
          continue;
        }
        const out: Partial<Record<OrderKind, Partial<OrderMatrixEntry>>> = {};
        for (const [kind, entry] of Object.entries(perKind)) {
          if (!(ORDER_KINDS as readonly string[]).includes(kind)) issues.push({ path: `levels.${level}.${kind}`, reason: l('不认识的指令类型', 'unknown order kind') });
          else out[kind as OrderKind] = checkEntry(entry, `levels.${level}.${kind}`, true, issues);
        }
        levels[level] = out;
      }
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, matrix: { kinds: kinds as Record<OrderKind, OrderMatrixEntry>, levels } };
}
