import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { verifyAudit } from './audit.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // Produce some audited events: logins, a failed login, a role change.
  await t.as('district.admin');
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'biyan.grid', password: 'nope-nope' } });
  await t.as('sysadmin');
});
afterAll(async () => t.close());

describe('audit log', () => {
  it('records logins and verifies intact', async () => {
    const actions = (await t.database.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
    const result = await verifyAudit(t.database.db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(actions.length);
  });

  it('refuses ordinary updates and deletes', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });

  it('detects a row edited by hand, at that row', async () => {
    const target = await t.database.db.selectFrom('audit_log').select('seq').where('action', '=', 'auth.login_failed').executeTakeFirstOrThrow();
    await t.database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('fengqiao.audit_maintenance', 'on', true)`.execute(trx);
      await sql`UPDATE audit_log SET data = '{"forged": true}'::jsonb WHERE seq = ${target.seq}`.execute(trx);
    });
    const result = await verifyAudit(t.database.db);
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(target.seq);
  });

  it('detects a removed row', async () => {
    const rows = await t.database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    await t.database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('fengqiao.audit_maintenance', 'on', true)`.execute(trx);
      await sql`UPDATE audit_log SET data = '{}'::jsonb WHERE action = 'auth.login_failed'`.execute(trx);
      await sql`DELETE FROM audit_log WHERE seq = ${rows[0].seq}`.execute(trx);
    });
    const result = await verifyAudit(t.database.db);
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(rows[1].seq);
  });
});
