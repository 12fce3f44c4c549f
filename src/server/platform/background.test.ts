/**
 * The typed writers of platform/background.ts, the only way modules write timers and outbox messages: a payload
 * that fails its kind's or topic's schema fails where it is produced and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import {
  EMPTY_PAYLOAD, enqueueMessages, enqueueTopic, outboxTopic, scheduleTimer, scheduleTimers, timerInput, timerInserts, timerKind, topicMessage,
} from './background.js';
import type { AppContext } from './context.js';
import { inTransaction } from './tx.js';

let t: TestApp;
let ctx: AppContext;
beforeAll(async () => {
  t = await createTestApp({ kind: 'empty' });
  ctx = t.app.ctx;
});
afterAll(async () => t.close());
beforeEach(async () => {
  await ctx.db.deleteFrom('timers').execute();
  await ctx.db.deleteFrom('outbox').execute();
});

const PING = timerKind('test.ping', Type.Object({ n: Type.Integer({ minimum: 0 }) }));
const TICK = timerKind('test.tick', EMPTY_PAYLOAD);
const NOTE = outboxTopic('test.note', Type.Object({ text: Type.String({ minLength: 1 }) }));

/** Bypasses the types, as a producer's bug (a value read from elsewhere, a cast) would. */
const unchecked = <T>(value: unknown) => value as T;

describe('scheduling a timer of a kind', () => {
  it('writes the timer with its payload, once per (kind, subject, due time)', async () => {
    const subjectId = randomUUID();
    const dueAt = new Date(ctx.clock.now().getTime() + 60_000);
    const now = ctx.clock.now();
    expect(await scheduleTimer(ctx.db, PING, { subjectId, dueAt, payload: { n: 1 }, now })).toBe(true);
    expect(await scheduleTimer(ctx.db, PING, { subjectId, dueAt, payload: { n: 1 }, now })).toBe(false);
    expect(await scheduleTimer(ctx.db, TICK, { subjectId, dueAt, now })).toBe(true);
    const rows = await ctx.db.selectFrom('timers').select(['kind', 'subject_id', 'payload']).orderBy('id').execute();
    expect(rows).toEqual([
      { kind: 'test.ping', subject_id: subjectId, payload: { n: 1 } },
      { kind: 'test.tick', subject_id: subjectId, payload: {} },
    ]);
  });

  it('refuses a payload that fails the kind’s schema, in the producer’s transaction, and writes nothing', async () => {
    const input = { subjectId: randomUUID(), dueAt: ctx.clock.now(), now: ctx.clock.now() };
    await expect(
      inTransaction(ctx, (trx) => scheduleTimer(trx, PING, { ...input, payload: unchecked<{ n: number }>({ n: -1 }) })),
    ).rejects.toThrow(/invalid test\.ping payload: \/n/);
    expect(() => timerInput(PING, { ...input, payload: unchecked<{ n: number }>({}) })).toThrow(/invalid test\.ping payload/);
    expect(await ctx.db.selectFrom('timers').select('id').execute()).toEqual([]);
  });

  it('writes several checked timers in one call, and gives intake their rows with repeats dropped', async () => {
    const subjectId = randomUUID();
    const now = ctx.clock.now();
    const dueAt = new Date(now.getTime() + 60_000);
    const timers = [
      timerInput(PING, { subjectId, dueAt, payload: { n: 1 }, now }),
      timerInput(PING, { subjectId, dueAt, payload: { n: 2 }, now }),
      timerInput(TICK, { subjectId, dueAt, now }),
    ];
    expect(timerInserts(timers).map((r) => [r.kind, r.payload])).toEqual([['test.ping', '{"n":1}'], ['test.tick', '{}']]);
    expect(await scheduleTimers(ctx.db, timers)).toBe(2);
    expect(await scheduleTimers(ctx.db, [])).toBe(0);
  });
});

describe('enqueueing a message of a topic', () => {
  it('writes checked messages and returns their ids', async () => {
    const now = ctx.clock.now();
    const one = await enqueueTopic(ctx.db, NOTE, { text: 'one' }, now);
    const more = await enqueueMessages(ctx.db, [topicMessage(NOTE, { text: 'two' }, now), topicMessage(NOTE, { text: 'three' }, now)]);
    expect(await enqueueMessages(ctx.db, [])).toEqual([]);
    const rows = await ctx.db.selectFrom('outbox').select(['id', 'topic', 'payload']).orderBy('id').execute();
    expect(rows.map((r) => r.id).sort()).toEqual([one, ...more].sort());
    expect(rows.map((r) => [r.topic, r.payload])).toEqual([
      ['test.note', { text: 'one' }],
      ['test.note', { text: 'two' }],
      ['test.note', { text: 'three' }],
    ]);
  });

  it('refuses a payload that fails the topic’s schema and writes nothing', async () => {
    const bad = unchecked<{ text: string }>({ text: '' });
    await expect(inTransaction(ctx, (trx) => enqueueTopic(trx, NOTE, bad, ctx.clock.now()))).rejects.toThrow(/invalid test\.note payload: \/text/);
    expect(() => topicMessage(NOTE, bad, ctx.clock.now())).toThrow(/invalid test\.note payload/);
    expect(await ctx.db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });
});
