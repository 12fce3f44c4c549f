import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { AppContext } from './context.js';
import { PermanentJobError, retryDelayMs } from './jobs.js';
import { createOutboxSweeper, enqueue, OUTBOX_RETRY, type Deliverer } from './outbox.js';
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
});
