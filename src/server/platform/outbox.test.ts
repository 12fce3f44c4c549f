import { sql, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { AppContext } from './context.js';
import { PermanentJobError, retryDelayMs } from './jobs.js';
import {
  batchDeliverer,
  createOutboxSweeper,
  externalDeliverer,
  OUTBOX_RETRY,
  type Deliverer,
  type OutboxRow,
} from './outbox.js';
import { enqueueRaw, insertOutboxQuery, outboxMessage } from './outbox.internal.js';
import { scheduleRawTimers } from './timers.internal.js';
import { inTransaction } from './tx.js';

let t: TestApp;
let ctx: AppContext;
beforeAll(async () => {
  t = await createTestApp({ kind: 'empty' });
  ctx = t.app.ctx;
});
afterAll(async () => t.close());
// A sweeper claims every pending row whatever its topic: start each test from an empty outbox.
beforeEach(async () => {
  await ctx.db.deleteFrom('outbox').execute();
});

const rowsOf = (topic: string) => ctx.db.selectFrom('outbox').selectAll().where('topic', '=', topic).orderBy('id').execute();

/** A deliverer that records which rows it saw. */
function recorder(): { deliver: Deliverer; seen: number[] } {
  const seen: number[] = [];
  return { seen, deliver: async (_trx, _ctx, row) => void seen.push(row.id) };
}

/** Counts the statements run through the database handle it is attached to. */
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

/**
 * A batch deliverer that writes one `test.effect` row per delivered row in ONE
 * statement and pushes after commit; it throws for a payload with `bad: true`.
 * Records the ids of each call (batch or single) and of each push.
 */
function batchRecorder(): { deliver: Deliverer; calls: number[][]; pushed: number[] } {
  const calls: number[][] = [];
  const pushed: number[] = [];
  const deliver = batchDeliverer(async (trx, c, rows, afterCommit) => {
    calls.push(rows.map((r) => r.id));
    await insertOutboxQuery(trx, rows.map((r) => outboxMessage('test.effect', { from: r.id }, c.clock.now()))).execute();
    afterCommit(() => void pushed.push(...rows.map((r) => r.id)));
    const bad = rows.find((r) => (r.payload as { bad?: boolean }).bad === true);
    if (bad) throw new Error(`row ${bad.id} is broken`);
  });
  return { deliver, calls, pushed };
}

const effectsOf = async () => (await rowsOf('test.effect')).map((r) => (r.payload as { from: number }).from).sort((p, q) => p - q);
const settle = (rows: OutboxRow[]) => rows.map((r) => [r.id, r.delivered_at !== null, r.attempts]);

describe('outbox', () => {
  it('never delivers a row enqueued in a transaction that rolled back', async () => {
    const { deliver, seen } = recorder();
    await expect(
      inTransaction(ctx, async (trx) => {
        await enqueueRaw(trx, 'test.msg', { n: 1 }, ctx.clock.now());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const committed = await inTransaction(ctx, (trx) => enqueueRaw(trx, 'test.msg', { n: 2 }, ctx.clock.now()));

    const sweep = createOutboxSweeper({ 'test.msg': deliver });
    expect(await sweep(ctx)).toBe(1);
    expect(await sweep(ctx)).toBe(0);
    expect(seen).toEqual([committed]);
    const rows = await rowsOf('test.msg');
    expect(rows.map((r) => r.payload)).toEqual([{ n: 2 }]);
    expect(rows[0].delivered_at).not.toBeNull();
  });

  it('reports its backlog on /metrics: messages due now and dead letters, not future or delivered ones', async () => {
    const now = ctx.clock.now();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await enqueueRaw(ctx.db, 'test.backlog', { i }, now));
    await enqueueRaw(ctx.db, 'test.backlog', { later: true }, now, { availableAt: new Date(now.getTime() + 60_000) });
    await ctx.db.updateTable('outbox').set({ delivered_at: now }).where('id', '=', ids[0]).execute();
    await ctx.db.updateTable('outbox').set({ failed_at: now, attempts: 8 }).where('id', '=', ids[1]).execute();
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('fengqiao_outbox_messages{state="due"} 2');
    expect(res.body).toContain('fengqiao_outbox_messages{state="dead"} 1');
    const dueBefore = Number(/^fengqiao_timers_due (\d+)$/m.exec(res.body)?.[1]);
    await scheduleRawTimers(ctx.db, [
      { kind: 'test.metrics', subjectId: '00000000-0000-4000-8000-000000000001', dueAt: new Date(now.getTime() - 1000), now },
      { kind: 'test.metrics', subjectId: '00000000-0000-4000-8000-000000000001', dueAt: new Date(now.getTime() + 3_600_000), now },
    ]);
    const after = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(after.body).toContain(`fengqiao_timers_due ${dueBefore + 1}`);
  });

  it('does not deliver before available_at', async () => {
    const { deliver, seen } = recorder();
    await enqueueRaw(ctx.db, 'test.later', {}, ctx.clock.now(), { availableAt: new Date(ctx.clock.now().getTime() + 10 * 60_000) });
    const sweep = createOutboxSweeper({ 'test.later': deliver });
    expect(await sweep(ctx)).toBe(0);
    t.clock.advanceMinutes(10);
    expect(await sweep(ctx)).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('delivers each row once when two sweepers run at the same time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await enqueueRaw(ctx.db, 'test.race', { i }, ctx.clock.now()));
    const { deliver, seen } = recorder();
    const a = createOutboxSweeper({ 'test.race': deliver }, 4);
    const b = createOutboxSweeper({ 'test.race': deliver }, 4);
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([a(ctx), b(ctx)]);
      if (x + y === 0) break;
    }
    expect([...seen].sort((p, q) => p - q)).toEqual(ids);
    expect((await rowsOf('test.race')).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('rolls back a failed delivery, backs off, retries, and keeps a dead letter after the last attempt', async () => {
    const id = await enqueueRaw(ctx.db, 'test.flaky', {}, ctx.clock.now());
    let calls = 0;
    const sweep = createOutboxSweeper(
      {
        'test.flaky': async (trx, c, row) => {
          calls++;
          // A database effect that must vanish with the failure.
          await enqueueRaw(trx, 'test.side-effect', { from: row.id }, c.clock.now());
          throw new Error(`gateway down #${calls}`);
        },
      },
      100,
      { baseMs: 60_000, capMs: 240_000, maxAttempts: 3 },
    );
    expect(await sweep(ctx)).toBe(1);
    let [row] = await rowsOf('test.flaky');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('gateway down #1');
    expect(row.available_at.getTime()).toBe(ctx.clock.now().getTime() + 60_000);
    expect(await rowsOf('test.side-effect')).toEqual([]);
    expect(await sweep(ctx)).toBe(0);

    for (let i = 0; i < 5; i++) {
      t.clock.advanceMinutes(5);
      await sweep(ctx);
    }
    expect(calls).toBe(3);
    [row] = await rowsOf('test.flaky');
    expect(row.id).toBe(id);
    expect(row.attempts).toBe(3);
    expect(row.failed_at).not.toBeNull();
    expect(row.delivered_at).toBeNull();
    expect(row.last_error).toContain('gateway down #3');
    expect(await rowsOf('test.side-effect')).toEqual([]);
  });

  it('uses exponential, capped backoff by default', () => {
    expect(retryDelayMs(1, OUTBOX_RETRY)).toBe(OUTBOX_RETRY.baseMs);
    expect(retryDelayMs(2, OUTBOX_RETRY)).toBe(2 * OUTBOX_RETRY.baseMs);
    expect(retryDelayMs(50, OUTBOX_RETRY)).toBe(OUTBOX_RETRY.capMs);
  });

  it('records an unknown topic as an error on the row; a permanent error dead-letters at once', async () => {
    await enqueueRaw(ctx.db, 'test.nobody', {}, ctx.clock.now());
    await enqueueRaw(ctx.db, 'test.hopeless', {}, ctx.clock.now());
    const sweep = createOutboxSweeper({ 'test.hopeless': async () => { throw new PermanentJobError('bad payload'); } });
    expect(await sweep(ctx)).toBe(2);
    const [unknown] = await rowsOf('test.nobody');
    expect(unknown.last_error).toContain('no deliverer registered for outbox topic "test.nobody"');
    expect(unknown.failed_at).toBeNull();
    const [hopeless] = await rowsOf('test.hopeless');
    expect(hopeless.failed_at).not.toBeNull();
    expect(hopeless.attempts).toBe(1);
  });

  it('delivers a batch in one transaction; a failing row rolls back only its own effects; pushes follow the commit', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueueRaw(ctx.db, 'test.batch', { i }, ctx.clock.now()));
    const txids = new Map<number, string>();
    const pushed: number[] = [];
    const sweep = createOutboxSweeper({
      'test.batch': async (trx, c, row, afterCommit) => {
        const { rows } = await sql<{ txid: string }>`SELECT txid_current()::text AS txid`.execute(trx);
        txids.set(row.id, rows[0].txid);
        await enqueueRaw(trx, 'test.side-effect', { from: row.id }, c.clock.now());
        afterCommit(async () => {
          // Runs after the commit: the mark is visible outside the transaction.
          const [mine] = await ctx.db.selectFrom('outbox').select('delivered_at').where('id', '=', row.id).execute();
          if (mine.delivered_at !== null) pushed.push(row.id);
        });
        if ((row.payload as { i: number }).i === 2) throw new Error('row 2 is broken');
      },
      'test.side-effect': async () => undefined,
    });
    expect(await sweep(ctx)).toBeGreaterThanOrEqual(5);
    // One transaction for the whole batch.
    expect(new Set(ids.map((id) => txids.get(id))).size).toBe(1);
    const rows = await rowsOf('test.batch');
    expect(rows.map((r) => [r.id, r.delivered_at !== null, r.attempts])).toEqual(ids.map((id, i) => [id, i !== 2, i === 2 ? 1 : 0]));
    expect(rows[2].last_error).toContain('row 2 is broken');
    const effects = (await rowsOf('test.side-effect')).map((r) => (r.payload as { from: number }).from);
    expect(effects).toEqual(ids.filter((_, i) => i !== 2));
    // The pushes start in order but run concurrently (each reads through its own connection
    // on PostgreSQL), so only which ones ran is checked, not the order they finished in.
    expect([...pushed].sort((a, b) => a - b)).toEqual(ids.filter((_, i) => i !== 2));
  });

  it('delivers external topics one row per transaction, interleaved with batches', async () => {
    const txids: string[] = [];
    const seen: string[] = [];
    const external = externalDeliverer(async (trx, _c, row) => {
      const { rows } = await sql<{ txid: string }>`SELECT txid_current()::text AS txid`.execute(trx);
      txids.push(rows[0].txid);
      seen.push(row.topic);
    });
    for (let i = 0; i < 3; i++) await enqueueRaw(ctx.db, 'test.sms', { i }, ctx.clock.now());
    for (let i = 0; i < 3; i++) await enqueueRaw(ctx.db, 'test.local', { i }, ctx.clock.now());
    const local = recorder();
    const sweep = createOutboxSweeper({ 'test.sms': external, 'test.local': local.deliver }, 100, OUTBOX_RETRY, 2);
    expect(await sweep(ctx)).toBe(6);
    expect(new Set(txids).size).toBe(3);
    expect(seen).toEqual(['test.sms', 'test.sms', 'test.sms']);
    expect(local.seen).toHaveLength(3);
    expect((await ctx.db.selectFrom('outbox').select('delivered_at').execute()).every((r) => r.delivered_at !== null)).toBe(true);
  });

  it('when a batch fails as a whole (here: at commit), retries its rows one by one and blames only the culprit', async () => {
    await sql`CREATE TABLE IF NOT EXISTS test_outbox_deferred (k int UNIQUE DEFERRABLE INITIALLY DEFERRED)`.execute(ctx.db);
    await sql`DELETE FROM test_outbox_deferred`.execute(ctx.db);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await enqueueRaw(ctx.db, 'test.commit', { i }, ctx.clock.now()));
    const sweep = createOutboxSweeper({
      'test.commit': async (trx, c, row) => {
        await enqueueRaw(trx, 'test.side-effect', { from: row.id }, c.clock.now());
        // Row 1 breaks a deferred constraint: its own statement succeeds, the COMMIT fails.
        if ((row.payload as { i: number }).i === 1) await sql`INSERT INTO test_outbox_deferred VALUES (1), (1)`.execute(trx);
      },
      'test.side-effect': async () => undefined,
    });
    await sweep(ctx);
    const rows = await rowsOf('test.commit');
    expect(rows.map((r) => [r.delivered_at !== null, r.attempts])).toEqual([[true, 0], [false, 1], [true, 0], [true, 0]]);
    expect(rows[1].last_error).toContain('test_outbox_deferred');
    const effects = (await rowsOf('test.side-effect')).map((r) => (r.payload as { from: number }).from);
    expect(effects).toEqual([ids[0], ids[2], ids[3]]);
  });

  it('has exactly-once database effects with two batch sweepers racing', async () => {
    const ids: number[] = [];
    await inTransaction(ctx, async (trx) => {
      for (let i = 0; i < 150; i++) ids.push(await enqueueRaw(trx, 'test.race2', { i }, ctx.clock.now()));
    });
    const deliver: Deliverer = async (trx, c, row) => {
      await enqueueRaw(trx, 'test.effect2', { from: row.id }, c.clock.now());
      if ((row.payload as { i: number }).i % 7 === 3) throw new Error('flaky');
    };
    const a = createOutboxSweeper({ 'test.race2': deliver, 'test.effect2': async () => undefined }, 100, OUTBOX_RETRY, 20);
    const b = createOutboxSweeper({ 'test.race2': deliver, 'test.effect2': async () => undefined }, 100, OUTBOX_RETRY, 20);
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([a(ctx), b(ctx)]);
      if (x + y === 0) break;
    }
    const rows = await rowsOf('test.race2');
    expect(rows.filter((r) => r.delivered_at !== null)).toHaveLength(150 - ids.filter((_, i) => i % 7 === 3).length);
    expect(rows.every((r) => (r.delivered_at === null) === (r.attempts === 1))).toBe(true);
    const effects = (await rowsOf('test.effect2')).map((r) => (r.payload as { from: number }).from).sort((p, q) => p - q);
    expect(effects).toEqual(rows.filter((r) => r.delivered_at !== null).map((r) => r.id));
  });
  it('delivers a batch all at once: a batch deliverer gets its rows in claim order in one call, others row by row', async () => {
    const many: number[] = [];
    const one: number[] = [];
    for (let i = 0; i < 12; i++) {
      if (i % 3 === 2) one.push(await enqueueRaw(ctx.db, 'test.one', { i }, ctx.clock.now()));
      else many.push(await enqueueRaw(ctx.db, 'test.many', { i }, ctx.clock.now()));
    }
    const batch = batchRecorder();
    const single = recorder();
    const counter = new QueryCounter();
    const sweep = createOutboxSweeper({ 'test.many': batch.deliver, 'test.one': single.deliver, 'test.effect': async () => undefined });
    expect(await sweep({ ...ctx, db: ctx.db.withPlugin(counter) })).toBe(12);
    // Claim, savepoint, the batch deliverer's one INSERT, one mark for all: no statement per row.
    expect(counter.count).toBe(4);
    expect(batch.calls).toEqual([many]);
    expect(single.seen).toEqual(one);
    expect(batch.pushed).toEqual(many);
    expect(await effectsOf()).toEqual(many);
    expect(settle(await rowsOf('test.many'))).toEqual(many.map((id) => [id, true, 0]));
    expect(settle(await rowsOf('test.one'))).toEqual(one.map((id) => [id, true, 0]));
  });

  it('when anything in a batch throws, rolls the batch back and delivers row by row: only the culprits fail, effects and pushes happen once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await enqueueRaw(ctx.db, 'test.many', { i, bad: i === 3 }, ctx.clock.now()));
    const stray = await enqueueRaw(ctx.db, 'test.nobody', {}, ctx.clock.now());
    const single = recorder();
    const lone = await enqueueRaw(ctx.db, 'test.one', {}, ctx.clock.now());
    const batch = batchRecorder();
    const sweep = createOutboxSweeper({ 'test.many': batch.deliver, 'test.one': single.deliver, 'test.effect': async () => undefined });
    expect(await sweep(ctx)).toBe(8);

    const good = ids.filter((_, i) => i !== 3);
    // The unknown topic stops the batch before any work; then every row alone.
    expect(batch.calls).toEqual(ids.map((id) => [id]));
    expect(single.seen).toEqual([lone]);
    expect(settle(await rowsOf('test.many'))).toEqual(ids.map((id, i) => [id, i !== 3, i === 3 ? 1 : 0]));
    expect((await rowsOf('test.many'))[3].last_error).toContain(`row ${ids[3]} is broken`);
    const [unknown] = await rowsOf('test.nobody');
    expect([unknown.id, unknown.delivered_at, unknown.attempts]).toEqual([stray, null, 1]);
    expect(unknown.last_error).toContain('no deliverer registered for outbox topic "test.nobody"');
    expect(await effectsOf()).toEqual(good);
    expect([...batch.pushed].sort((p, q) => p - q)).toEqual(good);

    // Without the unknown topic, the batch form runs first on all rows and is rolled back.
    await ctx.db.deleteFrom('outbox').execute();
    const again: number[] = [];
    for (let i = 0; i < 4; i++) again.push(await enqueueRaw(ctx.db, 'test.many', { i, bad: i === 1 }, ctx.clock.now()));
    const second = batchRecorder();
    expect(await createOutboxSweeper({ 'test.many': second.deliver, 'test.effect': async () => undefined })(ctx)).toBe(4);
    expect(second.calls).toEqual([again, ...again.map((id) => [id])]);
    expect(settle(await rowsOf('test.many'))).toEqual(again.map((id, i) => [id, i !== 1, i === 1 ? 1 : 0]));
    expect(await effectsOf()).toEqual(again.filter((_, i) => i !== 1));
    expect([...second.pushed].sort((p, q) => p - q)).toEqual(again.filter((_, i) => i !== 1));
  });

  it('claims batches larger than the savepoint budget for a batch deliverer; if one throws, every row goes alone in its own transaction', async () => {
    const ids: number[] = [];
    await inTransaction(ctx, async (trx) => {
      for (let i = 0; i < 120; i++) ids.push(await enqueueRaw(trx, 'test.many', { i }, ctx.clock.now()));
    });
    const clean = batchRecorder();
    expect(await createOutboxSweeper({ 'test.many': clean.deliver, 'test.effect': async () => undefined })(ctx)).toBe(120);
    expect(clean.calls).toEqual([ids]);
    expect(await effectsOf()).toEqual(ids);

    await ctx.db.deleteFrom('outbox').execute();
    const again: number[] = [];
    await inTransaction(ctx, async (trx) => {
      for (let i = 0; i < 120; i++) again.push(await enqueueRaw(trx, 'test.many', { i, bad: i === 70 }, ctx.clock.now()));
    });
    const broken = batchRecorder();
    expect(await createOutboxSweeper({ 'test.many': broken.deliver, 'test.effect': async () => undefined })(ctx)).toBe(120);
    expect(broken.calls).toEqual([again, ...again.map((id) => [id])]);
    expect(settle(await rowsOf('test.many'))).toEqual(again.map((id, i) => [id, i !== 70, i === 70 ? 1 : 0]));
    const good = again.filter((_, i) => i !== 70);
    expect(await effectsOf()).toEqual(good);
    expect([...broken.pushed].sort((p, q) => p - q)).toEqual(good);
  });

  it('has exactly-once database effects with two sweepers racing over a batch deliverer', async () => {
    const ids: number[] = [];
    await inTransaction(ctx, async (trx) => {
      for (let i = 0; i < 150; i++) ids.push(await enqueueRaw(trx, 'test.race3', { i, bad: i % 11 === 4 }, ctx.clock.now()));
    });
    const a = batchRecorder();
    const b = batchRecorder();
    const sweepA = createOutboxSweeper({ 'test.race3': a.deliver, 'test.effect': async () => undefined }, 100, OUTBOX_RETRY, 20);
    const sweepB = createOutboxSweeper({ 'test.race3': b.deliver, 'test.effect': async () => undefined }, 100, OUTBOX_RETRY, 20);
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([sweepA(ctx), sweepB(ctx)]);
      if (x + y === 0) break;
    }
    const rows = await rowsOf('test.race3');
    const good = ids.filter((_, i) => i % 11 !== 4);
    expect(rows.filter((r) => r.delivered_at !== null).map((r) => r.id)).toEqual(good);
    expect(rows.every((r) => (r.delivered_at === null) === (r.attempts === 1))).toBe(true);
    expect(await effectsOf()).toEqual(good);
    expect([...a.pushed, ...b.pushed].sort((p, q) => p - q)).toEqual(good);
  });
});
