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
  it('writes a burst of concurrent cases, each whole, with distinct consecutive tracking numbers', async () => {
    const n = MAX_BATCH + 30;
    const writer = intakeWriter(t.database.db, t.database.engine);
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
