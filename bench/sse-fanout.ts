/**
 * SSE fan-out benchmark: N big screens subscribed to GET /api/v1/dashboard/stream,
 * M case changes committed through the real intake service; latency is from
 * the commit (the first after-commit callback, where the service publishes)
 * to each subscriber's socket receiving the event.
 *
 *   bash .ci/with-postgres.sh npx tsx bench/sse-fanout.ts --subscribers 1000 --changes 100
 *
 * The server runs in this process (PostgreSQL: the event goes through
 * pg_notify and back over LISTEN, as between real server processes); the
 * subscribers run in a child process so their parsing does not share the
 * server's event loop. Clocks: both processes use performance.timeOrigin +
 * performance.now() (wall clock, sub-millisecond).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { loadActor } from '../src/server/platform/auth.js';
import { systemClock } from '../src/server/platform/clock.js';
import { createCase } from '../src/server/modules/cases/index.js';
import { seedDemo } from '../src/server/modules/demo/index.js';

const now = () => performance.timeOrigin + performance.now();
/** The 1, 5 and 15 minute load averages: the shared VM is busy with other work, which moves p99. */
const loadavg = () => `load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

type ToChild = { kind: 'done' };
type FromChild = { kind: 'ready'; open: number } | { kind: 'received'; key: string; at: number[] } | { kind: 'error'; message: string };

/** The subscribers: N SSE connections; reports each event's arrival times once every connection has it. */
async function runClients(url: string, n: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const arrivals = new Map<string, number[]>();
  let open = 0;
  const onEvent = (key: string, at: number) => {
    const list = arrivals.get(key) ?? [];
    list.push(at);
    arrivals.set(key, list);
    if (list.length === n) {
      process.send!({ kind: 'received', key, at: list } satisfies FromChild);
      arrivals.delete(key);
    }
  };
  const connect = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const at = now();
          if (!buffer && chunk.startsWith('retry:')) resolve();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            // Cheap extraction (no JSON.parse): the client's own work must not inflate the latency it measures.
            const name = /^event: (\S+)/m.exec(message)?.[1];
            const caseId = /"caseId":"([^"]+)"/.exec(message)?.[1];
            if (name && caseId) onEvent(`${name}:${caseId}`, at);
          }
        });
      });
      req.on('error', reject);
    });
  // Open in waves so the accept queue never overflows.
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, n - i) }, connect));
    open = Math.min(n, i + 100);
  }
  process.send!({ kind: 'ready', open } satisfies FromChild);
  process.on('message', (m: ToChild) => {
    if (m.kind === 'done') process.exit(0);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL (bash .ci/with-postgres.sh npx tsx bench/sse-fanout.ts)');
  const subscribers = arg('subscribers', 1000);
  const changes = arg('changes', 100);
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  await migrateToLatest(database.db);
  await seedDemo(database.db, { password: 'Demo@2026' });
  const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(database.db)).rows[0]!.v;
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' }, {});
  const app = await buildApp({ config, database, clock: systemClock, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district.admin', password: 'Demo@2026' } });
  const token = login.json<{ token: string }>().token;

  // The commit instant: services publish in their first after-commit callback, right after COMMIT returns.
  const committedAt = new Map<string, number>();
  const publish = app.ctx.realtime.publish.bind(app.ctx.realtime);
  app.ctx.realtime.publish = async (event) => {
    if (event.caseId) committedAt.set(`${event.name}:${event.caseId}`, now());
    return publish(event);
  };

  // The bus hands events to listeners in subscription order: this one runs before every stream's, so it
  // separates "commit → NOTIFY heard back" from "fan-out to the sockets → client".
  const heardAt = new Map<string, number>();
  app.ctx.realtime.subscribe((event) => {
    if (event.caseId) heardAt.set(`${event.name}:${event.caseId}`, now());
  });

  const child = fork(new URL(import.meta.url).pathname, ['--client', `${base}/api/v1/dashboard/stream?accessToken=${token}`, String(subscribers)], {
    execArgv: process.execArgv,
    stdio: 'inherit',
  });
  const latencies: number[] = [];
  let delivered = 0;
  const ready = new Promise<number>((resolve, reject) => {
    child.on('message', (m: FromChild) => {
      if (m.kind === 'ready') resolve(m.open);
      else if (m.kind === 'error') reject(new Error(m.message));
      else if (m.kind === 'received') {
        const t0 = committedAt.get(m.key);
        if (t0 === undefined) return;
        for (const at of m.at) latencies.push(at - t0);
        delivered++;
      }
    });
    child.on('exit', (code) => code && reject(new Error(`clients exited with ${code}`)));
  });
  const open = await ready;
  console.log(`${open} subscribers connected (${loadavg()})`);

  const admin = await database.db.selectFrom('users').select('id').where('username', '=', 'biyan.reception').executeTakeFirstOrThrow();
  const actor = (await loadActor(database.db, admin.id))!;
  for (let i = 0; i < changes; i++) {
    await createCase(app.ctx, { kind: 'staff', actor }, {
      channel: 'walk_in', category: 'labor.wage_arrears', title: `欠薪 ${i}`, description: '压测：工地欠薪',
      peopleInvolved: i % 5 === 0 ? 20 : 1, reporter: { name: '测试', phone: '13800000000' },
    });
    await new Promise((r) => setTimeout(r, 50));
  }
  const expected = committedAt.size;
  for (let waited = 0; delivered < expected && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  child.send({ kind: 'done' } satisfies ToChild);

  latencies.sort((a, b) => a - b);
  const bus = [...heardAt].map(([key, at]) => at - (committedAt.get(key) ?? at)).sort((a, b) => a - b);
  console.log(`\nPostgreSQL ${version} (realtime: ${app.ctx.realtime.mode}), ${open} subscribers, ${expected} events (${changes} cases), ${latencies.length} deliveries (expected ${expected * open}), ${loadavg()}\n`);
  console.log('| subscribers | events | deliveries | commit → subscriber p50 / p95 / **p99** / max ms | of which commit → NOTIFY heard back p50 / p99 ms |');
  console.log('|---:|---:|---:|---:|---:|');
  console.log(
    `| ${open} | ${expected} | ${latencies.length} | ${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 95).toFixed(1)} / **${percentile(latencies, 99).toFixed(1)}** / ${latencies.at(-1)!.toFixed(1)} | ${percentile(bus, 50).toFixed(1)} / ${percentile(bus, 99).toFixed(1)} |`,
  );
  await app.close();
  await database.close();
}

if (process.argv[2] === '--client') {
  runClients(process.argv[3]!, Number(process.argv[4])).catch((err) => {
    process.send?.({ kind: 'error', message: String(err) } satisfies FromChild);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
