/**
 * The CLI as an operator runs it: real processes on a real data directory.
 * The lock-file test is about the embedded engine, so this file runs on PGlite only.
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
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each CLI run boots PGlite in a fresh process: slow on a loaded 2-core machine, hence the long timeouts.
describe.skipIf(Boolean(process.env.DATABASE_URL))('fengqiao CLI on the embedded database', { timeout: 180_000 }, () => {
  it('a second server on the same data directory exits with a clear message', async () => {
    const first = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info' },
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      first.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Fengqiao ready')) resolve();
      });
      first.on('exit', (code) => reject(new Error(`first server exited (${code}): ${out}`)));
    });
    const second = await run(['serve', '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already in use by another Fengqiao process');
    expect(second.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    const exited = new Promise((resolve) => first.on('exit', resolve));
    first.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'fengqiao.lock'))).toBe(false);
  });

  it('imports org units, rejects a bad file whole, and audit verify catches a hand-edited row', async () => {
    const good = path.join(dataDir, 'units.csv');
    fs.writeFileSync(good, 'code,name,type,parent_code\nT,测试区,district,\nT.S,测试街道,subdistrict,T\n');
    const imported = await run(['org', 'import', good]);
    expect(imported.stdout).toContain('2 created');
    expect(imported.code).toBe(0);

    const bad = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(bad, 'code,name,type,parent_code\nT.C,社区,community,T.S\nT.D,,community,T.S\n');
    const rejected = await run(['org', 'import', bad]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('line 3');
    expect(rejected.stderr).toContain('"name"');

    const user = await run(['user', 'create', 'ops.admin', '--name', '运维', '--password', 'Secret123', '--role', 'district_admin@T']);
    expect(user.code).toBe(0);

    const intact = await run(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/intact: \d+ rows verified/);

    const database = await openDatabase({ dataDir });
    try {
      const codes = (await database.db.selectFrom('org_units').select('code').execute()).map((r) => r.code).sort();
      expect(codes).toEqual(['T', 'T.S']); // nothing of bad.csv
      await database.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL ROLE fengqiao_audit_maintainer`.execute(trx); // the only way past the append-only trigger
        await sql`UPDATE audit_log SET actor_name = 'someone-else' WHERE action = 'user.create'`.execute(trx);
      });
    } finally {
      await database.close();
    }
    const tampered = await run(['audit', 'verify']);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('TAMPERED');
  });
});
