import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('GET /api/v1/time', () => {
  it('answers the injected clock, not the wall clock, and follows it when it moves', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/time' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ now: t.clock.now().toISOString(), testClock: true });
    t.clock.advanceMinutes(90);
    const second = await t.app.inject({ method: 'GET', url: '/api/v1/time' });
    expect(new Date(second.json().now).getTime() - new Date(first.json().now).getTime()).toBe(90 * 60_000);
    expect(second.headers['cache-control']).toBe('no-store');
  });
});
