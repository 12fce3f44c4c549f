import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, decodeAuditKey, loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { createTestApp } from '../testing/test-app.js';
import { openTestDatabase } from '../testing/test-db.js';
import { appendAudit, configureAudit, GENESIS_HASH, keyedAuditHash, legacyAuditHash, verifyAudit } from './audit.js';
import { auditKey, auditKeyId, defaultAuditKeyFile, keyringOf, loadAuditKeyring, TEST_AUDIT_KEY } from './audit-key.js';
import { createCheckpointer, readCheckpoints, type AuditCheckpoint } from './audit-checkpoints.js';
import { TestClock } from './clock.js';

const keyring = keyringOf(TEST_AUDIT_KEY, [], 'test key');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-audit-'));
const clock = new TestClock(new Date('2026-11-23T02:00:00Z'));
const logged: { level: 'info' | 'error'; obj: object; msg: string }[] = [];
const log = {
  info: (obj: object, msg: string) => void logged.push({ level: 'info', obj, msg }),
  error: (obj: object, msg: string) => void logged.push({ level: 'error', obj, msg }),
};

let database: Database;
let db: Kysely<DB>;
let checkpointFile: string;
let fileNo = 0;

beforeAll(async () => {
  database = await openTestDatabase('empty');
  db = database.db;
  configureAudit({ keyring });
});
afterAll(async () => {
  await database.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every test starts from an empty log and its own checkpoint file. */
beforeEach(async () => {
  await asMaintainer((trx) => sql`DELETE FROM audit_log`.execute(trx));
  checkpointFile = path.join(tmp, `checkpoints-${++fileNo}.jsonl`);
  logged.length = 0;
});

/** Maintenance as the runbook says: switch to the maintainer role inside the transaction. */
async function asMaintainer(work: (trx: Transaction<DB>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE fengqiao_audit_maintainer`.execute(trx);
    await work(trx);
  });
}

async function append(n: number, perTransaction = 250): Promise<void> {
  for (let done = 0; done < n; done += perTransaction) {
    await db.transaction().execute(async (trx) => {
      for (let i = done; i < Math.min(n, done + perTransaction); i++) {
        clock.advanceMinutes(1);
        await appendAudit(trx, clock, { action: 'test.event', actor: { id: '00000000-0000-4000-8000-000000000001', username: 'tester' }, targetType: 'case', targetId: `c${i}`, data: { i, note: { b: 2, a: 1 } }, ip: '10.0.0.1' });
      }
    });
  }
}

function checkpointer(everyRows = 1_000_000, everyMinutes = 24 * 60) {
  return createCheckpointer({ db, clock, log, keyring, file: checkpointFile, everyMinutes, everyRows });
}

async function checkpoint(): Promise<AuditCheckpoint> {
  const cp = await checkpointer().tick(true);
  if (!cp) throw new Error('no checkpoint written');
  return cp;
}

const verify = (opts: { pageSize?: number; withCheckpoints?: boolean } = {}) =>
  verifyAudit(db, { keyring, checkpointFile: opts.withCheckpoints === false ? null : checkpointFile, pageSize: opts.pageSize });

async function rows() {
  return db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
}

type Row = Awaited<ReturnType<typeof rows>>[number];
const fieldsOf = (row: Row, prevHash: string) => ({
  seq: row.seq, at: row.at, actorId: row.actor_id, actorName: row.actor_name, action: row.action,
  targetType: row.target_type, targetId: row.target_id, data: row.data, ip: row.ip, prevHash,
});

/**
 * Edits row `seq` and recomputes the hash of it and every later row, as an attacker would:
 * `withKey` — an insider holding the key; otherwise plain SHA-256 (the database, not the key).
 */
async function rewriteFrom(seq: number, opts: { withKey: boolean; relabelLegacy?: boolean }): Promise<void> {
  const all = await rows();
  await asMaintainer(async (trx) => {
    let prev = GENESIS_HASH;
    for (const row of all) {
      if (row.seq < seq) {
        prev = row.hash;
        continue;
      }
      const data = row.seq === seq ? { forged: true } : row.data;
      const fields = { ...fieldsOf(row, prev), data };
      const legacy = !opts.withKey && opts.relabelLegacy;
      const hash = opts.withKey ? keyedAuditHash(fields, keyring.current) : legacyAuditHash(fields);
      await sql`UPDATE audit_log SET data = ${JSON.stringify(data)}::jsonb, prev_hash = ${prev}, hash = ${hash},
        hash_alg = ${legacy ? 'sha256' : 'hmac-sha256'}, key_id = ${legacy ? null : keyring.current.id} WHERE seq = ${row.seq}`.execute(trx);
      prev = hash;
    }
  });
}

describe('the append-only trigger', () => {
  beforeEach(async () => append(3));

  it('ignores the old maintenance setting: SET fengqiao.audit_maintenance = on, then UPDATE/DELETE are refused', async () => {
    for (const change of [sql`UPDATE audit_log SET action = 'x'`, sql`DELETE FROM audit_log`]) {
      await expect(db.transaction().execute(async (trx) => {
        await sql`SET fengqiao.audit_maintenance = on`.execute(trx);
        await change.execute(trx);
      })).rejects.toThrow(/append-only/);
      await expect(db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('fengqiao.audit_maintenance', 'on', true)`.execute(trx);
        await change.execute(trx);
      })).rejects.toThrow(/append-only/);
    }
    expect((await rows()).map((r) => r.action)).toEqual(['test.event', 'test.event', 'test.event']);
  });

  it('refuses the application\'s own connection, and TRUNCATE too', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect(await rows()).toHaveLength(3);
  });

  it('lets the maintainer role through, only after an explicit SET ROLE', async () => {
    const { rows: who } = await sql<{ exists: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_audit_maintainer' AND NOT rolcanlogin) AS exists`.execute(db);
    expect(who[0].exists).toBe(true);
    await asMaintainer((trx) => sql`UPDATE audit_log SET action = 'maintained'`.execute(trx));
    expect((await rows()).map((r) => r.action)).toEqual(['maintained', 'maintained', 'maintained']);
    // The role switch ended with the transaction: the pool's connection is refused again.
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe('keyed chain', () => {
  it('signs new rows with HMAC-SHA-256 under the key and names the key by its fingerprint', async () => {
    await append(2);
    const [first, second] = await rows();
    expect(first).toMatchObject({ hash_alg: 'hmac-sha256', key_id: auditKeyId(TEST_AUDIT_KEY), prev_hash: GENESIS_HASH });
    expect(second.prev_hash).toBe(first.hash);
    expect(first.hash).toBe(keyedAuditHash(fieldsOf(first, GENESIS_HASH), keyring.current));
    expect(first.hash).not.toBe(legacyAuditHash(fieldsOf(first, GENESIS_HASH)));
    // Another key does not verify it.
    const other = keyringOf(Buffer.alloc(32, 7));
    expect(await verifyAudit(db, { keyring: other, checkpointFile: null })).toMatchObject({ ok: false, firstBadSeq: first.seq, problem: 'unknown_key' });
  });

  it('a long chain (thousands of rows, read in pages) with checkpoints along the way verifies', async () => {
    const cps = checkpointer(500);
    for (let i = 0; i < 5; i++) {
      await append(500);
      expect(await cps.tick()).not.toBeNull();
    }
    await append(123); // past the last checkpoint: fine
    expect(await cps.tick()).toBeNull(); // neither 500 rows nor a day since the last one
    const result = await verify({ pageSize: 300 });
    expect(result).toMatchObject({ ok: true, checked: 2623, checkpoints: 5, checkpointsMatched: 5 });
    expect(result.headSeq).toBe((await rows()).at(-1)!.seq);
  }, 180_000);

  it('editing a row and recomputing every later hash with plain SHA-256 (no key) fails at that row', async () => {
    await append(10);
    const target = (await rows())[4].seq;
    await rewriteFrom(target, { withKey: false });
    expect(await verify({ withCheckpoints: false })).toMatchObject({ ok: false, firstBadSeq: target, problem: 'hash', checked: 4 });
  });

  it('…also when the rewritten rows are relabelled as legacy SHA-256 rows (a downgrade)', async () => {
    await append(10);
    const target = (await rows())[4].seq;
    await rewriteFrom(target, { withKey: false, relabelLegacy: true });
    expect(await verify({ withCheckpoints: false })).toMatchObject({ ok: false, firstBadSeq: target, problem: 'legacy_after_keyed' });
  });

  it('a whole chain rewritten as legacy rows contradicts the checkpoint', async () => {
    await append(10);
    const cp = await checkpoint();
    await rewriteFrom((await rows())[0].seq, { withKey: false, relabelLegacy: true });
    // Without the checkpoint this would pass: legacy rows alone form a valid prefix.
    expect((await verify({ withCheckpoints: false })).ok).toBe(true);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: cp.seq, problem: 'checkpoint_hash' });
  });

  it('verifies legacy SHA-256 rows from before the key as the prefix of the chain', async () => {
    // Rows as migration 0012 found them: plain SHA-256, no key id.
    const seqs = (await sql<{ seq: number }>`SELECT nextval('audit_log_seq_seq')::int8 AS seq FROM generate_series(1, 3)`.execute(db)).rows.map((r) => Number(r.seq));
    let prev = GENESIS_HASH;
    for (const seq of seqs) {
      const fields = { seq, at: clock.advanceMinutes(1), actorId: null, actorName: null, action: 'old.event', targetType: null, targetId: null, data: { seq }, ip: null, prevHash: prev };
      const hash = legacyAuditHash(fields);
      await db.insertInto('audit_log').values({ seq, at: fields.at, actor_id: null, actor_name: null, action: fields.action, target_type: null, target_id: null, data: JSON.stringify(fields.data), ip: null, prev_hash: prev, hash, hash_alg: 'sha256', key_id: null }).execute();
      prev = hash;
    }
    await append(3);
    expect(await verify()).toMatchObject({ ok: true, checked: 6 });
    // An edit of a legacy row still shows: its hash, then the first keyed row's link.
    await asMaintainer((trx) => sql`UPDATE audit_log SET data = '{"seq": 0}'::jsonb WHERE seq = ${seqs[1]}`.execute(trx));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: seqs[1], problem: 'hash' });
  });

  it('after a key rotation, rows of the retired key verify when its file is listed', async () => {
    await append(3);
    const newKey = Buffer.alloc(32, 9);
    configureAudit({ keyring: keyringOf(newKey, [TEST_AUDIT_KEY]) });
    try {
      await append(3);
    } finally {
      configureAudit({ keyring });
    }
    const all = await rows();
    expect(new Set(all.map((r) => r.key_id))).toEqual(new Set([auditKeyId(TEST_AUDIT_KEY), auditKeyId(newKey)]));
    expect(await verifyAudit(db, { keyring: keyringOf(newKey, [TEST_AUDIT_KEY]), checkpointFile: null })).toMatchObject({ ok: true, checked: 6 });
    expect(await verifyAudit(db, { keyring: keyringOf(newKey), checkpointFile: null })).toMatchObject({ ok: false, firstBadSeq: all[0].seq, problem: 'unknown_key' });
  });
});

describe('checkpoints outside the database', () => {
  it('deleting the newest rows (as a maintainer) is reported as truncation against the checkpoint', async () => {
    await append(10);
    const cp = await checkpoint();
    const all = await rows();
    await asMaintainer((trx) => sql`DELETE FROM audit_log WHERE seq > ${all[6].seq}`.execute(trx));
    // The chain that is left is perfectly consistent: only the checkpoint knows.
    expect((await verify({ withCheckpoints: false })).ok).toBe(true);
    const result = await verify();
    expect(result).toMatchObject({ ok: false, problem: 'truncated', firstBadSeq: cp.seq, headSeq: all[6].seq, checked: 7 });
    expect(result.reason?.en).toContain(`the log ends at row ${all[6].seq}`);
    expect(result.reason?.['zh-CN']).toContain('末尾的行被删除');
  });

  it('a checkpointed row that is gone while later rows exist is named', async () => {
    await append(5);
    const cp = await checkpoint();
    await append(5);
    // An insider with the key removes the checkpointed row and re-links its successor.
    const all = await rows();
    const idx = all.findIndex((r) => r.seq === cp.seq);
    await asMaintainer(async (trx) => {
      await sql`DELETE FROM audit_log WHERE seq = ${cp.seq}`.execute(trx);
      let prev = all[idx - 1].hash;
      for (const row of all.slice(idx + 1)) {
        const hash = keyedAuditHash(fieldsOf(row, prev), keyring.current);
        await sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${hash} WHERE seq = ${row.seq}`.execute(trx);
        prev = hash;
      }
    });
    expect((await verify({ withCheckpoints: false })).ok).toBe(true);
    expect(await verify()).toMatchObject({ ok: false, problem: 'checkpoint_missing', firstBadSeq: cp.seq });
  });

  it('editing a row and recomputing WITH the key, after a checkpoint covered it, fails against the checkpoint', async () => {
    await append(10);
    const cp = await checkpoint();
    await append(5);
    const target = (await rows())[3].seq;
    await rewriteFrom(target, { withKey: true });
    expect((await verify({ withCheckpoints: false })).ok).toBe(true); // the key alone cannot tell
    const result = await verify();
    expect(result).toMatchObject({ ok: false, problem: 'checkpoint_hash', firstBadSeq: cp.seq });
    expect(result.reason?.en).toMatch(/rewritten and re-signed/);
  });

  it('a checkpoint line changed without the key is refused', async () => {
    await append(4);
    await checkpoint();
    const [line] = fs.readFileSync(checkpointFile, 'utf8').trim().split('\n');
    const forged = { ...JSON.parse(line), seq: 1, count: 1 };
    fs.writeFileSync(checkpointFile, `${JSON.stringify(forged)}\n`);
    expect(readCheckpoints(checkpointFile, keyring).problem?.line).toBe(1);
    expect(await verify()).toMatchObject({ ok: false, problem: 'checkpoint_file' });
  });

  it('the checkpointer writes signed lines when due (K rows or N minutes), logs them, and says when the head went back', async () => {
    const cps = checkpointer(5, 30);
    expect(await cps.tick()).toBeNull(); // empty log: nothing to anchor
    await append(2);
    const first = await cps.tick(); // the first checkpoint is always due
    expect(first).toMatchObject({ count: 2, keyId: keyring.current.id });
    await append(2);
    expect(await cps.tick()).toBeNull(); // 2 rows, 2 minutes: not due
    clock.advanceMinutes(30);
    expect(await cps.tick()).toMatchObject({ count: 4 });
    await append(5);
    expect(await cps.tick()).toMatchObject({ count: 9 });
    expect(await cps.tick()).toBeNull(); // head unchanged
    const file = readCheckpoints(checkpointFile, keyring);
    expect(file.problem).toBeUndefined();
    expect(file.checkpoints.map((c) => c.count)).toEqual([2, 4, 9]);
    expect(fs.statSync(checkpointFile).mode & 0o777).toBe(0o600);
    expect(logged.filter((e) => e.level === 'info' && e.msg === 'audit checkpoint')).toHaveLength(3);

    // A new process picks up where the file ends, and notices a log that went back.
    const all = await rows();
    await asMaintainer((trx) => sql`DELETE FROM audit_log WHERE seq > ${all[2].seq}`.execute(trx));
    expect(await checkpointer(5, 30).tick(true)).toBeNull();
    expect(logged.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual([expect.stringMatching(/behind its last checkpoint/)]);
  });

  it('/metrics shows the head seq and a prefix of its hash', async () => {
    const t = await createTestApp({ kind: 'empty' });
    try {
      configureAudit({ keyring });
      const tx = t.database.db;
      await tx.transaction().execute((trx) => appendAudit(trx, t.clock, { action: 'test.metrics' }));
      const head = await tx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.body).toContain(`fengqiao_audit_head_seq ${head.seq}`);
      expect(res.body).toContain(`fengqiao_audit_head_info{seq="${head.seq}",hash="${head.hash.slice(0, 16)}"} 1`);
    } finally {
      await t.close();
    }
  });
});

describe('the audit key', () => {
  const envFor = (extra: NodeJS.ProcessEnv) => loadConfig({ NODE_ENV: 'development', FENGQIAO_DATA_DIR: path.join(tmp, `data-${++fileNo}`), ...extra });

  it('is hex or base64 of at least 32 bytes', () => {
    const hex = 'ab'.repeat(32);
    expect(decodeAuditKey('K', hex)).toEqual(Buffer.from(hex, 'hex'));
    expect(decodeAuditKey('K', Buffer.alloc(32, 1).toString('base64'))).toEqual(Buffer.alloc(32, 1));
    expect(() => decodeAuditKey('K', 'ab'.repeat(31))).toThrow(ConfigError);
    expect(() => decodeAuditKey('K', 'not a key!')).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ FENGQIAO_AUDIT_KEY: 'short' })).toThrow(/FENGQIAO_AUDIT_KEY/);
    expect(() => loadConfig({ FENGQIAO_AUDIT_KEY: hex, FENGQIAO_AUDIT_KEY_FILE: '/k' })).toThrow(/not both/);
  });

  it('is refused missing on PostgreSQL in production, with a message saying what to set', () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/fengqiao' });
    expect(() => loadAuditKeyring(config, { create: true })).toThrow(/FENGQIAO_AUDIT_KEY.*FENGQIAO_AUDIT_KEY_FILE.*outside the database/s);
    const given = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/fengqiao', FENGQIAO_AUDIT_KEY: 'cd'.repeat(32) });
    expect(loadAuditKeyring(given).current).toEqual(auditKey(Buffer.from('cd'.repeat(32), 'hex')));
  });

  it('embedded: created beside the data directory (not in it) with mode 0600, then reused; verification never creates one', () => {
    const config = envFor({});
    const file = defaultAuditKeyFile(config.dataDir);
    expect(file).toBe(`${config.dataDir}.audit-key`);
    expect(() => loadAuditKeyring(config)).toThrow(/no audit key/);
    expect(fs.existsSync(file)).toBe(false);
    const created = loadAuditKeyring(config, { create: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadAuditKeyring(config).current).toEqual(created.current);
    expect(config.audit.checkpointFile).toBe(`${config.dataDir}.audit-checkpoints.jsonl`);
  });

  it('from a key file, with retired keys for verification; the fixed test key under NODE_ENV=test', () => {
    const keyFile = path.join(tmp, 'k1');
    const oldFile = path.join(tmp, 'k0');
    fs.writeFileSync(keyFile, `${'11'.repeat(32)}\n`);
    fs.writeFileSync(oldFile, Buffer.alloc(32, 2).toString('base64'));
    const ring = loadAuditKeyring(envFor({ FENGQIAO_AUDIT_KEY_FILE: keyFile, FENGQIAO_AUDIT_OLD_KEY_FILES: oldFile }));
    expect(ring.current.key).toEqual(Buffer.from('11'.repeat(32), 'hex'));
    expect([...ring.byId.keys()]).toEqual([auditKeyId(ring.current.key), auditKeyId(Buffer.alloc(32, 2))]);
    expect(() => loadAuditKeyring(envFor({ FENGQIAO_AUDIT_KEY_FILE: path.join(tmp, 'missing') }))).toThrow(/cannot read the audit key file/);
    const test = loadConfig({ NODE_ENV: 'test' });
    expect(loadAuditKeyring(test).current.key).toEqual(TEST_AUDIT_KEY);
    expect(test.audit.checkpointFile).toBeUndefined();
  });
});
