/**
 * `fengqiao audit verify` as an operator runs it: real processes on a real data
 * directory in development mode, so the key file is generated beside it and the
 * server writes checkpoints. Embedded engine only (like cli.test.ts), except the
 * production refusal, which never reaches a database.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/database.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fengqiao.js');
const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-audit-cli-'));
const dataDir = path.join(parent, 'data');
const keyFile = `${dataDir}.audit-key`;
const checkpointFile = `${dataDir}.audit-checkpoints.jsonl`;
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const devEnv = { DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'info', FENGQIAO_AUDIT_KEY: '', FENGQIAO_AUDIT_KEY_FILE: '', FENGQIAO_AUDIT_CHECKPOINT_FILE: '' };

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], { env: { ...process.env, ...devEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the server, waits for its first audit checkpoint, stops it with SIGTERM; returns its output. */
async function serveUntilCheckpoint(): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], { env: { ...process.env, ...devEnv } });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Fengqiao ready') && out.includes('"msg":"audit checkpoint"')) resolve();
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return out;
}

describe('fengqiao audit verify', { timeout: 400_000 }, () => {
  it('refuses to start on PostgreSQL in production without a key, naming the settings', async () => {
    const refused = await run(['serve', '--port', '0'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', NODE_ENV: 'production' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FENGQIAO_AUDIT_KEY');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))('exits 0 on an intact log, 1 with the first bad row and the reason after truncation', async () => {
    const units = path.join(parent, 'units.csv');
    fs.writeFileSync(units, 'code,name,type,parent_code\nT,测试区,district,\nT.S,测试街道,subdistrict,T\nT.C,测试社区,community,T.S\n');
    expect((await run(['org', 'import', units])).code).toBe(0);
    // The key was generated beside the data directory, readable by its owner only, and nothing key-like is inside it.
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir).filter((f) => /key/i.test(f))).toEqual([]);

    const more = path.join(parent, 'more.csv');
    fs.writeFileSync(more, 'code,name,type,parent_code\nT.D,另一社区,community,T.S\n');
    expect((await run(['org', 'import', more])).code).toBe(0);

    // The server anchors what the commands wrote as soon as it starts.
    const served = await serveUntilCheckpoint();
    expect(served).toMatch(/"auditCheckpoint":\{"seq":\d+,"hash":"[0-9a-f]{64}","at":"[^"]+","count":2/);
    const intact = await run(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('intact: 2 rows verified, 1 of 1 checkpoints matched');

    // A maintainer removes the newest row: the chain alone is consistent, the checkpoint is not.
    const database = await openDatabase({ dataDir });
    let removed: number;
    try {
      const newest = await database.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      removed = newest.seq;
      await database.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL ROLE fengqiao_audit_maintainer`.execute(trx);
        await sql`DELETE FROM audit_log WHERE seq = ${removed}`.execute(trx);
      });
    } finally {
      await database.close();
    }
    const truncated = await run(['audit', 'verify']);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain(`TAMPERED at row ${removed}`);
    expect(truncated.stderr).toContain('[truncated]');
    expect(truncated.stderr).toContain('rows were removed from the end');

    // --checkpoints names another file: an operator's off-site copy.
    const copy = path.join(parent, 'offsite.jsonl');
    fs.renameSync(checkpointFile, copy);
    const withCopy = await run(['audit', 'verify', '--checkpoints', copy]);
    expect(withCopy.code).toBe(1);
    expect(withCopy.stderr).toContain('[truncated]');

    // Verification never invents a key: without the one the log was signed with it stops with a message.
    fs.renameSync(keyFile, `${keyFile}.moved`);
    const noKey = await run(['audit', 'verify']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('no audit key');
    expect(noKey.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(keyFile)).toBe(false);
  });
});
