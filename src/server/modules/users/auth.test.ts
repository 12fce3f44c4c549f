import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { DEMO_USERS } from '../demo/index.js';

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

  it('a successful login resets the failure count', async () => {
    for (let i = 0; i < t.config.loginFreeFailures - 1; i++) await login('changzhen.secretary', 'bad');
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

/** A sign-in attempt from a given address (the throttle keys on username and IP). */
const loginFrom = (ip: string, username: string, password: string, lang = 'zh-CN') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip, headers: { 'accept-language': lang } });
/** What a client can tell apart: status, body and the Retry-After header. */
const answer = (res: Awaited<ReturnType<typeof loginFrom>>) => ({ status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] });
const seconds = (n: number) => t.clock.advanceMinutes(n / 60);
// The default of FENGQIAO_LOGIN_FREE_FAILURES: wrong passwords per username and IP before each next attempt waits.
const FREE = 5;

describe('no username enumeration, no lock-out by strangers', () => {
  it('a known and an unknown username get identical answers to wrong passwords, before and after many failures', async () => {
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    // Both sequences see the same clock: each step first for the real account, then for the invented one.
    for (let i = 0; i < FREE + 4; i++) {
      known.push(answer(await loginFrom('10.20.0.1', 'biyan.secretary', `wrong-${i}`)));
      unknown.push(answer(await loginFrom('10.20.0.2', 'no.such.user', `wrong-${i}`)));
      if (i >= FREE) seconds(2 ** (i - FREE));
    }
    expect(known).toEqual(unknown);
    expect(known[0]).toEqual({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' } }, retryAfter: undefined });
    expect(known.some((a) => (a as { status: number }).status === 429)).toBe(true);
    expect(known.every((a) => [401, 429].includes((a as { status: number }).status))).toBe(true);
  });

  it('a disabled account answers a wrong password exactly like an unknown username; only the right password learns it is disabled', async () => {
    await t.database.db.updateTable('users').set({ active: false }).where('username', '=', 'biyan.lawyer').execute();
    try {
      const disabled = answer(await loginFrom('10.21.0.1', 'biyan.lawyer', 'wrong-1'));
      const unknown = answer(await loginFrom('10.21.0.1', 'no.such.lawyer', 'wrong-1'));
      expect(disabled).toEqual(unknown);
      expect(disabled.status).toBe(401);
      expect((await loginFrom('10.21.0.1', 'biyan.lawyer', 'Demo@2026')).json().error.code).toBe('ACCOUNT_DISABLED');
    } finally {
      await t.database.db.updateTable('users').set({ active: true }).where('username', '=', 'biyan.lawyer').execute();
    }
  });

  it('wrong passwords from one address do not stop the owner signing in from another', async () => {
    for (let i = 0; i < FREE + 3; i++) await loginFrom('10.22.0.1', 'changzhen.reception', `bad-${i}`);
    expect((await loginFrom('10.22.0.1', 'changzhen.reception', 'Demo@2026')).statusCode).toBe(429);
    const owner = await loginFrom('10.22.0.2', 'changzhen.reception', 'Demo@2026');
    expect(owner.statusCode).toBe(200);
  });

  it('past the free failures a (username, IP) pair waits 1 s, 2 s, 4 s … before its next attempt is even checked', async () => {
    const ip = '10.23.0.1';
    const user = 'biyan.mediator';
    for (let i = 0; i < FREE; i++) expect((await loginFrom(ip, user, `bad-${i}`)).statusCode).toBe(401);
    const waits: string[] = [];
    for (let round = 0; round < 4; round++) {
      const blocked = await loginFrom(ip, user, 'Demo@2026');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('RETRY_LATER');
      waits.push(String(blocked.headers['retry-after']));
      seconds(Number(blocked.headers['retry-after']));
      expect((await loginFrom(ip, user, `bad-again-${round}`)).statusCode).toBe(401);
    }
    expect(waits).toEqual(['1', '2', '4', '8']);
    const blocked = await loginFrom(ip, user, 'Demo@2026', 'en');
    expect(blocked.json().error.message).toMatch(/^Too many attempts; please try again in 16 seconds/);
    expect((await loginFrom(ip, user, 'Demo@2026')).json().error.message).toMatch(/^操作过于频繁，请在16秒后/);
    // Waiting out the delay, the right password signs in and the pair starts afresh.
    seconds(16);
    expect((await loginFrom(ip, user, 'Demo@2026')).statusCode).toBe(200);
    expect((await loginFrom(ip, user, 'bad')).statusCode).toBe(401);
    expect((await loginFrom(ip, user, 'Demo@2026')).statusCode).toBe(200);
  });

  it('the delay stops growing at FENGQIAO_LOGIN_MAX_DELAY_SECONDS', async () => {
    const capped = await createTestApp({ env: { FENGQIAO_LOGIN_FREE_FAILURES: '1', FENGQIAO_LOGIN_MAX_DELAY_SECONDS: '3' } });
    try {
      const attempt = () => capped.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'biyan.grid', password: 'bad' }, remoteAddress: '10.24.0.1' });
      const waits: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await attempt();
        if (res.statusCode === 429) {
          waits.push(String(res.headers['retry-after']));
          capped.clock.advanceMinutes(Number(res.headers['retry-after']) / 60);
        }
      }
      expect(waits).toEqual(['1', '2', '3']);
    } finally {
      await capped.close();
    }
  });

  it('failures for one username from many addresses slow every failing address (the per-username ceiling), never the owner at a clean one', async () => {
    const spread = await createTestApp({ env: { FENGQIAO_LOGIN_USER_FREE_FAILURES: '4' } });
    try {
      const attempt = (ip: string, password: string) =>
        spread.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'biyan.grid', password }, remoteAddress: ip });
      for (let i = 1; i <= 3; i++) expect((await attempt(`10.25.0.${i}`, 'bad')).statusCode).toBe(401);
      // One failure each is far below the per-address allowance, yet with the fourth the username reaches its
      // ceiling, and that address waits after its first failure.
      expect((await attempt('10.25.0.5', 'bad')).statusCode).toBe(401);
      const slowed = await attempt('10.25.0.5', 'bad');
      expect(slowed.statusCode).toBe(429);
      expect(slowed.headers['retry-after']).toBe('1');
      expect((await attempt('10.25.0.9', 'Demo@2026')).statusCode).toBe(200);
    } finally {
      await spread.close();
    }
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
