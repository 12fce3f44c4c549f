import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../testing/test-db.js';
import { enqueueRaw } from './outbox.internal.js';
import { inTransaction } from './tx.js';

let database: Database;
const logged: string[] = [];
const log = pino(
  { level: 'error' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  }),
);

beforeAll(async () => {
  database = await openTestDatabase('empty');
});
afterAll(async () => database.close());

const ctx = () => ({ db: database.db, log });
const now = new Date('2026-11-23T02:00:00Z');

async function outboxTopics(): Promise<string[]> {
  return (await database.db.selectFrom('outbox').select('topic').orderBy('id').execute()).map((r) => r.topic);
}

describe('inTransaction', () => {
  it('runs afterCommit callbacks after the commit, in order, and returns the work result', async () => {
    const seen: string[][] = [];
    const result = await inTransaction(ctx(), async (trx, afterCommit) => {
      await enqueueRaw(trx, 'tx.committed', {}, now);
      // Reads through the pool, not the transaction: it only sees the row once committed.
      afterCommit(async () => void seen.push(await outboxTopics()));
      afterCommit(() => void seen.push(['second']));
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual([['tx.committed'], ['second']]);
  });

  it('drops the callbacks and rethrows when the work fails; nothing is written', async () => {
    let ran = false;
    await expect(
      inTransaction(ctx(), async (trx, afterCommit) => {
        await enqueueRaw(trx, 'tx.rolled-back', {}, now);
        afterCommit(() => void (ran = true));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ran).toBe(false);
    expect(await outboxTopics()).not.toContain('tx.rolled-back');
  });

  it('logs a failing callback instead of failing the committed call, and still runs the next one', async () => {
    logged.length = 0;
    let next = false;
    const result = await inTransaction(ctx(), async (trx, afterCommit) => {
      await enqueueRaw(trx, 'tx.callback-fails', {}, now);
      afterCommit(() => {
        throw new Error('push failed');
      });
      afterCommit(() => void (next = true));
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(next).toBe(true);
    expect(await outboxTopics()).toContain('tx.callback-fails');
    expect(logged.join('')).toContain('push failed');
  });
});
