/**
 * Builds the web bundles, starts `fengqiao serve --demo --test-clock` on a
 * free port with a throwaway data directory (always the embedded database:
 * DATABASE_URL is removed), waits until it is ready, and stops it afterwards.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The server's stdout and stderr, appended as they come (the development SMS sender logs one-time codes there). */
    serverLog: string;
  }
}

const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 150_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > timeoutMs) throw new Error(`server not ready after ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export default async function setup(project: TestProject) {
  fs.mkdirSync(path.join(root, 'artifacts/e2e'), { recursive: true });
  if (!process.env.E2E_SKIP_BUILD) {
    execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', FENGQIAO_LOGIN_RATE_LIMIT: '1000', FENGQIAO_PUBLIC_RATE_LIMIT: '1000' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(root, 'bin/fengqiao.js'), 'serve', '--demo', '--test-clock', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logFile = `${dataDir}.server.log`;
  fs.writeFileSync(logFile, '');
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    fs.appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitReady(baseUrl, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('serverLog', logFile);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(logFile, { force: true });
    if (process.env.E2E_SERVER_LOG) fs.writeFileSync(path.join(root, 'artifacts/e2e/server.log'), output);
  };
}
