/**
 * `serve --workers N` as an operator runs it: a real supervisor process with
 * real server processes on one port, on PostgreSQL (the only engine it allows).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './db/database.js';
import { ConfigError, loadConfig } from './config.js';
import { freePort } from './testing/free-port.js';
import { openTestDatabase } from './testing/test-db.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/fengqiao.js');

describe('workers setting', () => {
  it('defaults to one process and refuses several on the embedded database or with the test clock', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }, { workers: '3' }).workers).toBe(3);
    expect(() => loadConfig({}, { workers: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { workers: '2' })).toThrow(/PostgreSQL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }, { workers: '2', testClock: true })).toThrow(/test-clock/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }, { workers: '0' })).toThrow(ConfigError);
  });
});


function get(port: number, url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    // A connection handed to a worker at the moment it dies may never be answered: count it as a failure.
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The pids of `pid`'s child processes that are Fengqiao servers (tsx also starts an esbuild helper). */
function children(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('fengqiao.js serve'))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

let output = '';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server output:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Three processes start tsx and compile the server each: slow while the rest of the suite runs beside them.
describe.skipIf(!process.env.DATABASE_URL)('serve --workers on PostgreSQL', { timeout: 300_000 }, () => {
  let database: Database;
  let supervisor: ChildProcess;
  beforeAll(async () => {
    database = await openTestDatabase('demo', 2);
  });
  afterAll(async () => {
    if (supervisor && supervisor.exitCode === null) supervisor.kill('SIGKILL');
    await database.close();
  });

  it('serves from N processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    supervisor = spawn(process.execPath, [bin, 'serve', '--workers', '2', '--host', '127.0.0.1', '--port', String(port)], {
      env: { ...process.env, DATABASE_URL: database.pool.options.connectionString, LOG_LEVEL: 'warn', NODE_ENV: 'production', FENGQIAO_AUDIT_KEY: 'a1'.repeat(32) },
    });
    supervisor.stdout!.on('data', (d) => (output += d));
    supervisor.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => supervisor.on('exit', (code) => resolve(code)));
    await until('both workers listening', () => (output.includes('with 2 server processes') ? true : undefined), 120_000);
    const pid = supervisor.pid!;
    const first = children(pid);
    expect(first).toHaveLength(2);
    // Both processes answer on the one port (connections are dealt round-robin).
    const statuses = await Promise.all(Array.from({ length: 8 }, () => get(port, '/readyz')));
    expect(statuses).toEqual(Array(8).fill(200));

    // A worker that dies is replaced; the port keeps answering meanwhile (from the survivor).
    process.kill(first[0]!, 'SIGKILL');
    await until('an answer while one worker is down', async () => ((await get(port, '/readyz')) === 200 ? true : undefined));
    const replaced = await until('a replacement worker', () => {
      const now = children(pid);
      return now.length === 2 && !now.includes(first[0]!) ? now : undefined;
    });
    expect(replaced).toContain(first[1]);
    await until('the replacement to answer', async () => ((await get(port, '/readyz')) === 200 && output.match(/exited \(SIGKILL\); starting another/) ? true : undefined));

    supervisor.kill('SIGTERM');
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the supervisor did not exit; output:\n${output.slice(-3000)}`)), 60_000).unref());
    expect(await Promise.race([exited, timeout])).toBe(0);
    expect(children(pid)).toEqual([]);
    for (const worker of replaced) expect(() => process.kill(worker, 0)).toThrow();
  });
});
