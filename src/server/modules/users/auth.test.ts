import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DEMO_USERS } from '../demo/demo.data.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

describe('login', () => {
  it('every demo user of SPEC §13 logs in and gets its roles', async () => {
    expect(DEMO_USERS.length).toBeGreaterThanOrEqual(17);
    for (const user of DEMO_USERS) {
      const res = await login(user.username, 'Demo@2026');
      expect(res.statusCode, user.username).toBe(200);
      const body = res.json();
      expect(body.token).toMatch(/^[\w-]{40,}$/);
      expect(body.user.roles.map((r: { role: string }) => r.role)).toContain(user.role);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.token}` } });
      expect(me.json().username).toBe(user.username);
    }
  });

  it('a wrong password gets 401 with a localised message', async () => {
    const res = await login('biyan.reception', 'wrong-password');
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' });
    const unknown = await login('nobody.here', 'wrong-password');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('repeated failures lock the account, even against the right password, until the lock ends', async () => {
    for (let i = 0; i < t.config.loginMaxFailures; i++) expect((await login('changzhen.reception', `bad-${i}`)).statusCode).toBe(401);
    const locked = await login('changzhen.reception', 'Demo@2026');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    t.clock.advanceMinutes(t.config.loginLockMinutes + 1);
    expect((await login('changzhen.reception', 'Demo@2026')).statusCode).toBe(200);
  });

  it('a successful login resets the failure count', async () => {
    for (let i = 0; i < t.config.loginMaxFailures - 1; i++) await login('changzhen.secretary', 'bad');
    expect((await login('changzhen.secretary', 'Demo@2026')).statusCode).toBe(200);
    expect((await login('changzhen.secretary', 'bad')).statusCode).toBe(401);
    expect((await login('changzhen.secretary', 'Demo@2026')).statusCode).toBe(200);
  });

  it('validates the body with field paths', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: '' }, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password']));
  });
});

describe('sessions', () => {
  it('logout revokes the token', async () => {
    const { token } = (await login('biyan.grid', 'Demo@2026')).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
  });

  it('a token expires after the session lifetime', async () => {
    const { token } = (await login('biyan.lawyer', 'Demo@2026')).json();
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
    t.clock.advanceMinutes(t.config.sessionTtlHours * 60 + 1);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
  });

  it('an unknown token is 401, not 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/orgs', headers: { authorization: 'Bearer nonsense' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('login throttling', () => {
  it('answers 429 with a localised message past the per-IP limit', async () => {
    const limited = await createTestApp({ env: { FENGQIAO_LOGIN_RATE_LIMIT: '3' } });
    try {
      const attempt = () => limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' } });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const res = await attempt();
      expect(res.statusCode).toBe(429);
      expect(res.json().error).toMatchObject({ code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试' });
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});
