import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const intake = {
  channel: 'hotline', category: 'labor.wage_arrears', title: '工地拖欠工资', description: '光明大道某工地15名工人被拖欠三个月工资',
  location: { address: '碧眼社区某工地' }, peopleInvolved: 15, amountInvolved: 120000,
};
const countCases = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('JSON bodies are validated without type coercion', () => {
  it.each([
    ['title', 123, 'body.title'],
    ['title', ['a'], 'body.title'],
    ['flags', 'public_safety', 'body.flags'],
    ['amountInvolved', '100', 'body.amountInvolved'],
    ['peopleInvolved', '15', 'body.peopleInvolved'],
    ['anonymous', 'false', 'body.anonymous'],
    ['description', true, 'body.description'],
  ])('%s: %j is a 400 naming %s, and nothing is written', async (field, value, path) => {
    const before = await countCases();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { ...(await t.as('district.admin')), 'accept-language': 'en' }, payload: { ...intake, [field]: value } });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    expect(await countCases()).toBe(before);
  });

  it('still accepts the well-typed body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: await t.as('district.admin'), payload: { ...intake, flags: ['public_safety'] } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ title: '工地拖欠工资', flags: ['public_safety'], amountInvolved: 120000 });
  });
});

describe('query strings, path parameters and headers are text, and still coerced', () => {
  it('reads ?page=2&pageSize=1&open=true as numbers and a boolean', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cases?page=2&pageSize=1&open=true', headers: await t.as('district.admin') });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ page: 2, pageSize: 1 });
  });

  it('refuses a query value that is not a number, naming it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cases?page=two', headers: await t.as('district.admin') });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('querystring.page');
  });
});
