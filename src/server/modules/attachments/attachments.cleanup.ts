/**
 * Uploads that never reach a case are deleted after a grace period
 * (security issue #13, finding 5): a verified resident could otherwise fill
 * the disk with files nobody ever looks at.
 *
 * Two steps, in this order, each durable:
 * 1. one transaction deletes a batch of orphan rows and queues one outbox
 *    message per deleted file (`attachments.delete_file`);
 * 2. the outbox sweeper removes each file after that commit, retrying with
 *    backoff until it succeeds (a file already gone counts as removed).
 * A crash between the two leaves a queued message and a file nobody can
 * reach any more, never a row pointing at a missing file: the row, which is
 * what cases and downloads see, goes first, and the message that finishes the
 * job commits with it. The reverse order (file, then row) could leave an
 * attachment that downloads 404 and that a case could still take.
 *
 * Safe with several server processes: rows are claimed `FOR UPDATE SKIP
 * LOCKED` and each is deleted by exactly one statement; linking and deleting
 * exclude each other (see `repo.deleteOrphans` and intake's
 * `attachments_all_linked` check, migration 0013).
 */
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../platform/context.js';
import { metricsOf } from '../../platform/metrics.js';
import { externalDeliverer } from '../../platform/outbox.js';
import { defineTopic, enqueueMessages, outboxTopic, topicMessage, type OutboxTopicDefinition } from '../../platform/background.js';
import type { Sweeper } from '../../platform/context.js';
import { inTransaction } from '../../platform/tx.js';
import * as repo from './attachments.repo.js';
import { ORPHAN_GRACE_MS, ORPHAN_SWEEP_BATCH } from './attachments.rules.js';
import { removeStoredFile } from './attachments.service.js';

/** The message that removes a deleted attachment's file. */
export const DeleteFilePayload = Type.Object({ attachmentId: Type.String(), storageKey: Type.String({ minLength: 1 }) }, { additionalProperties: false });
export type DeleteFilePayload = Static<typeof DeleteFilePayload>;
export const DELETE_FILE_TOPIC = outboxTopic('attachments.delete_file', DeleteFilePayload);
export const TOPIC_DELETE_FILE = DELETE_FILE_TOPIC.name;

/**
 * Deletes up to `limit` uploads that have been on no case for longer than the
 * grace period, queueing the removal of their files in the same transaction.
 * Returns how many were deleted (0 when none is due). Idempotent: a row is
 * deleted once; a second sweeper finds it locked or gone.
 */
export async function sweepOrphanUploads(ctx: AppContext, limit = ORPHAN_SWEEP_BATCH): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ORPHAN_GRACE_MS);
  const deleted = await inTransaction(ctx, async (trx) => {
    const rows = await repo.deleteOrphans(trx, cutoff, limit);
    if (rows.length > 0) {
      const messages = rows.map((r) => topicMessage(DELETE_FILE_TOPIC, { attachmentId: r.id, storageKey: r.storage_key }, now));
      await enqueueMessages(trx, messages);
    }
    return rows;
  });
  if (deleted.length > 0) {
    metricsOf(ctx)?.orphanUploadsDeleted.inc(deleted.length);
    ctx.log.info({ count: deleted.length, bytes: deleted.reduce((n, r) => n + r.size_bytes, 0) }, 'deleted uploads never put on a case');
  }
  return deleted.length;
}

/** The earliest time each context's sweep may find something new (see `orphanUploadSweeper`). */
const quietUntil = new WeakMap<AppContext, { checkedAt: number; until: number }>();

/**
 * The scheduler's (and the test clock's) entry: deletes orphans in bounded
 * batches, returning how many, so `runDueWork` repeats it until none is due.
 * When a batch comes back short, it asks when the oldest remaining orphan
 * falls due and stays quiet (no query at all) until then; an upload made later
 * falls due later still (late at most by the moments an upload in flight
 * takes to be recorded), so nothing due waits longer. The pause is only
 * this process's memory: the rows are the truth, so a restart, another
 * process or a clock set back simply looks again.
 */
export const orphanUploadSweeper: Sweeper = async (ctx) => {
  const now = ctx.clock.now().getTime();
  const quiet = quietUntil.get(ctx);
  if (quiet && now >= quiet.checkedAt && now < quiet.until) return 0;
  const deleted = await sweepOrphanUploads(ctx);
  if (deleted < ORPHAN_SWEEP_BATCH) {
    const oldest = await repo.oldestUnattachedAt(ctx.db);
    quietUntil.set(ctx, { checkedAt: now, until: (oldest ? Math.min(oldest.getTime(), now) : now) + ORPHAN_GRACE_MS });
  }
  return deleted;
};

/**
 * Removes the file of a deleted attachment. The file system is outside the
 * transaction, so this is an external deliverer (one message per
 * transaction, at least once); removing twice is harmless.
 */
export const attachmentTopics: readonly OutboxTopicDefinition[] = [
  defineTopic(
    DELETE_FILE_TOPIC,
    externalDeliverer(async (_trx, ctx, row) => {
      // The registry has checked the payload against DeleteFilePayload.
      await removeStoredFile(ctx, (row.payload as DeleteFilePayload).storageKey);
    }),
  ),
];
