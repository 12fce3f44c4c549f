import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function put(path: string, payload: object, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'PUT', url: `/api/v1/config/${path}`, headers: { ...(await t.as('district.admin')), ...headers }, payload });
}

async function get(path: string) {
  return t.app.inject({ method: 'GET', url: `/api/v1/config/${path}`, headers: await t.as('district.admin') });
}

type Fields = { path: string; message: string }[];

/** PUTs an invalid setting and returns the field messages of its 400. */
async function refusal(path: string, payload: object, headers: Record<string, string> = {}): Promise<Fields> {
  const res = await put(path, payload, headers);
  expect(res.statusCode).toBe(400);
  return res.json().error.details.fields as Fields;
}

describe('business-rule reasons are answered in the reader’s language', () => {
  it('grading rules: Chinese by default, English with Accept-Language: en, and nothing is stored', async () => {
    const current = (await get('grading-rules')).json();
    const bad = {
      red: { ...current.red, minPeople: 2, flags: [...current.red.flags, 'riot'] },
      yellow: { ...current.yellow, minAmount: -5 },
    };

    const zh = await put('grading-rules', bad);
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.code).toBe('VALIDATION_FAILED');
    expect(zh.json().error.message).toBe('提交的数据有误，请检查标注的字段');
    expect(zh.json().error.details.fields as Fields).toEqual([
      {
        path: 'body.red.flags[4]',
        message: '应为以下之一：group_incident_risk、extreme_behavior_risk、public_safety、major_instability、vulnerable_person、repeat_petition',
      },
      { path: 'body.yellow.minAmount', message: '应为非负整数或留空' },
      { path: 'body.red.minPeople', message: '不能小于黄色等级的该项阈值（yellow.minPeople：3）' },
    ]);

    const en = await put('grading-rules', bad, { 'accept-language': 'en' });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toBe('The request has invalid fields');
    expect(en.json().error.details.fields as Fields).toEqual([
      {
        path: 'body.red.flags[4]',
        message: 'must be one of group_incident_risk, extreme_behavior_risk, public_safety, major_instability, vulnerable_person, repeat_petition',
      },
      { path: 'body.yellow.minAmount', message: 'must be a non-negative integer or null' },
      { path: 'body.red.minPeople', message: 'must be ≥ yellow.minPeople (3)' },
    ]);

    expect((await get('grading-rules')).json()).toEqual(current);
  });

  it('SLA policy: the same reason in both languages, with the same limit', async () => {
    const current = (await get('sla-policy')).json();
    const bad = { ...current, levels: { ...current.levels, red: { ...current.levels.red, respond: { kind: 'minutes', minutes: 0, clock: 'wall' } } } };

    expect(await refusal('sla-policy', bad, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).toEqual([
      { path: 'body.levels.red.respond.minutes', message: '应为1到525600之间的整数' },
      { path: 'body.levels.red.respond.clock', message: '应为 calendar（自然时间）或 working（工作时间）' },
    ]);

    expect(await refusal('sla-policy', bad, { 'accept-language': 'en-US,en;q=0.9' })).toEqual([
      { path: 'body.levels.red.respond.minutes', message: 'must be an integer from 1 to 525600' },
      { path: 'body.levels.red.respond.clock', message: 'must be calendar or working' },
    ]);
  });

  it('office hours: overlapping periods are refused in Chinese and in English', async () => {
    const bad = { periods: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '17:00' }], sameDayCutoff: '5pm' };
    expect(await refusal('office-hours', bad)).toEqual([
      { path: 'body.periods.1', message: '办公时段应按先后顺序排列且不能重叠' },
      { path: 'body.sameDayCutoff', message: '应为 HH:MM 格式' },
    ]);
    expect(await refusal('office-hours', bad, { 'accept-language': 'en' })).toEqual([
      { path: 'body.periods.1', message: 'periods must be ordered and not overlap' },
      { path: 'body.sameDayCutoff', message: 'must be HH:MM' },
    ]);
  });

  it('a valid update is still stored', async () => {
    const current = (await get('grading-rules')).json();
    const next = { ...current, yellow: { ...current.yellow, minPeople: 4 } };
    const res = await put('grading-rules', next);
    expect(res.statusCode, res.body).toBe(200);
    expect((await get('grading-rules')).json().yellow.minPeople).toBe(4);
    expect((await put('grading-rules', current)).statusCode).toBe(200);
  });
});

describe('each setting has a schema that its default and every accepted value fit', () => {
  it('defaults fit, a broken value does not', async () => {
    const { SETTINGS } = await import('./config.registry.js');
    const { fitsSchema } = await import('../../platform/settings.js');
    for (const d of SETTINGS) expect(fitsSchema(d, d.defaults), d.key).toBe(true);
    for (const d of SETTINGS) expect(fitsSchema(d, { ...(d.defaults as object), unexpected: 1 }), d.key).toBe(false);
  });
});
