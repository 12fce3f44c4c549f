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
