/**
 * Starts the server: open the database, migrate, optionally seed the demo,
 * listen, and run background sweeps until SIGINT/SIGTERM.
 */
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { systemClock, TestClock } from './platform/clock.js';
import { startScheduler } from './platform/scheduler.js';
import { seedDemo } from './modules/demo/demo.seed.js';

export async function serve(config: Config): Promise<void> {
  const started = performance.now();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    if (config.demo) await seedDemo(database.db, { password: config.demoPassword });
  } catch (err) {
    await database.close();
    throw err;
  }
  const clock = config.testClock ? new TestClock() : systemClock;
  const app = await buildApp({ config, database, clock });
  const stopScheduler = startScheduler(app.ctx, config.sweepIntervalMs);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      engine: database.engine,
      dataDir: database.engine === 'pglite' ? config.dataDir : undefined,
      testClock: config.testClock,
      readyMs: Math.round(performance.now() - started),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    },
    `Fengqiao ready on http://localhost:${config.port} (API docs at /docs)`,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await stopScheduler();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
