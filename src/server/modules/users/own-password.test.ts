import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const login = (username: string, password: string, ip = '10.30.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });
const tokenOf = async (username: string, password: string) => {
  const res = await login(username, password);
  expect(res.statusCode, res.body).toBe(200);
  return `Bearer ${res.json().token as string}`;
};
const change = (authorization: string, body: Record<string, unknown>, opts: { ip?: string; lang?: string } = {}) =>
  t.app.inject({
    method: 'POST', url: '/api/v1/auth/password', payload: body, remoteAddress: opts.ip ?? '10.30.0.1',
    headers: { authorization, 'accept-language': opts.lang ?? 'zh-CN' },
  });
const me = (authorization: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization } });
const fieldsOf = (res: { json(): { error: { details?: { fields?: { path: string; message: string }[] } } } }) => res.json().error.details?.fields ?? [];

describe('POST /auth/password (a signed-in user changes their own password)', () => {
  it('changes the password, keeps this session, ends the others, and is audited', async () => {
    const here = await tokenOf('biyan.grid', 'Demo@2026');
    const elsewhere = await tokenOf('biyan.grid', 'Demo@2026');
    const res = await change(here, { currentPassword: 'Demo@2026', newPassword: 'Fresh2027x' });
    expect(res.statusCode, res.body).toBe(204);
    expect((await me(here)).statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await login('biyan.grid', 'Demo@2026', '10.30.0.9')).statusCode).toBe(401);
    expect((await login('biyan.grid', 'Fresh2027x', '10.30.0.9')).statusCode).toBe(200);
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_name', 'target_id']).where('action', '=', 'auth.password_changed').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_name).toBe('biyan.grid');
  });

  it('refuses a wrong current password with a localised message on its field, and counts it like a failed sign-in', async () => {
    const auth = await tokenOf('biyan.secretary', 'Demo@2026');
    const wrong = await change(auth, { currentPassword: 'not-it-1', newPassword: 'Fresh2027x' }, { ip: '10.31.0.1' });
    expect(wrong.statusCode).toBe(400);
    expect(fieldsOf(wrong)).toEqual([{ path: 'body.currentPassword', message: '当前密码不正确' }]);
    const en = await change(auth, { currentPassword: 'not-it-2', newPassword: 'Fresh2027x' }, { ip: '10.31.0.1', lang: 'en' });
    expect(fieldsOf(en)).toEqual([{ path: 'body.currentPassword', message: 'The current password is not correct' }]);
    for (let i = 3; i <= 5; i++) expect((await change(auth, { currentPassword: `not-it-${i}`, newPassword: 'Fresh2027x' }, { ip: '10.31.0.1' })).statusCode).toBe(400);
    // The (username, IP) pair now waits, for a sign-in as for another guess; the password is unchanged.
    const throttled = await change(auth, { currentPassword: 'Demo@2026', newPassword: 'Fresh2027x' }, { ip: '10.31.0.1' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect((await login('biyan.secretary', 'Demo@2026', '10.31.0.1')).statusCode).toBe(429);
    expect((await login('biyan.secretary', 'Demo@2026', '10.31.0.2')).statusCode).toBe(200);
    expect((await me(auth)).statusCode).toBe(200);
  });

  it('applies the password policy, with the field path', async () => {
    const auth = await tokenOf('biyan.reception', 'Demo@2026');
    const short = await change(auth, { currentPassword: 'Demo@2026', newPassword: 'abc1' });
    expect(short.statusCode).toBe(400);
    expect(fieldsOf(short)).toEqual([{ path: 'body.newPassword', message: '密码至少需要8个字符' }]);
    const noDigit = await change(auth, { currentPassword: 'Demo@2026', newPassword: 'onlyletters' }, { lang: 'en' });
    expect(fieldsOf(noDigit)).toEqual([{ path: 'body.newPassword', message: 'letters and digits' }]);
    const same = await change(auth, { currentPassword: 'Demo@2026', newPassword: 'Demo@2026' });
    expect(same.statusCode).toBe(400);
    expect(fieldsOf(same)).toEqual([{ path: 'body.newPassword', message: '新密码不能与当前密码相同' }]);
    const missing = await change(auth, { newPassword: 'Fresh2027x' });
    expect(fieldsOf(missing).map((f) => f.path)).toEqual(['body.currentPassword']);
    expect((await login('biyan.reception', 'Demo@2026', '10.30.0.8')).statusCode).toBe(200);
  });

  it('needs a session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'Demo@2026', newPassword: 'Fresh2027x' } });
    expect(res.statusCode).toBe(401);
  });
});
