/**
 * Uploads for cases (SPEC §9 photos and voice, §12 limits): staff with a
 * bearer token or residents with a phone verification token upload a file
 * before it is put on a case (intake, an action or the resident's "add
 * information"). The file is streamed to disk with its SHA-256, its type is
 * sniffed from the bytes, and only then is it moved into place and recorded.
 *
 * Reading: staff who can see the file's case; before it is on a case, only
 * its uploader. Everyone else gets 404, so ids cannot be probed.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { inTransaction } from '../../platform/tx.js';
import type { Actor } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { canSee } from '../cases/index.js';
import { phoneFingerprint } from '../public/index.js';
import * as repo from './attachments.repo.js';
import {
  MAX_UPLOAD_BYTES, RESIDENT_DAILY_MAX_BYTES, RESIDENT_DAILY_MAX_FILES, judgeDailyQuota, judgeUpload, safeFileName, shanghaiDay, storageKey,
} from './attachments.rules.js';

/** Who uploads or reads: a staff actor, or a resident proven by a verified phone. */
export type Party = { kind: 'staff'; actor: Actor } | { kind: 'resident'; phone: string };

export interface IncomingFile {
  stream: Readable;
  fileName: string | undefined;
  /** True when the stream was cut at the size limit. */
  truncated: () => boolean;
}

function uploadsRoot(ctx: AppContext): string {
  return path.join(ctx.config.dataDir, 'uploads');
}

/** The absolute path of a storage key, refusing anything that would leave the data directory. */
function resolveKey(ctx: AppContext, key: string): string {
  const root = path.resolve(ctx.config.dataDir);
  const full = path.resolve(root, key);
  if (!full.startsWith(root + path.sep)) throw new AppError('INTERNAL');
  return full;
}

const tooLarge = (limit: number) => new AppError('PAYLOAD_TOO_LARGE', {}, { limitBytes: limit });

/**
 * 429 when a resident's upload would pass today's allowance (count or bytes),
 * naming the limit and the next Shanghai midnight, when it starts again.
 * `size` is the measured file, or undefined before it is read.
 */
async function checkDailyQuota(ctx: AppContext, db: typeof ctx.db, phoneHash: string, now: Date, size?: number): Promise<void> {
  const day = shanghaiDay(now);
  const verdict = judgeDailyQuota(await repo.uploadsSince(db, phoneHash, day.start), size);
  if (verdict.ok) return;
  const limit =
    verdict.exceeded === 'files'
      ? l(`每天最多${RESIDENT_DAILY_MAX_FILES}个文件`, `${RESIDENT_DAILY_MAX_FILES} files a day`)
      : l(`每天最多${RESIDENT_DAILY_MAX_BYTES / (1024 * 1024)} MB`, `${RESIDENT_DAILY_MAX_BYTES / (1024 * 1024)} MB a day`);
  throw new AppError(
    'UPLOAD_QUOTA_EXCEEDED',
    { limit, retryAt: `${day.nextDate} 00:00` },
    {
      exceeded: verdict.exceeded, maxFiles: RESIDENT_DAILY_MAX_FILES, maxBytes: RESIDENT_DAILY_MAX_BYTES,
      retryAt: day.next.toISOString(), retryAfterSeconds: Math.max(1, Math.ceil((day.next.getTime() - now.getTime()) / 1000)),
    },
  );
}

/**
 * Refuses a resident whose allowance for today is used up, before the request
 * body is read: a phone at its limit cannot make the server store 20 MB first.
 * Staff uploads have no daily allowance (they are accountable by account).
 */
export async function checkUploadAllowance(ctx: AppContext, by: Party): Promise<void> {
  if (by.kind === 'resident') await checkDailyQuota(ctx, ctx.db, phoneFingerprint(by.phone), ctx.clock.now());
}

/**
 * Streams one upload to disk, sniffs and records it. A resident's upload is
 * counted against the phone's daily allowance with its measured size.
 */
export async function storeUpload(ctx: AppContext, by: Party, file: IncomingFile) {
  if (by.kind === 'staff') requireSomewhere(by.actor, 'case:read');
  const phoneHash = by.kind === 'resident' ? phoneFingerprint(by.phone) : null;
  const id = randomUUID();
  const tmpDir = path.join(uploadsRoot(ctx), 'tmp');
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${id}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  let moved = false;
  try {
    await pipeline(file.stream, measure, fs.createWriteStream(tmp, { flags: 'wx' }));
    if (file.truncated()) throw tooLarge(MAX_UPLOAD_BYTES);
    const sniffed = size > 0 ? await fileTypeFromFile(tmp) : undefined;
    const verdict = judgeUpload(sniffed?.mime, size);
    if (!verdict.ok) throw verdict.reason === 'too_large' ? tooLarge(verdict.limit ?? MAX_UPLOAD_BYTES) : new AppError('UNSUPPORTED_MEDIA_TYPE', {}, { allowed: 'jpeg png webp heic mp3 m4a amr wav pdf' });
    const now = ctx.clock.now();
    const key = storageKey(now, id);
    const final = resolveKey(ctx, key);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    await fs.promises.rename(tmp, final);
    moved = true;
    try {
      const values = {
        id,
        case_id: null,
        file_name: safeFileName(file.fileName, verdict.ext),
        mime_type: verdict.mime,
        size_bytes: size,
        sha256: hash.digest('hex'),
        storage_key: key,
        uploaded_by: by.kind === 'staff' ? by.actor.id : null,
        uploader_phone_hash: phoneHash,
        created_at: now,
      };
      if (!phoneHash) return await repo.insertAttachment(ctx.db, values);
      // Checked again with this file's size, under the phone's lock, in the insert's transaction:
      // parallel uploads of one phone cannot together pass the allowance.
      return await inTransaction(ctx, async (trx) => {
        await repo.lockUploader(trx, phoneHash);
        await checkDailyQuota(ctx, trx, phoneHash, now, size);
        return repo.insertAttachment(trx, values);
      });
    } catch (err) {
      await fs.promises.rm(final, { force: true });
      throw err;
    }
  } finally {
    if (!moved) await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * Removes a stored file; one already gone is fine (the removal is retried
 * until it succeeds once, and may have succeeded before a crash).
 */
export async function removeStoredFile(ctx: AppContext, key: string): Promise<void> {
  await fs.promises.rm(resolveKey(ctx, key), { force: true });
}

/** The attachment and its file, if this party may read it; otherwise 404. */
export async function openAttachment(ctx: AppContext, by: Party, id: string) {
  const row = await repo.findAttachment(ctx.db, id);
  if (!row) throw AppError.notFound('attachment');
  let allowed = false;
  if (by.kind === 'staff') {
    if (row.case_id) {
      const scope = await repo.findCaseScope(ctx.db, row.case_id);
      allowed = scope !== undefined && canSee(by.actor, scope);
    } else {
      allowed = row.uploaded_by === by.actor.id;
    }
  } else {
    // A resident reads what they uploaded (before and after it is put on their case).
    allowed = row.uploader_phone_hash !== null && row.uploader_phone_hash === phoneFingerprint(by.phone);
  }
  if (!allowed) throw AppError.notFound('attachment');
  const file = resolveKey(ctx, row.storage_key);
  try {
    await fs.promises.access(file, fs.constants.R_OK);
  } catch {
    ctx.log.error({ attachmentId: id, storageKey: row.storage_key }, 'attachment file missing on disk');
    throw AppError.notFound('attachment');
  }
  return { row, stream: fs.createReadStream(file) };
}
