/**
 * Append-only, hash-chained audit log. Each row's hash covers its content and
 * the previous row's hash, so editing or deleting any row breaks the chain from
 * that point on, and `fengqiao audit verify` finds it. Appends serialise on an
 * advisory lock so concurrent writers cannot fork the chain.
 *
 * The chain is anchored twice, both outside the database (security issue #13):
 * - rows are signed with HMAC-SHA-256 under a key the database never sees
 *   (platform/audit-key.ts), so whoever holds only the database cannot
 *   recompute the chain after an edit;
 * - checkpoints of the head go to a signed file, the log and /metrics
 *   (platform/audit-checkpoints.ts), so dropping the newest rows, or rewriting
 *   and re-signing history with the key, contradicts a checkpoint.
 * Rows from before the key (migration 0012) keep their plain SHA-256 hashes; they
 * verify only as the prefix of the chain, before its first keyed row.
 */
import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { loadConfig, type Config } from '../config.js';
import type { DB } from '../db/schema.js';
import { canonicalJson, readCheckpoints, type AuditCheckpoint } from './audit-checkpoints.js';
import { loadAuditKeyring, type AuditKey, type AuditKeyring } from './audit-key.js';
import type { Clock } from './clock.js';
import { l, type Localised } from './messages.js';
import type { Actor } from './policies.js';

export { canonicalJson };
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

/** What appends sign with and what verification checks against; set once at start-up. */
export interface AuditSettings {
  keyring: AuditKeyring;
  /** The checkpoint file, when there is one (none under NODE_ENV=test unless configured). */
  checkpointFile?: string;
}

let settings: AuditSettings | undefined;

/**
 * Sets the key and checkpoint file for this process. The server and the CLI call
 * it at start-up; `appendAudit` has many callers deep in services, and passing
 * the key through each would spread a secret through every signature.
 */
export function configureAudit(next: AuditSettings): void {
  settings = next;
}

/** The settings of a configuration: `create` generates the default key file if missing (writers do; verify does not). */
export function auditSettingsFor(config: Config, opts: { create?: boolean } = {}): AuditSettings {
  return { keyring: loadAuditKeyring(config, opts), checkpointFile: config.audit.checkpointFile };
}

/** The configured settings; a process that did not configure (a test, a bench script) gets them from its environment. */
export function currentAuditSettings(): AuditSettings {
  settings ??= auditSettingsFor(loadConfig(process.env), { create: true });
  return settings;
}

export type HashAlg = 'sha256' | 'hmac-sha256';

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

/** The unkeyed hash of rows written before migration 0012. Kept only to verify them. */
export function legacyAuditHash(f: HashedFields): string {
  const payload = canonicalJson([
    f.seq, f.at.toISOString(), f.actorId, f.actorName, f.action, f.targetType, f.targetId, f.data, f.ip, f.prevHash,
  ]);
  return createHash('sha256').update(payload).digest('hex');
}

/** The row's MAC. Algorithm and key id are inside it, so a row cannot be relabelled as legacy or as another key's. */
export function keyedAuditHash(f: HashedFields, key: AuditKey): string {
  const payload = canonicalJson([
    'hmac-sha256', key.id, f.seq, f.at.toISOString(), f.actorId, f.actorName, f.action, f.targetType, f.targetId, f.data, f.ip, f.prevHash,
  ]);
  return createHmac('sha256', key.key).update(payload).digest('hex');
}

/** Appends one row. Call inside the transaction of the change it records. */
export async function appendAudit(trx: Transaction<DB>, clock: Clock, entry: AuditEntry): Promise<void> {
  const key = currentAuditSettings().keyring.current;
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
      hash: keyedAuditHash(fields, key),
      hash_alg: 'hmac-sha256',
      key_id: key.id,
    })
    .execute();
}

/** What went wrong, as a code for programs; `reason` says it to people. */
export type AuditProblem =
  | 'link' // prev_hash is not the previous row's hash: a row was removed or altered
  | 'hash' // the row does not match its hash or signature
  | 'legacy_after_keyed' // an unkeyed row after the chain became keyed: a downgrade
  | 'unknown_key' // signed by a key not in the ring
  | 'checkpoint_file' // the checkpoint file has a line that is malformed or badly signed
  | 'checkpoint_missing' // a checkpointed row is gone
  | 'checkpoint_hash' // a checkpointed row has another hash now: history rewritten and re-signed
  | 'checkpoint_count' // the number of rows up to a checkpoint changed
  | 'truncated'; // the log ends before a checkpoint's row

export interface AuditVerification {
  ok: boolean;
  /** Rows verified (before the first bad one). */
  checked: number;
  /** The last row read, null for an empty log. */
  headSeq: number | null;
  /** Checkpoints read from the file (0 when there is none) and how many the chain was compared with. */
  checkpoints: number;
  checkpointsMatched: number;
  /** The first row whose content, link or checkpoint does not match, when not ok. */
  firstBadSeq?: number;
  problem?: AuditProblem;
  reason?: Localised;
}

export interface VerifyOptions {
  pageSize?: number;
  /** Default: the configured keyring. */
  keyring?: AuditKeyring;
  /** Default: the configured checkpoint file; null: none. */
  checkpointFile?: string | null;
}

function checkpointLabel(cp: AuditCheckpoint): string {
  return `${cp.at} (seq ${cp.seq}, ${cp.count} rows)`;
}

/**
 * Walks the whole chain in seq order, in pages, recomputing every hash and
 * comparing the rows with every checkpoint of the file. Reports the first
 * problem only: after it, nothing that follows can be trusted anyway.
 */
export async function verifyAudit(db: Kysely<DB>, opts: VerifyOptions = {}): Promise<AuditVerification> {
  const pageSize = opts.pageSize ?? 5000;
  const defaults = opts.keyring && opts.checkpointFile !== undefined ? undefined : currentAuditSettings();
  const keyring = opts.keyring ?? defaults!.keyring;
  const checkpointFile = opts.checkpointFile === undefined ? defaults!.checkpointFile : (opts.checkpointFile ?? undefined);

  const file = checkpointFile ? readCheckpoints(checkpointFile, keyring) : { checkpoints: [], exists: false };
  const cps = [...file.checkpoints].sort((a, b) => a.seq - b.seq);
  let checked = 0;
  let matched = 0;
  let headSeq: number | null = null;
  const fail = (problem: AuditProblem, seq: number | undefined, reason: Localised): AuditVerification => ({
    ok: false, checked, headSeq, checkpoints: cps.length, checkpointsMatched: matched, firstBadSeq: seq, problem, reason,
  });
  if ('problem' in file && file.problem) {
    const next = file.checkpoints.length; // the bad line's claimed seq is untrustworthy; name the line
    return fail('checkpoint_file', undefined, l(`${file.problem.reason['zh-CN']}（${checkpointFile}，此前${next}条有效）`, `${file.problem.reason.en} (${checkpointFile}; ${next} valid lines before it)`));
  }

  let prevHash = GENESIS_HASH;
  let afterSeq = 0;
  let keyedSeen = false;
  let cpIndex = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (cpIndex < cps.length && cps[cpIndex].seq < seq) {
        const cp = cps[cpIndex];
        return fail('checkpoint_missing', cp.seq, l(
          `第${cp.seq}行已不存在，但检查点 ${checkpointLabel(cp)} 记录了它（行被删除）`,
          `row ${cp.seq} is gone, but the checkpoint of ${checkpointLabel(cp)} recorded it (rows were removed)`,
        ));
      }
      if (row.prev_hash !== prevHash) {
        return fail('link', seq, l('与上一行的链接断开（有行被删除或改动）', 'link to the previous row is broken (a row was removed or altered)'));
      }
      const fields: HashedFields = {
        seq,
        at: row.at,
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        data: row.data,
        ip: row.ip,
        prevHash: row.prev_hash,
      };
      if (row.hash_alg === 'hmac-sha256') {
        const key = row.key_id ? keyring.byId.get(row.key_id) : undefined;
        if (!key) {
          return fail('unknown_key', seq, l(
            `该行由未知密钥（${row.key_id ?? '无'}）签名；轮换过密钥请在 FENGQIAO_AUDIT_OLD_KEY_FILES 中列出旧密钥`,
            `row is signed by an unknown key (${row.key_id ?? 'none'}); after a rotation, list the old key files in FENGQIAO_AUDIT_OLD_KEY_FILES`,
          ));
        }
        if (keyedAuditHash(fields, key) !== row.hash) {
          return fail('hash', seq, l('该行内容与其签名不符（被改动，或在没有密钥的情况下重算）', 'row does not match its signature (edited, or recomputed without the key)'));
        }
        keyedSeen = true;
      } else {
        if (keyedSeen) {
          return fail('legacy_after_keyed', seq, l('签名链开始后出现未签名的行（被改写为旧格式）', 'an unsigned row after the chain became signed (rewritten in the old format)'));
        }
        if (legacyAuditHash(fields) !== row.hash) {
          return fail('hash', seq, l('该行内容与其哈希不符（被改动）', 'row content does not match its hash (edited)'));
        }
      }
      checked++;
      headSeq = seq;
      while (cpIndex < cps.length && cps[cpIndex].seq === seq) {
        const cp = cps[cpIndex];
        if (cp.hash !== row.hash) {
          return fail('checkpoint_hash', seq, l(
            `该行与检查点 ${checkpointLabel(cp)} 不符：此行或之前的行被改写并重新签名`,
            `row differs from the checkpoint of ${checkpointLabel(cp)}: it or an earlier row was rewritten and re-signed`,
          ));
        }
        if (cp.count !== checked) {
          return fail('checkpoint_count', seq, l(
            `截至此行共${checked}行，检查点 ${checkpointLabel(cp)} 记录为${cp.count}行（有行被删除或插入）`,
            `${checked} rows up to here, the checkpoint of ${checkpointLabel(cp)} recorded ${cp.count} (rows were removed or inserted)`,
          ));
        }
        matched++;
        cpIndex++;
      }
      prevHash = row.hash;
      afterSeq = seq;
    }
  }
  if (cpIndex < cps.length) {
    const cp = cps[cps.length - 1];
    const end = headSeq === null ? l('审计日志为空', 'the log is empty') : l(`日志止于第${headSeq}行`, `the log ends at row ${headSeq}`);
    return fail('truncated', cps[cpIndex].seq, l(
      `${end['zh-CN']}，但检查点 ${checkpointLabel(cp)} 记录了更多的行（末尾的行被删除）`,
      `${end.en}, but the checkpoint of ${checkpointLabel(cp)} recorded more (rows were removed from the end)`,
    ));
  }
  return { ok: true, checked, headSeq, checkpoints: cps.length, checkpointsMatched: matched };
}
