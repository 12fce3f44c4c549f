import { buildApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Database } from '../db/database.js';
import { TestClock } from '../platform/clock.js';
import { openTestDatabase } from './test-db.js';
import { TEST_PASSWORD, type TemplateKind } from './templates.js';

export interface TestApp {
  app: App;
  clock: TestClock;
  database: Database;
  config: Config;
  /** Logs in a user and returns headers carrying its bearer token. */
  as(username: string, password?: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** A full app on a private database with a test clock (default start: Monday 2026-11-23 10:00 Shanghai). */
export async function createTestApp(opts: { kind?: TemplateKind; start?: Date; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  const database = await openTestDatabase(opts.kind ?? 'demo');
  const clock = new TestClock(opts.start ?? new Date('2026-11-23T02:00:00Z'));
  // Rate limits count real requests per IP; a test file sends hundreds from one address.
  const config = loadConfig(
    { NODE_ENV: 'test', FENGQIAO_LOGIN_RATE_LIMIT: '100000', FENGQIAO_PUBLIC_RATE_LIMIT: '100000', ...opts.env },
    { testClock: true },
  );
  const app = await buildApp({ config, database, clock, logger: false });
  // Tokens expire on the test clock too, so a cached token is reused only while it is valid.
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  return {
    app,
    clock,
    database,
    config,
    async as(username, password = TEST_PASSWORD) {
      let cached = tokens.get(username);
      if (!cached || cached.expiresAt <= clock.now().getTime()) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
        if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
        const body = res.json<{ token: string; expiresAt: string }>();
        cached = { token: body.token, expiresAt: new Date(body.expiresAt).getTime() };
        tokens.set(username, cached);
      }
      return { authorization: `Bearer ${cached.token}` };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
