/**
 * Starts the server: open the database, migrate, optionally seed the demo,
 * listen, and run background sweeps until SIGINT/SIGTERM.
 *
 * With `--workers N` (PostgreSQL only) the process becomes a supervisor: it
 * migrates and seeds once, then forks N server processes sharing the port
 * (node:cluster), replaces one that dies, and stops them all on a signal.
 * Node runs a server's JavaScript on one thread; on a machine with more cores
 * than one thread can use, more processes serve more requests. Everything a
 * server process keeps is safe to run several times over: sweepers claim rows
 * with SKIP LOCKED, realtime events cross processes by LISTEN/NOTIFY, caches
 * are short-lived and tracking numbers are reserved in blocks from the
 * database.
 */
import cluster, { type Worker } from 'node:cluster';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { auditSettingsFor, configureAudit } from './platform/audit.js';
import { createCheckpointer, startCheckpointer } from './platform/audit-checkpoints.js';
import { systemClock, TestClock } from './platform/clock.js';
import { startScheduler } from './platform/scheduler.js';
import { seedDemo } from './modules/demo/index.js';

export async function serve(config: Config): Promise<void> {
  // The audit key first: without it (PostgreSQL in production) the server refuses to start, before touching anything.
  const audit = auditSettingsFor(config, { create: true });
  configureAudit(audit);
  if (config.workers > 1 && cluster.isPrimary) return supervise(config);
  const started = performance.now();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (cluster.isPrimary) {
    try {
      await prepare(database, config);
    } catch (err) {
      await database.close();
      throw err;
    }
  }
  const clock = config.testClock ? new TestClock() : systemClock;
  const app = await buildApp({ config, database, clock });
  const stopScheduler = startScheduler(app.ctx, config.sweepIntervalMs);
  const stopCheckpoints = audit.checkpointFile
    ? startCheckpointer(
        createCheckpointer({
          db: database.db, clock, log: app.log, keyring: audit.keyring, file: audit.checkpointFile,
          everyMinutes: config.audit.checkpointMinutes, everyRows: config.audit.checkpointEvery,
        }),
        app.log,
        AUDIT_CHECKPOINT_POLL_MS,
      )
    : async () => {};
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      engine: database.engine,
      dataDir: database.engine === 'pglite' ? config.dataDir : undefined,
      testClock: config.testClock,
      readyMs: Math.round(performance.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}),
    },
    `Fengqiao ready on http://localhost:${config.port} (API docs at /docs)`,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await stopScheduler();
    await stopCheckpoints(); // a last checkpoint of the head at a clean stop
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** How often the audit checkpointer looks at the head (one indexed row); it writes only when a checkpoint is due. */
const AUDIT_CHECKPOINT_POLL_MS = 10_000;

/** What happens once per database before serving: migrations, and the demo district if asked. */
async function prepare(database: Awaited<ReturnType<typeof openDatabase>>, config: Config): Promise<void> {
  await migrateToLatest(database.db);
  if (config.demo) await seedDemo(database.db, { password: config.demoPassword });
}

/** A worker that dies this many times within RESTART_WINDOW_MS means something is broken: stop, do not spin. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How long workers get to finish their requests and close on SIGTERM before they are killed. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * The supervisor of `--workers N`: prepares the database once, forks the
 * workers (each runs `serve` as a cluster worker: no migration, no seeding),
 * re-forks a worker that exits unexpectedly (one second later), and on
 * SIGINT/SIGTERM asks every worker to shut down and exits when they have.
 */
async function supervise(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await prepare(database, config);
  } finally {
    await database.close();
  }
  const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, msg: message }));
  let stopping = false;
  const restarts: number[] = [];
  // Our own list: cluster.workers drops a worker only once it has both exited and disconnected,
  // in either order, so it may still list a worker whose 'exit' is being handled.
  const live = new Map<number, Worker>();
  const fork = () => {
    const worker = cluster.fork();
    live.set(worker.id, worker);
  };
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker.id);
    if (stopping) {
      if (live.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      console.error(`worker ${worker.id} exited (${signal ?? code}); ${restarts.length} exits within a minute, giving up`);
      stopAll('SIGTERM');
      process.exitCode = 1;
      return;
    }
    log(`worker ${worker.id} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000).unref();
  });
  let listening = 0;
  cluster.on('listening', () => {
    listening++;
    if (listening === config.workers) log(`Fengqiao ready on http://localhost:${config.port} with ${config.workers} server processes`);
  });
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (live.size === 0) process.exit(process.exitCode ?? 0);
    for (const worker of live.values()) worker.process.kill(signal);
    // A worker that does not finish its shutdown in time is killed, so the supervisor always ends.
    setTimeout(() => {
      for (const worker of live.values()) worker.process.kill('SIGKILL');
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  for (let i = 0; i < config.workers; i++) fork();
}
