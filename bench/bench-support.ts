/**
 * Plumbing the benchmarks share: start the real server as a child process on a
 * free loopback port, wait for it, log in, issue keep-alive HTTP requests, and
 * sample machine CPU so each figure comes with the load it was measured under.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerHandle {
  port: number;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Runs `node bin/fengqiao.js serve --demo` bound to 127.0.0.1. With
 * `dataDir` the server uses PGlite there; otherwise the caller's DATABASE_URL.
 * Its log goes to a temporary file (removed by `stop`), so a full pipe can never slow the server down.
 */
export async function startServer(opts: { dataDir?: string; logLevel: string; env?: Record<string, string>; nodeArgs?: string[]; serverArgs?: string[] }): Promise<ServerHandle> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `fengqiao-bench-server-${process.pid}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const args = [...(opts.nodeArgs ?? []), path.join(ROOT, 'bin/fengqiao.js'), 'serve', '--demo', '--host', '127.0.0.1', '--port', String(port)];
  if (opts.dataDir) args.push('--data-dir', opts.dataDir);
  args.push(...(opts.serverArgs ?? []));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: opts.logLevel, NODE_ENV: 'production',
    // A production server on PostgreSQL needs the audit key; a bench run has no secrets to keep.
    FENGQIAO_AUDIT_KEY: process.env.FENGQIAO_AUDIT_KEY ?? 'b2'.repeat(32), ...(opts.env ?? {}) };
  if (opts.dataDir) delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const started = performance.now();
  for (;;) {
    if (exited) throw new Error(`server exited during start-up; log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    if (performance.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error('server not ready within 180 s');
    }
    const ok = await getJson(port, '/readyz').then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    pid: child.pid!,
    logFile,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitedPromise;
      clearTimeout(timeout);
      if (!process.env.KEEP_LOG) fs.rmSync(logFile, { force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  body: string;
}

export function httpRequest(
  port: number,
  method: string,
  urlPath: string,
  opts: { agent?: http.Agent; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(opts.body);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: opts.agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Bounded: a hung request fails the run instead of stalling it.
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.end(opts.body);
  });
}

export function getJson(port: number, urlPath: string, token?: string): Promise<HttpResult> {
  return httpRequest(port, 'GET', urlPath, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

export async function login(port: number, username: string, password = process.env.FENGQIAO_DEMO_PASSWORD ?? 'Demo@2026'): Promise<string> {
  const res = await httpRequest(port, 'POST', '/api/v1/auth/login', { body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

/** Busy share of all CPUs between two readings of /proc/stat (Linux), in percent. */
export function cpuSampler(): () => number {
  const read = () => {
    try {
      const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = line[3] + (line[4] ?? 0);
      const total = line.reduce((a, b) => a + b, 0);
      return { idle, total };
    } catch {
      return { idle: 0, total: 0 };
    }
  };
  const start = read();
  return () => {
    const end = read();
    const total = end.total - start.total;
    return total > 0 ? Math.round((100 * (total - (end.idle - start.idle))) / total) : NaN;
  };
}

/** CPU seconds (user + system) a process has used so far (Linux), or NaN. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

/**
 * A fixed piece of CPU work (300,000 chained SHA-256 digests) timed on the wall clock. This VM's speed varies with
 * its host: the probe takes ~370 ms at normal speed and has been seen at 580–800 ms. Printed beside every result so
 * a figure can be read against the speed the machine had when it was taken.
 */
export function cpuProbe(): string {
  let digest = Buffer.alloc(32);
  const start = performance.now();
  for (let i = 0; i < 300_000; i++) digest = crypto.createHash('sha256').update(digest).digest();
  return `CPU probe ${(performance.now() - start).toFixed(0)} ms (≈370 ms at this VM's normal speed)`;
}

export function machineLine(): string {
  return `${os.cpus().length} CPU (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`;
}

/** CPU seconds used so far by the server: its process and its children (the workers of `serve --workers`). */
export function serverCpuSeconds(pid: number): number {
  return [...treeCpuSeconds(pid).values()].reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
}

/** CPU seconds used so far by a process and by each of its children (a PostgreSQL postmaster and its backends), by pid. */
export function treeCpuSeconds(rootPid: number): Map<number, number> {
  const out = new Map<number, number>([[rootPid, processCpuSeconds(rootPid)]]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cpu = ppid === rootPid ? processCpuSeconds(Number(entry)) : NaN;
      if (!Number.isNaN(cpu)) out.set(Number(entry), cpu);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU used between two readings; a process that ended in between is not counted (a lower bound). */
function treeDelta(start: Map<number, number>, end: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of end) total += cpu - (start.get(pid) ?? 0);
  return total;
}

/** The postmaster of the PostgreSQL server behind `pool` when it runs on this machine (its backends are its children). */
export async function postmasterPid(pool: { query(sql: string): Promise<{ rows: { pid: number }[] }> }): Promise<number | null> {
  const { rows } = await pool.query('SELECT pg_backend_pid() AS pid');
  try {
    const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * Where the machine's CPU went during a phase: the server, this load
 * generator, PostgreSQL, and everything else (other users of the machine).
 */
export function cpuBreakdown(serverPid: number | null, pgPid: number | null): () => string {
  const read = () => {
    const stat = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const usage = process.cpuUsage();
    return {
      busy: (stat.reduce((a, b) => a + b, 0) - stat[3] - (stat[4] ?? 0)) / 100,
      server: serverPid ? serverCpuSeconds(serverPid) : 0,
      self: (usage.user + usage.system) / 1e6,
      postgres: pgPid ? treeCpuSeconds(pgPid) : new Map<number, number>(),
      at: performance.now(),
    };
  };
  const start = read();
  return () => {
    const end = read();
    const secs = (end.at - start.at) / 1000;
    const cores = (a: number, b: number) => ((b - a) / secs).toFixed(2);
    const pgCpu = treeDelta(start.postgres, end.postgres);
    const other = end.busy - start.busy - (end.server - start.server) - (end.self - start.self) - pgCpu;
    return `CPU cores used: server ${serverPid ? cores(start.server, end.server) : '-'}, load generator ${cores(start.self, end.self)}, postgres ${pgPid ? (pgCpu / secs).toFixed(2) : '-'}, everything else ${(other / secs).toFixed(2)} (of ${os.cpus().length})`;
  };
}
