/**
 * The command centre's figures (SPEC §10) and the counters' reconciliation.
 * Access first: the summary of a unit needs case:read on it (403 outside the
 * caller's subtree), like the cases it counts.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../platform/clock.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { can, scopeRoots, type Actor } from '../../platform/policies.js';
import { requireDistrictWide, requireSomewhere } from '../../platform/scope.js';
import * as repo from './dashboard.repo.js';
import { buildSummary, rollUp, trendStart, type Summary, type UnitInfo } from './dashboard.rules.js';

/** The unit a summary is about: the requested one if in scope, else the caller's widest case:read root. */
async function targetUnit(ctx: AppContext, actor: Actor, orgId: string | undefined): Promise<UnitInfo> {
  requireSomewhere(actor, 'case:read');
  let id = orgId;
  if (!id) {
    const root = [...scopeRoots(actor, 'case:read')].sort((a, b) => a.length - b.length)[0]!;
    id = actor.roles.find((r) => r.orgPath === root)!.orgId;
  }
  const unit = await repo.findUnit(ctx.db, id);
  if (!unit) throw AppError.notFound('org');
  if (!can(actor, 'case:read', unit.path)) throw new AppError('OUT_OF_SCOPE');
  return unit;
}

/** The summary from the counters: a few indexed reads whose size depends on the org tree, not on the cases. */
export async function getSummary(ctx: AppContext, actor: Actor, orgId?: string): Promise<Summary> {
  const org = await targetUnit(ctx, actor, orgId);
  const now = ctx.clock.now();
  const { children, communities } = await repo.summaryUnits(ctx.db, org);
  const [own, perUnit, ordersInFlight, categoryNames] = await Promise.all([
    repo.ownCounters(ctx.db, org.id, trendStart(now)),
    repo.unitCounters(ctx.db, [...new Set([...children, ...communities].map((u) => u.id))]),
    repo.ordersInFlight(ctx.db, org.path),
    repo.categoryNames(ctx.db),
  ]);
  return buildSummary({ org, children, communities, own, perUnit, ordersInFlight, categoryNames, now });
}

/**
 * The same summary computed naively with GROUP BY over the cases: the
 * baseline the benchmark measures against and the oracle tests compare with.
 */
export async function getNaiveSummary(ctx: AppContext, actor: Actor, orgId?: string): Promise<Summary> {
  const org = await targetUnit(ctx, actor, orgId);
  const now = ctx.clock.now();
  const { children, communities } = await repo.summaryUnits(ctx.db, org);
  const [rows, ordersInFlight, categoryNames] = await Promise.all([
    repo.naiveCounters(ctx.db, org.path, trendStart(now)),
    repo.ordersInFlight(ctx.db, org.path),
    repo.categoryNames(ctx.db),
  ]);
  const own = rollUp(rows, [org]);
  const perUnit = rollUp(rows.filter((r) => r.bucket === 0), [...new Set([...children, ...communities])]);
  return buildSummary({ org, children, communities, own, perUnit, ordersInFlight, categoryNames, now });
}

export interface ReconcileResult {
  id: number;
  cases: number;
  keysChecked: number;
  driftCount: number;
  drift: repo.DriftRow[];
  fixed: boolean;
}

/** How many drifted keys a report keeps (the count is always exact). */
const DRIFT_SAMPLE = 100;

/**
 * Recounts the counters from the cases and records the result; drift is
 * logged as a warning. With `fix`, drifted counters are rebuilt from the cases
 * under a SHARE lock on `cases` (writers wait for the rebuild: an operator's
 * decision, never the nightly run's). `db` may be a transaction (the timer's).
 */
export async function reconcile(
  ctx: { db: Kysely<DB>; clock: Clock; log: Pick<FastifyBaseLogger, 'warn'> },
  opts: { source: string; fix?: boolean; db?: Kysely<DB> },
): Promise<ReconcileResult> {
  const db = opts.db ?? ctx.db;
  const startedAt = ctx.clock.now();
  const found = await repo.driftAgainstCases(db, DRIFT_SAMPLE);
  let fixed = false;
  if (found.driftCount > 0) {
    ctx.log.warn({ driftCount: found.driftCount, sample: found.drift.slice(0, 10) }, 'dashboard counters drifted from the cases');
    if (opts.fix) {
      if (opts.db) await repo.rebuildCounters(opts.db);
      else await ctx.db.transaction().execute((trx) => repo.rebuildCounters(trx));
      fixed = true;
    }
  }
  const row = await repo.recordReconciliation(db, {
    startedAt, finishedAt: ctx.clock.now(), source: opts.source, cases: found.cases, keysChecked: found.keysChecked,
    driftCount: found.driftCount, drift: found.drift, fixed,
  });
  return { id: row.id, cases: found.cases, keysChecked: found.keysChecked, driftCount: found.driftCount, drift: found.drift, fixed };
}

/** The latest reconciliation report, for auditors and operators (district-wide keys, so audit:read). */
export async function latestReconciliation(ctx: AppContext, actor: Actor) {
  requireDistrictWide(actor, 'audit:read');
  return repo.latestReconciliation(ctx.db);
}
