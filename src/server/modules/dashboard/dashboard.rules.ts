/**
 * Pure functions of the command centre: day buckets, and turning counter rows
 * (already summed over slots by the repo) into the summary the screens show.
 * The definitions of the metrics themselves live in SQL
 * (`dashboard_case_facts`, migrations 0007 and 0010) so triggers, bulk loads and the
 * reconciliation share one definition; this file only rolls them up.
 */
import { SHANGHAI_OFFSET_MS } from '../cases/index.js';
import { RISK_LEVELS, type RiskLevel } from '../cases/index.js';

export { RISK_LEVELS, type RiskLevel };

const DAY_MS = 86_400_000;

/** Trend length on the big screen. */
export const TREND_DAYS = 30;


/** The five services of SPEC §1, in display order, with their names. */
export const SERVICE_TYPES = [
  { code: 'complaint', name: '投诉建议', nameEn: 'Complaints and suggestions' },
  { code: 'dispute', name: '纠纷调处', nameEn: 'Dispute mediation' },
  { code: 'legal', name: '法律服务', nameEn: 'Legal services' },
  { code: 'psych', name: '心理服务', nameEn: 'Psychological services' },
  { code: 'assistance', name: '帮扶救助', nameEn: 'Assistance' },
] as const;

/** The Shanghai calendar day of an instant as days since 1970-01-01: the SQL `dashboard_day`. */
export function dayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant a day number starts (Shanghai midnight). */
export function dayStart(day: number): Date {
  return new Date(day * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** 'YYYY-MM-DD' of a day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 化解率 = resolved ÷ accepted (SPEC §7); null when nothing was accepted. Rounded to 0.1%. */
export function resolutionRate(resolved: number, accepted: number): number | null {
  if (accepted <= 0) return null;
  return Math.round((resolved / accepted) * 1000) / 1000;
}

/** A counter summed over its slots (and, for totals, over org units). */
export interface CounterRow {
  orgId?: string;
  bucket: number;
  metric: string;
  dim: string;
  n: number;
}

export interface UnitInfo {
  id: string;
  name: string;
  nameEn: string | null;
  type: string;
  path: string;
  parentId: string | null;
}

export interface RiskCounts {
  red: number;
  yellow: number;
  blue: number;
  total: number;
}

export interface Figures {
  received: number;
  accepted: number;
  resolved: number;
  resolutionRate: number | null;
}

export interface UnitFigures {
  id: string;
  name: string;
  nameEn: string | null;
  type: string;
  received: number;
  resolved: number;
  open: RiskCounts;
  overdue: number;
  /** The highest risk level among its open cases ('none' when nothing is open): the map colour. */
  level: RiskLevel | 'none';
}

export interface Summary {
  org: { id: string; name: string; nameEn: string | null; type: string; parentId: string | null };
  asOf: string;
  today: Figures & { date: string };
  allTime: Figures;
  openByRisk: RiskCounts;
  overdue: RiskCounts;
  ordersInFlight: number;
  services: { serviceType: string; name: string; nameEn: string; received: number; resolved: number }[];
  categories: { code: string; name: string; nameEn: string; count: number }[];
  trend: { date: string; received: number; accepted: number; resolved: number }[];
  /** The units one level down (drill-down targets), with their subtree figures. */
  children: UnitFigures[];
  /** Every community in the subtree, for colouring the map. */
  communities: UnitFigures[];
}

export interface SummaryInput {
  org: UnitInfo;
  /** The units one level down. */
  children: UnitInfo[];
  /** The communities of the subtree. */
  communities: UnitInfo[];
  /** The selected unit's own counters (its subtree): all-time metrics, and day buckets from `trendStart`. */
  own: CounterRow[];
  /** All-time counters of each child and community (each its subtree): received, resolved, open, overdue. */
  perUnit: CounterRow[];
  ordersInFlight: number;
  categoryNames: Map<string, { name: string; nameEn: string }>;
  now: Date;
}

const emptyRisk = (): RiskCounts => ({ red: 0, yellow: 0, blue: 0, total: 0 });

function addRisk(target: RiskCounts, dim: string, n: number): void {
  if (dim === 'red' || dim === 'yellow' || dim === 'blue') target[dim] += n;
  target.total += n;
}

/** The colour of a unit on the map: its most serious open risk. */
export function levelOf(open: RiskCounts): RiskLevel | 'none' {
  if (open.red > 0) return 'red';
  if (open.yellow > 0) return 'yellow';
  if (open.blue > 0) return 'blue';
  return 'none';
}

/** First day of the trend window that ends today. */
export function trendStart(now: Date): number {
  return dayNumber(now) - (TREND_DAYS - 1);
}

/**
 * Sums rows keyed by owning unit into rows keyed by each target unit whose
 * subtree contains the owner (path prefix): what the counters hold for
 * ancestors, computed from a GROUP BY over the cases (the naive baseline).
 */
export function rollUp(rows: (CounterRow & { ownerPath: string })[], targets: UnitInfo[]): CounterRow[] {
  const sums = new Map<string, CounterRow>();
  for (const row of rows) {
    for (const unit of targets) {
      if (!row.ownerPath.startsWith(unit.path)) continue;
      const key = `${unit.id}|${row.bucket}|${row.metric}|${row.dim}`;
      const sum = sums.get(key);
      if (sum) sum.n += row.n;
      else sums.set(key, { orgId: unit.id, bucket: row.bucket, metric: row.metric, dim: row.dim, n: row.n });
    }
  }
  return [...sums.values()];
}

/** Builds the summary from counter rows (already summed over slots). O(rows): a few hundred. */
export function buildSummary(input: SummaryInput): Summary {
  const { org, own, now } = input;
  const figures = new Map<string, UnitFigures>();
  const unitFigures = (u: UnitInfo): UnitFigures => {
    let f = figures.get(u.id);
    if (!f) {
      f = { id: u.id, name: u.name, nameEn: u.nameEn, type: u.type, received: 0, resolved: 0, open: emptyRisk(), overdue: 0, level: 'none' };
      figures.set(u.id, f);
    }
    return f;
  };
  for (const u of [...input.children, ...input.communities]) unitFigures(u);
  for (const row of input.perUnit) {
    const f = row.orgId ? figures.get(row.orgId) : undefined;
    if (!f || row.bucket !== 0) continue;
    if (row.metric === 'received') f.received += row.n;
    else if (row.metric === 'resolved') f.resolved += row.n;
    else if (row.metric === 'open') addRisk(f.open, row.dim, row.n);
    else if (row.metric === 'overdue') f.overdue += row.n;
  }
  for (const f of figures.values()) f.level = levelOf(f.open);

  const allTime = { received: 0, accepted: 0, resolved: 0 };
  const openByRisk = emptyRisk();
  const overdue = emptyRisk();
  const today = dayNumber(now);
  const from = trendStart(now);
  const trend = new Map<number, { received: number; accepted: number; resolved: number }>();
  for (let d = from; d <= today; d++) trend.set(d, { received: 0, accepted: 0, resolved: 0 });
  const services = new Map<string, { received: number; resolved: number }>(SERVICE_TYPES.map((s) => [s.code, { received: 0, resolved: 0 }]));
  const categories = new Map<string, number>();
  for (const row of own) {
    if (row.bucket === 0) {
      if (row.metric === 'received' || row.metric === 'accepted' || row.metric === 'resolved') allTime[row.metric] += row.n;
      else if (row.metric === 'open') addRisk(openByRisk, row.dim, row.n);
      else if (row.metric === 'overdue') addRisk(overdue, row.dim, row.n);
      else if (row.metric === 'category') categories.set(row.dim, (categories.get(row.dim) ?? 0) + row.n);
      else if (row.metric === 'service' || row.metric === 'service_resolved') {
        const s = services.get(row.dim) ?? { received: 0, resolved: 0 };
        if (row.metric === 'service') s.received += row.n;
        else s.resolved += row.n;
        services.set(row.dim, s);
      }
      continue;
    }
    const day = trend.get(row.bucket);
    if (day && (row.metric === 'received' || row.metric === 'accepted' || row.metric === 'resolved')) day[row.metric] += row.n;
  }
  const todayFigures = trend.get(today)!;
  const serviceNames = new Map<string, { name: string; nameEn: string }>(SERVICE_TYPES.map((s) => [s.code, s]));

  return {
    org: { id: org.id, name: org.name, nameEn: org.nameEn, type: org.type, parentId: org.parentId },
    asOf: now.toISOString(),
    today: { date: dayLabel(today), ...todayFigures, resolutionRate: resolutionRate(todayFigures.resolved, todayFigures.accepted) },
    allTime: { ...allTime, resolutionRate: resolutionRate(allTime.resolved, allTime.accepted) },
    openByRisk,
    overdue,
    ordersInFlight: input.ordersInFlight,
    services: [...services].map(([code, s]) => ({
      serviceType: code,
      name: serviceNames.get(code)?.name ?? code,
      nameEn: serviceNames.get(code)?.nameEn ?? code,
      ...s,
    })),
    categories: [...categories]
      .filter(([, n]) => n !== 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([code, count]) => ({ code, name: input.categoryNames.get(code)?.name ?? code, nameEn: input.categoryNames.get(code)?.nameEn ?? code, count })),
    trend: [...trend].map(([d, f]) => ({ date: dayLabel(d), ...f })),
    children: input.children.map((u) => figures.get(u.id)!),
    communities: input.communities.map((u) => figures.get(u.id)!),
  };
}
