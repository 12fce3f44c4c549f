/**
 * Append-only, hash-chained audit log. Each row's hash covers its content and
 * the previous row's hash, so editing or deleting any row breaks the chain from
 * that point on, and `fengqiao audit verify` finds it. Appends serialise on an
 * advisory lock so concurrent writers cannot fork the chain.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from './clock.js';
import type { Actor } from './policies.js';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK_KEY = 7_310_001;

export interface AuditEntry {
  action: string;
  actor?: Pick<Actor, 'id' | 'username'> | null;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
  ip?: string;
}

/** JSON with object keys sorted at every level, so jsonb's key reordering does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

interface HashedFields {
  seq: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: unknown;
  ip: string | null;
  prevHash: string;
}

export function auditHash(f: HashedFields): string {
  const payload = canonicalJson([
    f.seq, f.at.toISOString(), f.actorId, f.actorName, f.action, f.targetType, f.targetId, f.data, f.ip, f.prevHash,
  ]);
  return createHash('sha256').update(payload).digest('hex');
}

/** Appends one row. Call inside the transaction of the change it records. */
export async function appendAudit(trx: Transaction<DB>, clock: Clock, entry: AuditEntry): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const { rows } = await sql<{ seq: number }>`SELECT nextval('audit_log_seq_seq')::int8 AS seq`.execute(trx);
  const fields: HashedFields = {
    seq: Number(rows[0].seq),
    at: clock.now(),
    actorId: entry.actor?.id ?? null,
    actorName: entry.actor?.username ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: JSON.parse(canonicalJson(entry.data ?? {})),
    ip: entry.ip ?? null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto('audit_log')
    .values({
      seq: fields.seq,
      at: fields.at,
      actor_id: fields.actorId,
      actor_name: fields.actorName,
      action: fields.action,
      target_type: fields.targetType,
      target_id: fields.targetId,
      data: JSON.stringify(fields.data),
      ip: fields.ip,
      prev_hash: fields.prevHash,
      hash: auditHash(fields),
    })
    .execute();
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first row whose content or link does not match, when not ok. */
  firstBadSeq?: number;
  reason?: string;
}

/** Walks the whole chain in seq order, in pages, recomputing every hash. */
export async function verifyAudit(db: Kysely<DB>, pageSize = 5000): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let afterSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prev_hash !== prevHash) {
        return { ok: false, checked, firstBadSeq: row.seq, reason: 'link to the previous row is broken (a row was removed or altered)' };
      }
      const expected = auditHash({
        seq: row.seq,
        at: row.at,
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        data: row.data,
        ip: row.ip,
        prevHash: row.prev_hash,
      });
      if (expected !== row.hash) {
        return { ok: false, checked, firstBadSeq: row.seq, reason: 'row content does not match its hash (edited)' };
      }
      prevHash = row.hash;
      afterSeq = row.seq;
      checked++;
    }
  }
}
