/**
 * `/metrics` behind FENGQIAO_METRICS_TOKEN: Prometheus sends the token as a bearer token; anyone else gets
 * the usual 401. Without the setting the endpoint stays open (a scrape on an internal network).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

const TOKEN = 'scrape-secret-0123456789';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FENGQIAO_METRICS_TOKEN: TOKEN } });
});
afterAll(async () => t.close());

const scrape = (authorization?: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });

describe('metrics token', () => {
  it('answers the scraper that carries the token', async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('fengqiao_outbox_messages');
  });

  it('refuses no token, a wrong one and a staff session token, in the usual error shape', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, (await t.as('sysadmin')).authorization]) {
      const res = await scrape(authorization);
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('is refused at start-up when too short to be a secret', () => {
    expect(() => loadConfig({ FENGQIAO_METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(loadConfig({}).metricsToken).toBeUndefined();
  });
});
