import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { AppContext } from './context.js';
import { PermanentJobError, retryDelayMs } from './jobs.js';
import { createOutboxSweeper, enqueue, externalDeliverer, OUTBOX_RETRY, type Deliverer } from './outbox.js';
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

describe('outbox', () => {
  it('never delivers a row enqueued in a transaction that rolled back', async () => {
    const { deliver, seen } = recorder();
    await expect(
      inTransaction(ctx, async (trx) => {
        await enqueue(trx, 'test.msg', { n: 1 }, ctx.clock.now());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const committed = await inTransaction(ctx, (trx) => enqueue(trx, 'test.msg', { n: 2 }, ctx.clock.now()));

    const sweep = createOutboxSweeper({ 'test.msg': deliver });
    expect(await sweep(ctx)).toBe(1);
    expect(await sweep(ctx)).toBe(0);
    expect(seen).toEqual([committed]);
    const rows = await rowsOf('test.msg');
    expect(rows.map((r) => r.payload)).toEqual([{ n: 2 }]);
    expect(rows[0].delivered_at).not.toBeNull();
  });

  it('does not deliver before available_at', async () => {
    const { deliver, seen } = recorder();
    await enqueue(ctx.db, 'test.later', {}, ctx.clock.now(), { availableAt: new Date(ctx.clock.now().getTime() + 10 * 60_000) });
    const sweep = createOutboxSweeper({ 'test.later': deliver });
    expect(await sweep(ctx)).toBe(0);
    t.clock.advanceMinutes(10);
    expect(await sweep(ctx)).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('delivers each row once when two sweepers run at the same time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await enqueue(ctx.db, 'test.race', { i }, ctx.clock.now()));
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
    const id = await enqueue(ctx.db, 'test.flaky', {}, ctx.clock.now());
    let calls = 0;
    const sweep = createOutboxSweeper(
      {
        'test.flaky': async (trx, c, row) => {
          calls++;
          // A database effect that must vanish with the failure.
          await enqueue(trx, 'test.side-effect', { from: row.id }, c.clock.now());
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
    await enqueue(ctx.db, 'test.nobody', {}, ctx.clock.now());
    await enqueue(ctx.db, 'test.hopeless', {}, ctx.clock.now());
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
    for (let i = 0; i < 5; i++) ids.push(await enqueue(ctx.db, 'test.batch', { i }, ctx.clock.now()));
    const txids = new Map<number, string>();
    const pushed: number[] = [];
    const sweep = createOutboxSweeper({
      'test.batch': async (trx, c, row, afterCommit) => {
        const { rows } = await sql<{ txid: string }>`SELECT txid_current()::text AS txid`.execute(trx);
        txids.set(row.id, rows[0].txid);
        await enqueue(trx, 'test.side-effect', { from: row.id }, c.clock.now());
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
    for (let i = 0; i < 3; i++) await enqueue(ctx.db, 'test.sms', { i }, ctx.clock.now());
    for (let i = 0; i < 3; i++) await enqueue(ctx.db, 'test.local', { i }, ctx.clock.now());
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
    for (let i = 0; i < 4; i++) ids.push(await enqueue(ctx.db, 'test.commit', { i }, ctx.clock.now()));
    const sweep = createOutboxSweeper({
      'test.commit': async (trx, c, row) => {
        await enqueue(trx, 'test.side-effect', { from: row.id }, c.clock.now());
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
      for (let i = 0; i < 150; i++) ids.push(await enqueue(trx, 'test.race2', { i }, ctx.clock.now()));
    });
    const deliver: Deliverer = async (trx, c, row) => {
      await enqueue(trx, 'test.effect2', { from: row.id }, c.clock.now());
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
});
