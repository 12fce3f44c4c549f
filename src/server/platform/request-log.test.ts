import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../testing/test-db.js';
import { TestClock } from './clock.js';
import { redactUrl } from './request-log.js';

// The whole app with its real logger (pino) writing into an array, to read what a request logs.
const lines: string[] = [];
let app: App;
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase('empty');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }, { testClock: true });
  app = await buildApp({ config, database, clock: new TestClock(new Date('2026-11-23T02:00:00Z')), logStream: { write: (line) => void lines.push(line) } });
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** Every log line written while `work` ran. */
async function logsOf(work: () => Promise<unknown>): Promise<string> {
  const from = lines.length;
  await work();
  return lines.slice(from).join('');
}

describe('request log', () => {
  it('keeps a resident access code out of the log, beside the tracking number it would unlock', async () => {
    const log = await logsOf(() => app.inject({ method: 'GET', url: '/api/v1/public/cases/GM20261123-000001?accessCode=SECRET42' }));
    expect(log).toContain('GM20261123-000001');
    expect(log).toContain('accessCode=[REDACTED]');
    expect(log).not.toContain('SECRET42');
  });

  it('redacts every secret-bearing parameter whatever its case or position, and leaves the others', async () => {
    const url = '/api/v1/x?page=2&ACCESSCODE=S1&token=S2&Code=S3&otp=S4&verificationToken=S5&password=S6&accessToken=S7&newPassword=S8&q=visible';
    const log = await logsOf(() => app.inject({ method: 'GET', url }));
    for (const secret of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']) expect(log).not.toMatch(new RegExp(`=${secret}\\b`));
    expect(log).toContain('page=2');
    expect(log).toContain('q=visible');
  });
});

describe('redactUrl', () => {
  it('names percent-encoded parameters by their decoded name and keeps repeated ones redacted', () => {
    expect(redactUrl('/a?access%43ode=1&accessCode=2&accessCode=3')).toBe('/a?access%43ode=[REDACTED]&accessCode=[REDACTED]&accessCode=[REDACTED]');
    expect(redactUrl('/a?buildingCode=B1&code')).toBe('/a?buildingCode=B1&code');
    expect(redactUrl('/a')).toBe('/a');
    expect(redactUrl('/a?%E0%A4%A=x&token=t')).toBe('/a?%E0%A4%A=x&token=[REDACTED]');
  });
});
