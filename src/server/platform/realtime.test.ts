import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../testing/test-db.js';
import { createRealtime, packEvents, REALTIME_CHANNEL, type Realtime, type RealtimeEvent } from './realtime.js';

const log = pino({ level: 'silent' });

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase('empty');
});
afterAll(async () => database.close());

/** Resolves with the first event named `name` that `bus` receives. */
function next(bus: Realtime, name: string): Promise<RealtimeEvent> {
  return new Promise((resolve) => {
    const stop = bus.subscribe((event) => {
      if (event.name !== name) return;
      stop();
      resolve(event);
    });
  });
}

/** Counts the queries run through the database handle it is attached to. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describe('packing events into notifications', () => {
  const event = (text: string) => ({ payload: text, bytes: Buffer.byteLength(text) });

  it('fills each notification up to the payload limit, in order', () => {
    const queue = Array.from({ length: 100 }, (_, i) => event(JSON.stringify({ name: 'e', data: { i, pad: 'x'.repeat(180) } })));
    const { packs, taken } = packEvents(queue, 1000);
    expect(taken).toBe(100);
    expect(packs.length).toBeGreaterThan(1);
    for (const p of packs) expect(Buffer.byteLength(p.payload)).toBeLessThanOrEqual(7900);
    expect(packs.flatMap((p) => JSON.parse(p.payload) as unknown[])).toEqual(queue.map((q) => JSON.parse(q.payload)));
  });

  it('stops a query before a notification identical to one it already carries, and at the notification limit', () => {
    const big = event(JSON.stringify({ name: 'same', data: { pad: 'y'.repeat(7000) } }));
    expect(packEvents([big, big, big], 1000)).toMatchObject({ taken: 1, packs: [{ count: 1 }] });
    const distinct = Array.from({ length: 5 }, (_, i) => event(JSON.stringify({ name: 'd', data: { i, pad: 'z'.repeat(7000) } })));
    expect(packEvents(distinct, 3).taken).toBe(3);
  });
});

describe('realtime bus', () => {
  it('delivers to every subscriber until it unsubscribes; a throwing listener does not stop the others', async () => {
    const bus = await createRealtime(database, log);
    try {
      const a: string[] = [];
      const b: string[] = [];
      bus.subscribe(() => {
        throw new Error('bad listener');
      });
      const stopA = bus.subscribe((e) => void a.push(e.name));
      bus.subscribe((e) => void b.push(e.name));
      const first = next(bus, 'one');
      await bus.publish({ name: 'one', orgPath: '/x/', data: { n: 1 } });
      expect(await first).toEqual({ name: 'one', orgPath: '/x/', data: { n: 1 } });
      stopA();
      const second = next(bus, 'two');
      await bus.publish({ name: 'two' });
      await second;
      expect(a).toEqual(['one']);
      expect(b).toEqual(['one', 'two']);
    } finally {
      await bus.close();
    }
  });

  it('rejects an event that breaks the SSE contract', async () => {
    const bus = await createRealtime(database, log);
    try {
      await expect(bus.publish({ name: 'has space' })).rejects.toThrow(/invalid realtime event/);
      const nested = { name: 'nested', data: { deep: { no: 1 } } } as unknown as RealtimeEvent;
      await expect(bus.publish(nested)).rejects.toThrow(/invalid realtime event/);
    } finally {
      await bus.close();
    }
  });

  it('delivers events published together in publish order, in one query on PostgreSQL, repeats included', async () => {
    const counter = new QueryCounter();
    const bus = await createRealtime({ ...database, db: database.db.withPlugin(counter) }, log);
    try {
      const seen: string[] = [];
      const all = new Promise<void>((resolve) => {
        bus.subscribe((e) => {
          if (!e.name.startsWith('burst.')) return;
          seen.push(`${e.name}:${String(e.data?.n)}`);
          if (seen.length === 7) resolve();
        });
      });
      const sent = [1, 2, 3, 4, 5].map((n) => bus.publish({ name: `burst.${n % 2 === 0 ? 'even' : 'odd'}`, data: { n } }));
      // An invalid event rejects on its own and does not hold back the others.
      const bad = bus.publish({ name: 'has space' });
      // An identical repeat is a separate delivery (packed in one array, nothing can fold it).
      sent.push(bus.publish({ name: 'burst.odd', data: { n: 5 } }), bus.publish({ name: 'burst.end', data: { n: 6 } }));
      await expect(bad).rejects.toThrow(/invalid realtime event/);
      await Promise.all(sent);
      await all;
      expect(seen).toEqual(['burst.odd:1', 'burst.even:2', 'burst.odd:3', 'burst.even:4', 'burst.odd:5', 'burst.odd:5', 'burst.end:6']);
      expect(counter.count).toBe(bus.mode === 'postgres' ? 1 : 0);
    } finally {
      await bus.close();
    }
  });

  it('delivers a burst larger than one notification whole and in order, in one query on PostgreSQL', async () => {
    const counter = new QueryCounter();
    const bus = await createRealtime({ ...database, db: database.db.withPlugin(counter) }, log);
    try {
      const total = 400;
      const seen: number[] = [];
      const all = new Promise<void>((resolve) => {
        bus.subscribe((e) => {
          if (e.name !== 'big.burst') return;
          seen.push(Number(e.data?.n));
          if (seen.length === total) resolve();
        });
      });
      // ≈140 bytes each: 400 of them need several 8 kB notifications.
      await Promise.all(
        Array.from({ length: total }, (_, n) => bus.publish({ name: 'big.burst', caseId: `case-${'x'.repeat(40)}`, orgPath: '/district/subdistrict/community/', data: { n } })),
      );
      await all;
      expect(seen).toEqual(Array.from({ length: total }, (_, n) => n));
      expect(counter.count).toBe(bus.mode === 'postgres' ? 1 : 0);
    } finally {
      await bus.close();
    }
  });

  it('is in-process on PGlite and LISTEN/NOTIFY on PostgreSQL', async () => {
    const bus = await createRealtime(database, log);
    expect(bus.mode).toBe(database.engine === 'postgres' ? 'postgres' : 'local');
    await bus.close();
  });

  it.skipIf(!process.env.DATABASE_URL)('on PostgreSQL fans out across processes and ignores foreign payloads on the channel', async () => {
    // Two buses on one database stand for two server processes.
    const one = await createRealtime(database, log);
    const two = await createRealtime(database, log);
    try {
      const seen: string[] = [];
      two.subscribe((e) => void seen.push(e.name));
      const arrived = next(two, 'case.updated');
      const echoed = next(one, 'case.updated');
      // A malformed message from some other session comes first and must be dropped.
      const stranger = new pg.Client(database.pool.options);
      await stranger.connect();
      try {
        await stranger.query('SELECT pg_notify($1, $2)', [REALTIME_CHANNEL, '{"name":"evil","data":{"x":{"y":1}}}']);
        await stranger.query('SELECT pg_notify($1, $2)', [REALTIME_CHANNEL, 'not json']);
        // In an array, the bad element is dropped and the good one still arrives.
        await stranger.query('SELECT pg_notify($1, $2)', [REALTIME_CHANNEL, '[{"name":"has space"},{"name":"from.array"}]']);
      } finally {
        await stranger.end();
      }
      await one.publish({ name: 'case.updated', caseId: 'c1', orgPath: '/a/b/', data: { status: 'accepted' } });
      expect(await arrived).toEqual({ name: 'case.updated', caseId: 'c1', orgPath: '/a/b/', data: { status: 'accepted' } });
      expect(await echoed).toMatchObject({ name: 'case.updated' });
      expect(seen).toEqual(['from.array', 'case.updated']);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('on PostgreSQL reconnects its LISTEN connection after losing it', async () => {
    const bus = await createRealtime(database, log);
    const admin = new pg.Client(database.pool.options);
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ${REALTIME_CHANNEL}'`,
      );
      expect(killed.rows).toEqual([{ ok: true }]);
      // Keep publishing until the re-established listener hears one (bounded by the test timeout).
      let heard = false;
      const arrived = next(bus, 'ping').then(() => (heard = true));
      while (!heard) {
        await bus.publish({ name: 'ping' });
        await Promise.race([arrived, new Promise((r) => setTimeout(r, 100))]);
      }
    } finally {
      await admin.end();
      await bus.close();
    }
  });
});
