import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { AppContext } from './context.js';
import { PermanentJobError, retryDelayMs } from './jobs.js';
import { enqueueRaw } from './outbox.internal.js';
import { cancelTimers, createTimerSweeper, TIMER_RETRY, type TimerHandlers } from './timers.js';
import { scheduleRawTimer } from './timers.internal.js';
import { inTransaction } from './tx.js';

let t: TestApp;
let ctx: AppContext;
beforeAll(async () => {
  t = await createTestApp({ kind: 'empty' });
  ctx = t.app.ctx;
});
afterAll(async () => t.close());
// A sweeper claims every due timer whatever its kind: start each test from empty tables.
beforeEach(async () => {
  await ctx.db.deleteFrom('timers').execute();
  await ctx.db.deleteFrom('outbox').execute();
});

const isPostgres = () => t.database.engine === 'postgres';

/** Schedules timers due now (in their own committed transaction). */
async function scheduleDue(kind: string, count: number, dueAt = ctx.clock.now()): Promise<string[]> {
  const subjects = Array.from({ length: count }, () => randomUUID());
  await inTransaction(ctx, async (trx) => {
    for (const subjectId of subjects) await scheduleRawTimer(trx, { kind, subjectId, dueAt, now: ctx.clock.now() });
  });
  return subjects;
}

/** Effects a handler wrote (as outbox rows of topic `effect.<kind>`), by subject. */
async function effects(kind: string): Promise<string[]> {
  const rows = await ctx.db.selectFrom('outbox').select('payload').where('topic', '=', `effect.${kind}`).execute();
  return rows.map((r) => String(r.payload.subjectId)).sort();
}

async function timersOf(kind: string) {
  return ctx.db.selectFrom('timers').selectAll().where('kind', '=', kind).orderBy('id').execute();
}

describe('scheduleRawTimer / cancelTimers', () => {
  it('is idempotent per (kind, subject, due time) and revives a cancelled timer', async () => {
    const subjectId = randomUUID();
    const dueAt = new Date(ctx.clock.now().getTime() + 60_000);
    const now = ctx.clock.now();
    expect(await scheduleRawTimer(ctx.db, { kind: 'test.idem', subjectId, dueAt, now })).toBe(true);
    expect(await scheduleRawTimer(ctx.db, { kind: 'test.idem', subjectId, dueAt, now })).toBe(false);
    expect(await timersOf('test.idem')).toHaveLength(1);

    expect(await cancelTimers(ctx.db, subjectId, now)).toBe(1);
    expect(await cancelTimers(ctx.db, subjectId, now)).toBe(0);
    // Cancel-then-reschedule onto the same deadline (a resync) must leave a live timer.
    expect(await scheduleRawTimer(ctx.db, { kind: 'test.idem', subjectId, dueAt, now, payload: { v: 2 } })).toBe(true);
    const [row] = await timersOf('test.idem');
    expect(row.cancelled_at).toBeNull();
    expect(row.payload).toEqual({ v: 2 });
  });

  it('cancels only the given kinds of the given subject; an empty kind list cancels nothing', async () => {
    const s = randomUUID();
    const other = randomUUID();
    const dueAt = ctx.clock.now();
    const now = ctx.clock.now();
    for (const kind of ['test.cancel.a', 'test.cancel.b']) await scheduleRawTimer(ctx.db, { kind, subjectId: s, dueAt, now });
    await scheduleRawTimer(ctx.db, { kind: 'test.cancel.a', subjectId: other, dueAt, now });

    expect(await cancelTimers(ctx.db, s, now, [])).toBe(0);
    expect(await cancelTimers(ctx.db, s, now, ['test.cancel.a'])).toBe(1);
    expect(await cancelTimers(ctx.db, s, now)).toBe(1);

    const fired: string[] = [];
    const handler = async (_trx: unknown, _ctx: unknown, timer: { subject_id: string; kind: string }) => void fired.push(`${timer.kind}:${timer.subject_id}`);
    const sweep = createTimerSweeper({ 'test.cancel.a': handler, 'test.cancel.b': handler });
    expect(await sweep(ctx)).toBe(1);
    t.clock.advanceMinutes(24 * 60);
    expect(await sweep(ctx)).toBe(0);
    expect(fired).toEqual([`test.cancel.a:${other}`]);
  });
});

describe('timer sweeper', () => {
  it('fires each due timer exactly once when two sweepers run at the same time', async () => {
    const kind = 'test.once';
    const subjects = await scheduleDue(kind, 24);
    const calls = new Map<string, number>();
    const handlers: TimerHandlers = {
      [kind]: async (trx, c, timer) => {
        calls.set(timer.subject_id, (calls.get(timer.subject_id) ?? 0) + 1);
        // Widen the window in which the other sweeper looks for work while this row is held.
        await sql`SELECT pg_sleep(0.002)`.execute(trx);
        await enqueueRaw(trx, `effect.${kind}`, { subjectId: timer.subject_id }, c.clock.now());
      },
    };
    // Two independent sweepers, as two server processes would have; small batches so they keep competing.
    const a = createTimerSweeper(handlers, 5);
    const b = createTimerSweeper(handlers, 5);
    let total = 0;
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([a(ctx), b(ctx)]);
      total += x + y;
      if (x + y === 0) break;
    }
    expect(total).toBe(subjects.length);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect([...calls.keys()].sort()).toEqual([...subjects].sort());
    expect(await effects(kind)).toEqual([...subjects].sort());
    const rows = await timersOf(kind);
    expect(rows.every((r) => r.fired_at !== null && r.attempts === 0)).toBe(true);
  });

  it.skipIf(!process.env.DATABASE_URL)('on PostgreSQL a sweeper skips a timer another one is firing (SKIP LOCKED)', async () => {
    expect(isPostgres()).toBe(true);
    const kind = 'test.locked';
    const [subject] = await scheduleDue(kind, 1);
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const releaseP = new Promise<void>((r) => (release = r));
    let calls = 0;
    const slow = createTimerSweeper({
      [kind]: async (trx, c, timer) => {
        calls++;
        await enqueueRaw(trx, `effect.${kind}`, { subjectId: timer.subject_id }, c.clock.now());
        started();
        await releaseP;
      },
    });
    const eager = createTimerSweeper({ [kind]: async () => void calls++ });
    const first = slow(ctx);
    await startedP;
    // The row is locked by the first sweeper's open transaction: the second must neither wait nor fire it.
    expect(await eager(ctx)).toBe(0);
    release();
    expect(await first).toBe(1);
    expect(await eager(ctx)).toBe(0);
    expect(calls).toBe(1);
    expect(await effects(kind)).toEqual([subject]);
  });

  it('rolls back a failing handler, records the error, and retries after a backoff with the original due time', async () => {
    const kind = 'test.flaky';
    const [subject] = await scheduleDue(kind, 1);
    const [before] = await timersOf(kind);
    let fail = true;
    const afterCommits: string[] = [];
    const sweep = createTimerSweeper({
      [kind]: async (trx, c, timer, afterCommit) => {
        await enqueueRaw(trx, `effect.${kind}`, { subjectId: timer.subject_id }, c.clock.now());
        afterCommit(() => void afterCommits.push(fail ? 'failed-run' : 'good-run'));
        if (fail) throw new Error('downstream unavailable');
      },
    });

    expect(await sweep(ctx)).toBe(1);
    expect(await effects(kind)).toEqual([]);
    expect(afterCommits).toEqual([]);
    const [failed] = await timersOf(kind);
    expect(failed.fired_at).toBeNull();
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toContain('downstream unavailable');
    expect(failed.retry_at!.getTime()).toBe(ctx.clock.now().getTime() + retryDelayMs(1, TIMER_RETRY));
    expect(failed.due_at.getTime()).toBe(before.due_at.getTime());

    // Not due again until the backoff has passed.
    expect(await sweep(ctx)).toBe(0);
    fail = false;
    t.clock.advanceMinutes(TIMER_RETRY.baseMs / 60_000 + 1);
    expect(await sweep(ctx)).toBe(1);
    expect(await effects(kind)).toEqual([subject]);
    expect(afterCommits).toEqual(['good-run']);
    const [fired] = await timersOf(kind);
    expect(fired.fired_at).not.toBeNull();
    expect(fired.last_error).toBeNull();
    expect(fired.due_at.getTime()).toBe(before.due_at.getTime());
  });

  it('backs off exponentially up to a cap, then gives up and keeps the error', async () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, { baseMs: 1000, capMs: 5000 }))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs(1000, TIMER_RETRY)).toBe(TIMER_RETRY.capMs);

    const kind = 'test.broken';
    await scheduleDue(kind, 1);
    let calls = 0;
    const sweep = createTimerSweeper({ [kind]: async () => { calls++; throw new Error('always broken'); } }, 100, { baseMs: 60_000, capMs: 120_000, maxAttempts: 3 });
    for (let i = 0; i < 6; i++) {
      await sweep(ctx);
      t.clock.advanceMinutes(3);
    }
    expect(calls).toBe(3);
    const [row] = await timersOf(kind);
    expect(row.attempts).toBe(3);
    expect(row.fired_at).not.toBeNull();
    expect(row.last_error).toContain('always broken');
  });

  it('gives up at once on a PermanentJobError', async () => {
    const kind = 'test.permanent';
    await scheduleDue(kind, 1);
    const sweep = createTimerSweeper({ [kind]: async () => { throw new PermanentJobError('bad payload'); } });
    expect(await sweep(ctx)).toBe(1);
    const [row] = await timersOf(kind);
    expect(row.attempts).toBe(1);
    expect(row.fired_at).not.toBeNull();
    expect(row.last_error).toContain('bad payload');
  });

  it('records a kind without a handler on the row instead of crashing, and retries it later', async () => {
    await scheduleDue('test.unhandled', 1);
    await scheduleDue('constructor', 1);
    const sweep = createTimerSweeper({});
    expect(await sweep(ctx)).toBe(2);
    for (const kind of ['test.unhandled', 'constructor']) {
      const [row] = await timersOf(kind);
      expect(row.fired_at).toBeNull();
      expect(row.attempts).toBe(1);
      expect(row.last_error).toContain(`no handler registered for timer kind "${kind}"`);
      expect(row.retry_at).not.toBeNull();
    }
  });

  it('marks a timer fired even when its handler re-syncs (cancels and reschedules) its own subject', async () => {
    const kind = 'test.resync';
    const [subject] = await scheduleDue(kind, 1);
    let calls = 0;
    const sweep = createTimerSweeper({
      [kind]: async (trx, c, timer) => {
        calls++;
        await cancelTimers(trx, timer.subject_id, c.clock.now());
        await scheduleRawTimer(trx, { kind: 'test.resync.next', subjectId: timer.subject_id, dueAt: new Date(c.clock.now().getTime() + 3_600_000), now: c.clock.now() });
      },
    });
    expect(await sweep(ctx)).toBe(1);
    expect(await sweep(ctx)).toBe(0);
    expect(calls).toBe(1);
    const [row] = await timersOf(kind);
    expect(row.fired_at).not.toBeNull();
    expect(row.cancelled_at).toBeNull();
    expect(row.last_error).toBeNull();
    const [next] = await timersOf('test.resync.next');
    expect(next.subject_id).toBe(subject);
    expect(next.fired_at).toBeNull();
  });

  it('handles at most batchSize timers per call and fires nothing that is not yet due', async () => {
    const kind = 'test.batch';
    await scheduleDue(kind, 5);
    await scheduleDue(kind, 2, new Date(ctx.clock.now().getTime() + 3_600_000));
    const sweep = createTimerSweeper({ [kind]: async () => undefined }, 2);
    expect(await sweep(ctx)).toBe(2);
    expect(await sweep(ctx)).toBe(2);
    expect(await sweep(ctx)).toBe(1);
    expect(await sweep(ctx)).toBe(0);
    const rows = await timersOf(kind);
    expect(rows.filter((r) => r.fired_at !== null)).toHaveLength(5);
  });
});
