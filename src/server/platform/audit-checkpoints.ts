/**
 * Checkpoints of the audit log's head, written OUTSIDE the database. A keyed
 * chain alone still lets someone with the key (or with the database and a
 * maintainer role) drop the newest rows or rewrite history and re-sign it; a
 * checkpoint "row S had hash H and there were N rows up to it, at time T" kept
 * elsewhere shows both. Each checkpoint goes to
 * - an append-only JSON-lines file, each line HMAC-signed under the audit key
 *   (`FENGQIAO_AUDIT_CHECKPOINT_FILE`, default `<data-dir>.audit-checkpoints.jsonl`),
 * - the server log at info level (shipped off the machine by the log pipeline),
 * - and /metrics reads the head at every scrape (`fengqiao_audit_head_seq`,
 *   `fengqiao_audit_head_info{hash}`), so Prometheus keeps its history too.
 * `fengqiao audit verify` compares the chain with the file.
 *
 * The checkpointer polls the head (one indexed row) and writes when the log has
 * grown by `checkpointEvery` rows or `checkpointMinutes` have passed since the
 * last checkpoint and the log has grown at all; on start and on shutdown too.
 * The timer only decides WHEN to look: the facts are the database and the file,
 * so a restart loses nothing. It never checkpoints uncommitted rows (it reads
 * committed data only), so a rolled-back append cannot produce a false alarm.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AuditKey, AuditKeyring } from './audit-key.js';
import type { Clock } from './clock.js';
import { l, type Localised } from './messages.js';

/** One line of the checkpoint file. */
export interface AuditCheckpoint {
  /** The head row's seq and hash at `at`. */
  seq: number;
  hash: string;
  at: string;
  /** Rows with seq ≤ `seq` (seq has gaps: a rolled-back append consumes one). */
  count: number;
  keyId: string;
  mac: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
}

/** JSON with object keys sorted at every level, so jsonb's key reordering does not change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function checkpointMac(cp: Omit<AuditCheckpoint, 'mac'>, key: Buffer): string {
  // The prefix keeps a checkpoint's MAC from ever equalling a row's (whose payload starts with '[').
  return createHmac('sha256', key)
    .update(`fengqiao-audit-checkpoint\n${canonicalJson([cp.seq, cp.hash, cp.at, cp.count, cp.keyId])}`)
    .digest('hex');
}

export function signCheckpoint(fields: { seq: number; hash: string; at: Date; count: number }, key: AuditKey): AuditCheckpoint {
  const unsigned = { seq: fields.seq, hash: fields.hash, at: fields.at.toISOString(), count: fields.count, keyId: key.id };
  return { ...unsigned, mac: checkpointMac(unsigned, key.key) };
}

/** Appends one line and fsyncs it: a checkpoint that a crash can lose anchors nothing. */
export function appendCheckpoint(file: string, cp: AuditCheckpoint): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(cp)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface CheckpointFileProblem {
  line: number;
  reason: Localised;
}

export interface CheckpointFileRead {
  /** Lines whose signature verified, in file order. */
  checkpoints: AuditCheckpoint[];
  /** The first line that is not a checkpoint signed by a known key. */
  problem?: CheckpointFileProblem;
  /** False when the file does not exist (no checkpoint written yet). */
  exists: boolean;
}

function isCheckpoint(v: unknown): v is AuditCheckpoint {
  const c = v as AuditCheckpoint;
  return typeof v === 'object' && v !== null && Number.isSafeInteger(c.seq) && c.seq > 0 && typeof c.hash === 'string' &&
    typeof c.at === 'string' && Number.isSafeInteger(c.count) && c.count >= 0 && typeof c.keyId === 'string' && typeof c.mac === 'string';
}

function macMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads and checks every line; stops at the first that is malformed or not signed by a key of the ring. */
export function readCheckpoints(file: string, keyring: AuditKeyring): CheckpointFileRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], exists: false };
    throw err;
  }
  const checkpoints: AuditCheckpoint[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const line = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!isCheckpoint(parsed)) {
      return { checkpoints, exists: true, problem: { line, reason: l(`检查点文件第${line}行无法识别`, `line ${line} of the checkpoint file is not a checkpoint`) } };
    }
    const key = keyring.byId.get(parsed.keyId);
    if (!key) {
      return {
        checkpoints, exists: true,
        problem: { line, reason: l(`检查点文件第${line}行由未知密钥（${parsed.keyId}）签名`, `line ${line} of the checkpoint file is signed by an unknown key (${parsed.keyId}); list retired keys in FENGQIAO_AUDIT_OLD_KEY_FILES`) },
      };
    }
    const { mac, ...unsigned } = parsed;
    if (!macMatches(mac, checkpointMac(unsigned, key.key))) {
      return { checkpoints, exists: true, problem: { line, reason: l(`检查点文件第${line}行签名无效（被改动）`, `line ${line} of the checkpoint file has an invalid signature (altered)`) } };
    }
    checkpoints.push({ seq: parsed.seq, hash: parsed.hash, at: parsed.at, count: parsed.count, keyId: parsed.keyId, mac });
  }
  return { checkpoints, exists: true };
}

/**
 * The file's last checkpoint, read from its tail only (the file grows by a line per checkpoint for years):
 * several server processes, or a CLI command, may have written since this process last looked.
 */
export function readLastCheckpoint(file: string, keyring: AuditKeyring): AuditCheckpoint | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 8192);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').map((s) => s.trim()).filter(Boolean);
    const last = lines.at(-1);
    if (!last) return undefined;
    return parseSignedLine(last, keyring);
  } finally {
    fs.closeSync(fd);
  }
}

function parseSignedLine(raw: string, keyring: AuditKeyring): AuditCheckpoint | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isCheckpoint(parsed)) return undefined;
  const key = keyring.byId.get(parsed.keyId);
  const { mac, ...unsigned } = parsed;
  if (!key || !macMatches(mac, checkpointMac(unsigned, key.key))) return undefined;
  return { seq: parsed.seq, hash: parsed.hash, at: parsed.at, count: parsed.count, keyId: parsed.keyId, mac };
}

/** The newest row of the log, or null when it is empty. One row by the primary key: cheap enough for every scrape. */
export async function auditHead(db: Kysely<DB>): Promise<AuditHead | null> {
  const row = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

export interface CheckpointerOptions {
  db: Kysely<DB>;
  clock: Clock;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  keyring: AuditKeyring;
  file: string;
  everyMinutes: number;
  everyRows: number;
}

export interface Checkpointer {
  /** Looks at the head and writes a checkpoint if one is due (`force`: whenever the head moved). */
  tick(force?: boolean): Promise<AuditCheckpoint | null>;
}

/** Serialises checkpointing across server processes (one writer at a time, each seeing the others' lines). */
const CHECKPOINT_LOCK_KEY = 7_310_002;

export function createCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const previous = readCheckpoints(opts.file, opts.keyring);
  if (previous.problem) opts.log.error({ file: opts.file, line: previous.problem.line }, `audit checkpoint file: ${previous.problem.reason.en}`);
  let last: AuditCheckpoint | undefined = previous.checkpoints.reduce<AuditCheckpoint | undefined>((a, c) => (!a || c.seq > a.seq ? c : a), undefined);
  let reported: string | undefined;
  const alarm = (head: AuditHead, message: string) => {
    const key = `${head.seq}:${head.hash}`;
    if (reported === key) return; // once per head, not every poll
    reported = key;
    opts.log.error({ headSeq: head.seq, checkpointSeq: last?.seq, file: opts.file }, message);
  };
  return {
    async tick(force = false) {
      // One snapshot for the head and the count, so they describe the same log.
      const written = await opts.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        const { rows: locked } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK_KEY}) AS ok`.execute(trx);
        if (!locked[0].ok) return null; // another process is checkpointing right now
        const tail = readLastCheckpoint(opts.file, opts.keyring);
        if (tail && (!last || tail.seq > last.seq)) last = tail;
        const head = await auditHead(trx);
        if (!head) return null;
        if (last && head.seq < last.seq) {
          alarm(head, 'audit log is behind its last checkpoint: rows were removed or the database was replaced; run `fengqiao audit verify`');
          return null;
        }
        if (last && head.seq === last.seq) {
          if (head.hash !== last.hash) alarm(head, 'audit log head differs from its checkpoint: rows were rewritten; run `fengqiao audit verify`');
          return null;
        }
        const now = opts.clock.now();
        const due = force || !last || head.seq - last.seq >= opts.everyRows || now.getTime() - Date.parse(last.at) >= opts.everyMinutes * 60_000;
        if (!due) return null;
        const since = last?.seq ?? 0;
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM audit_log WHERE seq > ${since} AND seq <= ${head.seq}`.execute(trx);
        const cp = signCheckpoint({ seq: head.seq, hash: head.hash, at: now, count: (last?.count ?? 0) + Number(rows[0].n) }, opts.keyring.current);
        // Written while the lock is held, so the next process's tail read sees it. The rows it names are committed.
        appendCheckpoint(opts.file, cp);
        return cp;
      });
      if (!written) return null;
      last = written;
      opts.log.info({ auditCheckpoint: { seq: written.seq, hash: written.hash, at: written.at, count: written.count, keyId: written.keyId } }, 'audit checkpoint');
      return written;
    },
  };
}

/**
 * Runs the checkpointer: once now (if the head moved), then every `pollMs` (writing only when due),
 * and a last time on stop. Errors are logged, never thrown: the audit log itself
 * stays the record, the checkpoint only anchors it.
 */
export function startCheckpointer(checkpointer: Checkpointer, log: CheckpointerOptions['log'], pollMs: number): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const run = (force: boolean) => checkpointer.tick(force).catch((err: unknown) => log.error({ err }, 'audit checkpoint failed'));
  const loop = async (force: boolean) => {
    if (stopped) return;
    running = run(force);
    await running;
    if (!stopped) timer = setTimeout(() => void loop(false), pollMs);
  };
  void loop(true); // on start: whatever was appended while no server ran (CLI commands) is anchored at once
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
    await run(true);
  };
}
