/**
 * Rankings and assessment scores (SPEC §7) with a drill-down from every figure
 * to its cases. Access: `report:read`, over the units in the actor's scope.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { can, scopeRoots, type Actor } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting } from '../../platform/settings.js';
import { ASSESSMENT_WEIGHTS } from './assessment.settings.js';
import { shanghaiDate } from '../cases/index.js';
import * as repo from './assessment.repo.js';
import {
  DEDUCTIONS, RATES, isValidDate, periodRange, rate, score,
  type AssessmentWeights, type DeductionName, type Metric, type Period, type PeriodRange, type RateFigure, type RateName,
} from './assessment.rules.js';

export type UnitKind = 'community' | 'department';

export function readWeights(db: Kysely<DB>): Promise<AssessmentWeights> {
  return readSetting(db, ASSESSMENT_WEIGHTS);
}

function drillUrl(metric: Metric, part: repo.Part, orgId: string, range: PeriodRange): string {
  const q = new URLSearchParams({ metric, part, orgId, period: range.period, date: range.startDate });
  return `/api/v1/assessment/drilldown?${q.toString()}`;
}

export interface RankingRow {
  rank: number;
  orgId: string;
  orgCode: string;
  orgName: string;
  orgNameEn: string | null;
  score: number | null;
  baseScore: number | null;
  deductionPoints: number;
  rates: Record<RateName, RateFigure & { numeratorUrl: string; denominatorUrl: string }>;
  deductions: Record<DeductionName, { count: number; points: number; casesUrl: string }>;
}

export interface Rankings {
  period: Period;
  key: string;
  from: string;
  to: string;
  startDate: string;
  endDate: string;
  kind: UnitKind;
  asOf: string;
  weights: AssessmentWeights;
  items: RankingRow[];
}

/**
 * Computes every unit's figures with two queries per rate and one per
 * deduction (not per unit), then the scores and the ranks (ties share a rank;
 * units with no data at all come last).
 */
export async function computeRankings(db: Kysely<DB>, now: Date, range: PeriodRange, kind: UnitKind, scopePaths: string[]): Promise<Rankings> {
  const weights = await readWeights(db);
  const units = await repo.unitsOfType(db, kind, scopePaths);
  const ids = units.map((u) => u.id);
  const asOf = new Date(Math.min(range.to.getTime(), now.getTime()));
  const w: repo.Window = { from: range.from, to: range.to, asOf, satisfiedRating: weights.satisfiedRating };
  const rateCounts = new Map<RateName, { num: Map<string, number>; den: Map<string, number> }>();
  for (const r of RATES) {
    rateCounts.set(r, { num: await repo.countByUnit(db, r, 'numerator', w, ids), den: await repo.countByUnit(db, r, 'denominator', w, ids) });
  }
  const faultCounts = new Map<DeductionName, Map<string, number>>();
  for (const d of DEDUCTIONS) faultCounts.set(d, await repo.countByUnit(db, d, 'numerator', w, ids));

  const rows = units.map((u) => {
    const rates = {} as RankingRow['rates'];
    const plain = {} as Record<RateName, RateFigure>;
    for (const r of RATES) {
      const c = rateCounts.get(r)!;
      plain[r] = rate(c.num.get(u.id) ?? 0, c.den.get(u.id) ?? 0);
      rates[r] = { ...plain[r], numeratorUrl: drillUrl(r, 'numerator', u.id, range), denominatorUrl: drillUrl(r, 'denominator', u.id, range) };
    }
    const faults = {} as Record<DeductionName, number>;
    const deductions = {} as RankingRow['deductions'];
    for (const d of DEDUCTIONS) {
      faults[d] = faultCounts.get(d)!.get(u.id) ?? 0;
      deductions[d] = { count: faults[d], points: Math.round(faults[d] * weights.deductions[d] * 100) / 100, casesUrl: drillUrl(d, 'numerator', u.id, range) };
    }
    const s = score(plain, faults, weights);
    return { rank: 0, orgId: u.id, orgCode: u.code, orgName: u.name, orgNameEn: u.name_en, score: s.score, baseScore: s.base, deductionPoints: s.deduction, rates, deductions };
  });
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.orgCode.localeCompare(b.orgCode));
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    r.rank = prev && prev.score === r.score ? prev.rank : i + 1;
  });
  return {
    period: range.period, key: range.key, from: range.from.toISOString(), to: range.to.toISOString(), startDate: range.startDate, endDate: range.endDate,
    kind, asOf: asOf.toISOString(), weights, items: rows,
  };
}

export interface RankingQuery {
  period: Period;
  date?: string;
  kind: UnitKind;
}

function rangeOf(ctx: AppContext, period: Period, date: string | undefined): PeriodRange {
  const d = date ?? shanghaiDate(ctx.clock.now());
  if (!isValidDate(d)) throw AppError.invalidField('querystring.date', l('日期格式应为 YYYY-MM-DD', 'expected a date YYYY-MM-DD'));
  return periodRange(period, d);
}

export async function rankings(ctx: AppContext, actor: Actor, q: RankingQuery): Promise<Rankings> {
  requireSomewhere(actor, 'report:read');
  return computeRankings(ctx.db, ctx.clock.now(), rangeOf(ctx, q.period, q.date), q.kind, scopeRoots(actor, 'report:read'));
}

export interface DrilldownQuery {
  metric: Metric;
  part?: repo.Part;
  orgId: string;
  period: Period;
  date?: string;
}

/** The cases (and, for order figures, the orders) behind one unit's figure. */
export async function drilldown(ctx: AppContext, actor: Actor, q: DrilldownQuery) {
  requireSomewhere(actor, 'report:read');
  const org = await repo.findOrg(ctx.db, q.orgId);
  if (!org || !can(actor, 'report:read', org.path)) throw AppError.notFound('org');
  const range = rangeOf(ctx, q.period, q.date);
  const weights = await readWeights(ctx.db);
  const part = q.part ?? 'numerator';
  const asOf = new Date(Math.min(range.to.getTime(), ctx.clock.now().getTime()));
  const rows = await repo.drillRows(ctx.db, q.metric, part, { from: range.from, to: range.to, asOf, satisfiedRating: weights.satisfiedRating }, org.id);
  const caseIds = [...new Set(rows.map((r) => r.case_id))];
  const cases = new Map((await repo.caseSummaries(ctx.db, caseIds)).map((c) => [c.id, c]));
  const itemKind = q.metric === 'orderTimelinessRate' || q.metric === 'orderFaults' ? 'order' : q.metric === 'slaMisses' ? 'sla_miss' : q.metric === 'overdueNotices' ? 'notice' : 'case';
  return {
    metric: q.metric,
    part,
    orgId: org.id,
    orgName: org.name,
    period: range.period,
    key: range.key,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    itemKind,
    count: new Set(rows.map((r) => r.item_id)).size,
    caseIds,
    items: rows.map((r) => {
      const c = cases.get(r.case_id);
      return {
        itemId: r.item_id,
        caseId: r.case_id,
        trackingNo: c?.tracking_no ?? null,
        title: c?.title ?? null,
        status: c?.status ?? null,
        riskLevel: c?.risk_level ?? null,
        createdAt: c?.created_at.toISOString() ?? null,
      };
    }),
  };
}
