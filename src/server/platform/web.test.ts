import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { WEB_ROOT } from './web.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe.skipIf(!fs.existsSync(path.join(WEB_ROOT, 'index.html')))('web bundles', () => {
  it('serves each entry and falls back to it for client routes', async () => {
    const staff = await t.app.inject({ method: 'GET', url: '/cases/123' });
    expect(staff.statusCode).toBe(200);
    expect(staff.body).toContain('<div id="root">');
    expect(staff.body).toContain('工作台');
    expect((await t.app.inject({ method: 'GET', url: '/m/track' })).body).toContain('我要反映');
    expect((await t.app.inject({ method: 'GET', url: '/screen' })).body).toContain('指挥中心');
  });

  it('never shadows the API: an unknown API path is a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('security headers', () => {
  it.each(['/healthz', '/api/v1/nothing-here', '/docs/'])('%s carries the CSP and helmet headers', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    const csp = String(res.headers['content-security-policy']).split(';').sort();
    expect(csp).toEqual(
      [
        "default-src 'self'", "img-src 'self' data: blob:", "style-src 'self' 'unsafe-inline'", "script-src 'self'", "connect-src 'self'",
        "base-uri 'self'", "font-src 'self' https: data:", "form-action 'self'", "frame-ancestors 'self'", "object-src 'none'",
        "script-src-attr 'none'", 'upgrade-insecure-requests',
      ].sort(),
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Plain HTTP here: HSTS is sent only over TLS (security-headers.test.ts checks both ways).
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
