/**
 * Which uploads are accepted and how they are named and stored (SPEC §12:
 * "uploads limited in size and sniffed for type"). The type is decided from
 * the bytes only; the client's content type and file extension are ignored.
 * Pure functions, no I/O.
 */

export type AttachmentKind = 'image' | 'audio' | 'document';

const MB = 1024 * 1024;

/** Size limits by kind: photos and PDFs 10 MB, voice recordings 20 MB. */
export const SIZE_LIMITS: Record<AttachmentKind, number> = { image: 10 * MB, audio: 20 * MB, document: 10 * MB };
/** The largest upload of any kind: the stream is cut there before the type is known. */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(SIZE_LIMITS));

/** Sniffed MIME type → kind and canonical extension. Anything else is refused (415). */
export const ALLOWED_TYPES: Readonly<Record<string, { kind: AttachmentKind; ext: string }>> = {
  'image/jpeg': { kind: 'image', ext: 'jpg' },
  'image/png': { kind: 'image', ext: 'png' },
  'image/webp': { kind: 'image', ext: 'webp' },
  'image/heic': { kind: 'image', ext: 'heic' },
  // iPhones write HEIC with either brand; file-type reports the `mif1` one as image/heif.
  'image/heif': { kind: 'image', ext: 'heic' },
  'audio/mpeg': { kind: 'audio', ext: 'mp3' },
  'audio/x-m4a': { kind: 'audio', ext: 'm4a' },
  'audio/amr': { kind: 'audio', ext: 'amr' },
  'audio/wav': { kind: 'audio', ext: 'wav' },
  'application/pdf': { kind: 'document', ext: 'pdf' },
};

export type UploadVerdict =
  | { ok: true; mime: string; kind: AttachmentKind; ext: string }
  | { ok: false; reason: 'unsupported' | 'too_large'; limit?: number };

/** Decides from the sniffed type (undefined when the bytes match no known format) and the byte count. */
export function judgeUpload(sniffedMime: string | undefined, size: number): UploadVerdict {
  const allowed = sniffedMime ? ALLOWED_TYPES[sniffedMime] : undefined;
  if (!sniffedMime || !allowed) return { ok: false, reason: 'unsupported' };
  if (size > SIZE_LIMITS[allowed.kind]) return { ok: false, reason: 'too_large', limit: SIZE_LIMITS[allowed.kind] };
  return { ok: true, mime: sniffedMime, kind: allowed.kind, ext: allowed.ext };
}

/**
 * A display name safe for headers and file systems: the last path segment,
 * without control characters, at most 100 characters, with the extension of
 * the sniffed type (a PNG sent as "photo.jpg" becomes "photo.png").
 */
export function safeFileName(raw: string | undefined, ext: string): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, '').trim();
  const stem = cleaned.replace(/\.[^.]*$/, '').slice(0, 100).trim() || 'attachment';
  return `${stem}.${ext}`;
}

/** `uploads/2026/11/<uuid>`, relative to the data directory; months in UTC so the key never depends on the zone. */
export function storageKey(now: Date, id: string): string {
  const yyyy = String(now.getUTCFullYear());
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `uploads/${yyyy}/${mm}/${id}`;
}

/** `Content-Disposition` with a UTF-8 name (RFC 6266/5987) and an ASCII fallback. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

// ---------------------------------------------------------------------------------------------
// Uploads never put on a case, and a resident's daily allowance (security issue #13, finding 5)
// ---------------------------------------------------------------------------------------------

/**
 * How long an upload may wait to be put on a case before it is deleted: 24 hours.
 * Long enough for a resident who uploads, is interrupted and finishes the form later
 * that day (a verification token lasts 30 minutes, a fresh one is a text message away);
 * short enough that files nobody uses do not pile up. The one place this number lives
 * until the settings registry takes it over.
 */
export const ORPHAN_GRACE_MS = 24 * 60 * 60_000;

/** Orphans deleted per statement: bounds one sweep transaction; the sweep repeats while batches come back full. */
export const ORPHAN_SWEEP_BATCH = 100;

/**
 * A verified phone uploads at most 30 files and 100 MB per Shanghai calendar day,
 * attached or not. A case takes at most 6 attachments, so 30 files is five full
 * submissions a day; 100 MB is five 20 MB recordings. Staff uploads are not counted.
 */
export const RESIDENT_DAILY_MAX_FILES = 30;
export const RESIDENT_DAILY_MAX_BYTES = 100 * MB;

/** What a phone has uploaded today. */
export interface DailyUsage {
  files: number;
  bytes: number;
}

export type QuotaVerdict = { ok: true } | { ok: false; exceeded: 'files' | 'bytes' };

/**
 * Whether one more upload fits today's allowance. Without `incomingBytes` (before
 * the file is read) it asks whether anything fits at all, so a phone at its
 * limit is refused before 20 MB are streamed to disk; with it (after the file
 * is measured) whether this very file fits.
 */
export function judgeDailyQuota(used: DailyUsage, incomingBytes?: number): QuotaVerdict {
  if (used.files + 1 > RESIDENT_DAILY_MAX_FILES) return { ok: false, exceeded: 'files' };
  const bytes = used.bytes + (incomingBytes ?? 0);
  if (incomingBytes === undefined ? bytes >= RESIDENT_DAILY_MAX_BYTES : bytes > RESIDENT_DAILY_MAX_BYTES) return { ok: false, exceeded: 'bytes' };
  return { ok: true };
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The Shanghai calendar day holding `now` (China keeps no daylight saving time):
 * its first instant, the next day's, and the next day's date (`YYYY-MM-DD`).
 */
export function shanghaiDay(now: Date): { start: Date; next: Date; nextDate: string } {
  const start = Math.floor((now.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  const next = start + DAY_MS;
  return { start: new Date(start), next: new Date(next), nextDate: new Date(next + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10) };
}
