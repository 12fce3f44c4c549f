import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { intakeWriter, MAX_BATCH } from './intake.writer.js';

let t: TestApp;
let buildingCode: string;
let auth: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  // Signed in once, so a burst is a burst of intakes, not of logins.
  auth = await t.as('biyan.reception');
  buildingCode = (await t.database.db.selectFrom('buildings').select('code').orderBy('code').executeTakeFirstOrThrow()).code;
});
afterAll(async () => t.close());

const body = (i: number, extra: Record<string, unknown> = {}) => ({
  channel: 'walk_in',
  category: 'neighbor.noise',
  title: `夜间施工噪音 ${i}`,
  description: `第${i}位居民反映工地夜间施工噪音扰民`,
  location: { buildingCode },
  reporter: { name: '李四', phone: `1381234${String(i).padStart(4, '0')}` },
  peopleInvolved: i % 10 === 0 ? 40 : 1,
  ...extra,
});

async function post(payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { ...auth, ...headers }, payload });
}

const count = async (table: 'cases' | 'case_events' | 'timers' | 'outbox', caseIds: string[]) => {
  const column = table === 'cases' ? 'id' : table === 'timers' ? 'subject_id' : table === 'case_events' ? 'case_id' : null;
  const q =
    column === null
      ? sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE payload->>'caseId' = ANY(${caseIds})`
      : sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ANY(${caseIds}::uuid[])`;
  return (await q.execute(t.database.db)).rows[0].n;
};

describe('intake group commit', () => {
  it('stores every value of a batch exactly as submitted, awkward text included', async () => {
    const awkward = [
      `引号"双"与'单'，反斜杠 \\ 与 \\" 混合`,
      '换行\n制表\t回车\r 以及 {花括号,逗号} 和 NULL',
      'emoji 🏠🔥 与生僻字 𠮷 和零宽\u200b字符',
    ];
    const responses = await Promise.all(
      awkward.map((text, i) =>
        post(
          body(900 + i, {
            title: text.slice(0, 60),
            description: text,
            flags: i === 0 ? ['vulnerable_person', 'repeat_petition'] : [],
            amountInvolved: 12345.67,
            location: { lat: 22.7788 + i / 1000, lng: 113.9344, address: `光明区"华夏"路${i}号` },
          }),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode), responses[0].body).toEqual([201, 201, 201]);
    for (const [i, res] of responses.entries()) {
      const row = await t.database.db.selectFrom('cases').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
      expect(row.description).toBe(awkward[i]);
      expect(row.title).toBe(awkward[i].slice(0, 60).trim());
      expect(row.flags).toEqual(i === 0 ? ['vulnerable_person', 'repeat_petition'] : []);
      expect(Number(row.amount_involved)).toBe(12345.67);
      expect(row.lat).toBeCloseTo(22.7788 + i / 1000, 10);
      expect(row.address).toBe(`光明区"华夏"路${i}号`);
      expect(row.extra).toMatchObject({ routing: { suggestedOrgId: expect.any(String) } });
      expect(row.created_at.getTime()).toBe(t.clock.now().getTime());
      const event = await t.database.db.selectFrom('case_events').selectAll().where('case_id', '=', row.id).executeTakeFirstOrThrow();
      expect(event.data).toMatchObject({ channel: 'walk_in', riskLevel: row.risk_level });
    }
  });

  it('writes a burst of concurrent cases, each whole, with distinct consecutive tracking numbers', async () => {
    const n = MAX_BATCH + 30;
    const writer = intakeWriter(t.database.db);
    const before = { ...writer.written };
    const responses = await Promise.all(Array.from({ length: n }, (_, i) => post(body(i))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(n).fill(201));
    const cases = responses.map((r) => r.json());
    const ids = cases.map((c) => c.id as string);
    expect(new Set(ids).size).toBe(n);
    const numbers = cases.map((c) => Number(String(c.trackingNo).split('-')[1])).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(n);
    expect(numbers.at(-1)! - numbers[0]).toBe(n - 1);
    // Every case has its event, its timers and its outbox messages.
    expect(await count('cases', ids)).toBe(n);
    expect(await count('case_events', ids)).toBe(n);
    const timersPerCase = await sql<{ n: number }>`SELECT count(*)::int AS n FROM timers WHERE subject_id = ANY(${ids}::uuid[]) GROUP BY subject_id`.execute(t.database.db);
    expect(timersPerCase.rows).toHaveLength(n);
    expect(timersPerCase.rows.every((r) => r.n === 6)).toBe(true);
    const red = cases.filter((c) => c.riskLevel === 'red').length;
    expect(red).toBeGreaterThan(0);
    expect(await count('outbox', ids)).toBe(n + red);
    // They went in batches: fewer statements than cases, none larger than MAX_BATCH.
    const statements = writer.written.statements - before.statements;
    expect(writer.written.cases - before.cases).toBe(n);
    expect(statements).toBeLessThan(n);
    expect(statements).toBeGreaterThanOrEqual(Math.ceil(n / MAX_BATCH));
  });

  it('one failing case in a burst fails alone: the others are written', async () => {
    const before = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.database.db)).rows[0].n);
    // An attachment id that does not exist fails its case with a 400 before writing; a title
    // that breaks a database constraint fails inside the statement. The check constraint on
    // people_involved is such a case: the schema allows the number, the table does not.
    await sql`ALTER TABLE cases ADD CONSTRAINT zz_test_people CHECK (people_involved <> 7)`.execute(t.database.db);
    try {
      const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => post(body(100 + i, { peopleInvolved: i === 5 ? 7 : 1 }))));
      const codes = responses.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(11);
      expect(codes[5]).toBeGreaterThanOrEqual(400);
    } finally {
      await sql`ALTER TABLE cases DROP CONSTRAINT zz_test_people`.execute(t.database.db);
    }
    const after = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.database.db)).rows[0].n);
    expect(after - before).toBe(11);
  });

  it('two concurrent submissions with one Idempotency-Key yield one case', async () => {
    const headers = { 'idempotency-key': 'burst-retry-1' };
    const [a, b] = await Promise.all([post(body(900), headers), post(body(900), headers)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
  });
});
