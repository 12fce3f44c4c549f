/**
 * Prometheus metrics. One registry per app instance so several apps in one test
 * process do not collide on metric names.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppContext } from './context.js';
import { auditHead } from './audit-checkpoints.js';
import { AppError } from './errors.js';
import { outboxBacklog } from './outbox.js';
import { timersDue } from './timers.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  casesCreated: Counter<'channel' | 'risk_level'>;
  /** Uploads never put on a case, deleted after their grace period by this process's sweeper. */
  orphanUploadsDeleted: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fengqiao_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'fengqiao_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    casesCreated: new Counter({
      name: 'fengqiao_cases_created_total',
      help: 'Cases created, by channel and risk level',
      labelNames: ['channel', 'risk_level'],
      registers: [registry],
    }),
    orphanUploadsDeleted: new Counter({
      name: 'fengqiao_orphan_uploads_deleted_total',
      help: 'Uploads never put on a case, deleted after the grace period (by this process)',
      registers: [registry],
    }),
  };
}

const metricsByContext = new WeakMap<object, Metrics>();

/**
 * The metrics of the app a context belongs to, for background work that
 * counts what it did (sweepers receive only the context). Undefined for a
 * context without an app (a CLI task).
 */
export function metricsOf(ctx: object): Metrics | undefined {
  return metricsByContext.get(ctx);
}

/** Whether a request carries `Authorization: Bearer <token>`, compared in constant time. */
function hasBearer(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Request timings, and `/metrics` for Prometheus. With `token` the endpoint needs it as a bearer token
 * (Prometheus' `authorization` setting): the figures describe the district's workload and are not public.
 */
export function installMetrics(app: FastifyInstance, metrics: Metrics, ctx: Pick<AppContext, 'db' | 'clock'>, token?: string): void {
  metricsByContext.set(ctx, metrics);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // Background work waiting, read from the database at each scrape (the same figure from every process).
  const outbox = new Gauge({ name: 'fengqiao_outbox_messages', help: 'Undelivered outbox messages: due now, or dead letters', labelNames: ['state'], registers: [metrics.registry] });
  const timers = new Gauge({ name: 'fengqiao_timers_due', help: 'Timers due now and not yet fired', registers: [metrics.registry] });
  // The audit log's head, read at each scrape: Prometheus keeps its history outside the database,
  // one more witness that the log only grows (platform/audit-checkpoints.ts).
  const auditSeq = new Gauge({ name: 'fengqiao_audit_head_seq', help: 'seq of the newest audit log row (0: empty)', registers: [metrics.registry] });
  const auditInfo = new Gauge({ name: 'fengqiao_audit_head_info', help: 'The newest audit log row: its hash prefix as a label (value 1)', labelNames: ['seq', 'hash'], registers: [metrics.registry] });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !hasBearer(request.headers.authorization, token)) throw new AppError('UNAUTHENTICATED');
    const now = ctx.clock.now();
    const [backlog, due, head] = await Promise.all([outboxBacklog(ctx.db, now), timersDue(ctx.db, now), auditHead(ctx.db)]);
    auditSeq.set(head?.seq ?? 0);
    auditInfo.reset(); // one series: the current head
    if (head) auditInfo.set({ seq: String(head.seq), hash: head.hash.slice(0, 16) }, 1);
    outbox.set({ state: 'due' }, backlog.due);
    outbox.set({ state: 'dead' }, backlog.dead);
    timers.set(due);
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
