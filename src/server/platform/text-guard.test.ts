import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { installErrorHandling } from './http-errors.js';
import { installTextGuard, jsonNeedsWalk, MAX_DEPTH, textIssue } from './text-guard.js';

const pathOf = (value: unknown, prefix = 'body') => textIssue(value, prefix)?.path ?? null;
/** `n` arrays, one inside the other. */
const nested = (n: number): unknown => {
  let v: unknown = [];
  for (let i = 1; i < n; i++) v = [v];
  return v;
};

describe('textIssue', () => {
  it('names the first string or key holding U+0000, or null', () => {
    expect(pathOf({ a: 'ok', b: ['x', 'y\u0000'] })).toBe('body.b.1');
    expect(pathOf({ a: { deep: { er: 'z\u0000' } } })).toBe('body.a.deep.er');
    expect(pathOf({ ['k\u0000']: 1 })).toBe('body.k\\u0000');
    expect(pathOf('\u0000', 'querystring.q')).toBe('querystring.q');
    expect(pathOf({ a: '\\u0000 typed', n: 0, b: null, t: true })).toBeNull();
  });

  it('names the first string or key holding a lone surrogate, at any depth', () => {
    expect(pathOf({ title: 'a\uD800' })).toBe('body.title');
    expect(pathOf({ title: '\uDFFF' })).toBe('body.title');
    expect(pathOf({ location: { address: '碧眼社区\uDC00某工地' } })).toBe('body.location.address');
    // A reversed pair is two lone surrogates.
    expect(pathOf({ a: [{ b: [['ok', '\uDE00\uD83D']] }] })).toBe('body.a.0.b.0.1');
    expect(pathOf({ items: [{ ['k\uD800']: 'v' }] })).toBe('body.items.0.k\\ud800');
    expect(pathOf({ a: { ['\uDBFF']: { b: 1 } } })).toBe('body.a.\\udbff');
    expect(pathOf({ q: ['ok', 'x\uD83D'] }, 'querystring')).toBe('querystring.q.1');
    expect(textIssue({ title: 'a\uD800' }, 'body')?.reason).toEqual({
      'zh-CN': '含有无法保存的不完整字符（孤立的代理项）',
      en: 'contains an unpaired UTF-16 surrogate, which cannot be stored',
    });
  });

  it('accepts paired surrogates and escapes typed as text', () => {
    expect(pathOf({ title: '😀 表情', tags: ['\uD83D\uDE00'], ['键😀']: '\\ud800 typed' })).toBeNull();
  });

  it(`names the first array or object nested deeper than ${MAX_DEPTH} levels, and never overflows the stack`, () => {
    expect(pathOf(nested(MAX_DEPTH))).toBeNull();
    expect(pathOf({ a: nested(MAX_DEPTH - 1) })).toBeNull();
    expect(pathOf({ a: nested(MAX_DEPTH) })).toBe(`body.a${'.0'.repeat(MAX_DEPTH - 1)}`);
    expect(textIssue(nested(50_000), 'body')?.reason.en).toBe(`is nested too deeply (at most ${MAX_DEPTH} levels)`);
    expect(pathOf(JSON.parse('{"a":'.repeat(50_000) + '"\\u0000"' + '}'.repeat(50_000)))).toBe(`body${'.a'.repeat(MAX_DEPTH)}`);
  });
});

describe('jsonNeedsWalk', () => {
  it('walks only a text with a NUL or surrogate escape, or more opening brackets than the depth limit', () => {
    expect(jsonNeedsWalk('{"title":"a\\ud800"}')).toBe(true);
    expect(jsonNeedsWalk('{"title":"a\\uDFFF"}')).toBe(true);
    expect(jsonNeedsWalk('{"t":"\\u0000"}')).toBe(true);
    expect(jsonNeedsWalk('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1))).toBe(true);
    expect(jsonNeedsWalk('{"title":"\\u5de5\\u5730","a":[1,2],"b":{"c":[]}}')).toBe(false);
    expect(jsonNeedsWalk('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).toBe(false);
  });
});

describe('over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const countCases = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const fieldsOf = (body: string) => JSON.parse(body).error?.details?.fields as { path: string; message: string }[];

  const intake = {
    channel: 'hotline', category: 'labor.wage_arrears', title: '工地拖欠工资', description: '光明大道某工地15名工人被拖欠三个月工资',
    location: { address: '碧眼社区某工地' }, peopleInvolved: 15,
  };
  /** JSON text with `\udXXX` escapes as the client wrote them (JSON.stringify writes them so too; this makes it explicit). */
  const raw = (value: unknown, replacements: Record<string, string>) =>
    Object.entries(replacements).reduce((text, [marker, escape]) => text.replace(marker, escape), JSON.stringify(value));

  it('refuses a lone surrogate in a resident submission as a 400 naming body.title, and writes nothing', async () => {
    const before = await countCases();
    const payload = raw({ category: 'environment.pollution', title: 'a@@', description: '茅洲河支流有刺鼻气味，水面发黑', anonymous: true }, { '@@': '\\ud800' });
    expect(payload).toContain('a\\ud800');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(fieldsOf(res.body)).toEqual([{ path: 'body.title', message: 'contains an unpaired UTF-16 surrogate, which cannot be stored' }]);
    expect(await countCases()).toBe(before);
  });

  it('refuses one in a staff intake field and in an object key, in Chinese by default', async () => {
    const headers = { ...(await t.as('district.admin')), 'content-type': 'application/json' };
    const before = await countCases();
    const inAddress = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: raw({ ...intake, location: { address: '碧眼社区@@' } }, { '@@': '\\uDC00' }) });
    expect(inAddress.statusCode, inAddress.body).toBe(400);
    expect(fieldsOf(inAddress.body)).toEqual([{ path: 'body.location.address', message: '含有无法保存的不完整字符（孤立的代理项）' }]);
    const inKey = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: raw({ ...intake, location: { address: '碧眼社区', '@@': 1 } }, { '@@': '\\ud83d' }) });
    expect(inKey.statusCode, inKey.body).toBe(400);
    expect(fieldsOf(inKey.body)[0].path).toBe('body.location.\\ud83d');
    expect(await countCases()).toBe(before);
    // A real pair, escaped, is an emoji and welcome.
    const paired = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload: raw({ ...intake, title: '拖欠工资@@' }, { '@@': '\\ud83d\\ude1f' }) });
    expect(paired.statusCode, paired.body).toBe(201);
    expect(paired.json().title).toBe('拖欠工资😟');
  });

  it('refuses bodies nested tens of thousands of levels deep with a 400, not a crash', async () => {
    const headers = { ...(await t.as('district.admin')), 'content-type': 'application/json', 'accept-language': 'en' };
    for (const payload of [
      JSON.stringify(intake).replace('"title":"工地拖欠工资"', `"title":${'['.repeat(50_000)}${']'.repeat(50_000)}`),
      JSON.stringify(intake).replace('{', `{"junk":${'{"a":'.repeat(50_000)}"\\u0000"${'}'.repeat(50_000)},`),
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers, payload });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(fieldsOf(res.body)[0].message).toBe(`is nested too deeply (at most ${MAX_DEPTH} levels)`);
    }
  });

  it('refuses a deep value where the schema allows any (extra members of a GeoJSON geometry): a 400, not a 500 from storing it', async () => {
    const headers = { ...(await t.as('district.admin')), 'content-type': 'application/json' };
    const biyanUnit = () => t.database.db.selectFrom('org_units').select(['id', 'geometry']).where('code', '=', 'GM.GUANGMING.BIYAN').executeTakeFirstOrThrow();
    const biyan = await biyanUnit();
    for (const depth of [100, 5_000, 50_000]) {
      const payload = `{"geometry":{"type":"Point","coordinates":[113.93,22.78],"properties":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
      const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${biyan.id}`, headers, payload });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(fieldsOf(res.body)[0].path).toMatch(/^body\.geometry\.properties(\.a)+$/);
    }
    expect((await biyanUnit()).geometry).toEqual(biyan.geometry);
  });

  it('answers a query string with the bytes of a lone surrogate without a 5xx: they are not UTF-8, so they stay literal text', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cases?q=%ED%A0%80', headers: await t.as('district.admin') });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('query strings and path parameters', () => {
  // Fastify's query-string parser leaves undecodable bytes as they are; a lenient decoder that reads the
  // three bytes of a surrogate (%ED%A0%80…%ED%BF%BF, WTF-8) as the surrogate itself would hand one over,
  // and the guard must refuse it as it does in a body.
  const lenient = (text: string) =>
    text
      .split(/(%ED%[AB][0-9A-F]%[89AB][0-9A-F])/i)
      .map((part, i) => (i % 2 === 1 ? String.fromCharCode(0xd000 | ((parseInt(part.slice(4, 6), 16) & 0x3f) << 6) | (parseInt(part.slice(7, 9), 16) & 0x3f)) : decodeURIComponent(part)))
      .join('');
  const app = Fastify({ routerOptions: { querystringParser: (text) => Object.fromEntries(text.split('&').map((pair) => pair.split('=').map(lenient))) } });
  installErrorHandling(app);
  installTextGuard(app);
  app.get('/search', async (request) => ({ query: request.query }));
  app.get('/items/:id', async (request) => ({ params: request.params }));
  afterAll(async () => app.close());

  it('refuses a lone surrogate or a NUL in a query value, naming it', async () => {
    const surrogate = await app.inject({ method: 'GET', url: '/search?page=2&q=a%ED%A0%80' });
    expect(surrogate.statusCode, surrogate.body).toBe(400);
    expect(JSON.parse(surrogate.body).error.details.fields[0].path).toBe('querystring.q');
    const nul = await app.inject({ method: 'GET', url: '/search?q=a%00' });
    expect(JSON.parse(nul.body).error.details.fields[0].path).toBe('querystring.q');
    const fine = await app.inject({ method: 'GET', url: '/search?q=%E5%B7%A5%E5%9C%B0%F0%9F%98%80' });
    expect(fine.json()).toEqual({ query: { q: '工地😀' } });
  });

  it('refuses a NUL in a path parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/items/a%00b' });
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.parse(res.body).error.details.fields[0].path).toBe('params.id');
  });
});
