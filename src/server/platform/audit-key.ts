/**
 * The audit chain's HMAC key, kept outside the database. Whoever holds only the
 * database (a copy, a backup, a compromised SQL account) cannot re-sign edited
 * rows without it.
 *
 * Where the key comes from, in order:
 * 1. `FENGQIAO_AUDIT_KEY` (hex or base64, 32+ bytes), e.g. from a secret store;
 * 2. `FENGQIAO_AUDIT_KEY_FILE`, a file holding the key in the same encoding;
 * 3. under `NODE_ENV=test`, a fixed test key;
 * 4. PostgreSQL in production: none — start-up is refused;
 * 5. otherwise `<data-dir>.audit-key`, created with mode 0600 on first start.
 *    It sits BESIDE the embedded data directory, not in it: the directory is the
 *    database (and its uploads), so a key inside it would travel with every copy.
 *
 * Rotation: each row records the id (fingerprint) of the key that signed it.
 * Move the old key file aside, give the new key, and list the old files in
 * `FENGQIAO_AUDIT_OLD_KEY_FILES`: new rows are signed with the new key, old rows
 * (and old checkpoints) still verify under theirs.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, decodeAuditKey, type Config } from '../config.js';

export interface AuditKey {
  /** Fingerprint stored with each row: the first 16 hex digits of a hash of the key (reveals nothing of it). */
  id: string;
  key: Buffer;
}

export interface AuditKeyring {
  /** Signs new rows and checkpoints. */
  current: AuditKey;
  /** Every key verification may use, by id: the current one and any retired ones. */
  byId: ReadonlyMap<string, AuditKey>;
  /** Where the current key came from, for messages (never the key itself). */
  source: string;
}

/** The key used whenever NODE_ENV=test and no key is configured: tests are reproducible, and it is useless elsewhere. */
export const TEST_AUDIT_KEY = createHash('sha256').update('fengqiao audit test key: never use outside tests').digest();

/** The fingerprint stored with each row. Domain-separated so it is no hash an attacker could reuse. */
export function auditKeyId(key: Buffer): string {
  return createHash('sha256').update('fengqiao-audit-key-id\n').update(key).digest('hex').slice(0, 16);
}

export function auditKey(key: Buffer): AuditKey {
  return { id: auditKeyId(key), key };
}

export function keyringOf(current: Buffer, retired: Buffer[] = [], source = 'given'): AuditKeyring {
  const cur = auditKey(current);
  const byId = new Map<string, AuditKey>([[cur.id, cur]]);
  for (const k of retired) {
    const old = auditKey(k);
    if (!byId.has(old.id)) byId.set(old.id, old);
  }
  return { current: cur, byId, source };
}

/** Where embedded mode (and development on PostgreSQL) keeps its generated key. */
export function defaultAuditKeyFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.audit-key`;
}

function readKeyFile(file: string, setting: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read the audit key file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return decodeAuditKey(`${setting} (${file})`, text);
}

/** Creates the key file exclusively (two processes starting at once end up with the same key) with mode 0600. */
function createKeyFile(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file, 'audit key file');
    throw new ConfigError(`cannot create the audit key file ${file}: ${(err as Error).message}`);
  }
}

/**
 * The keyring for this configuration. With `create` (the server and the
 * commands that write), a missing default key file is generated; without it
 * (`audit verify`) a missing key is an error: verification never invents a key.
 */
export function loadAuditKeyring(config: Config, opts: { create?: boolean } = {}): AuditKeyring {
  const retired = config.audit.oldKeyFiles.map((file) => readKeyFile(file, 'FENGQIAO_AUDIT_OLD_KEY_FILES'));
  if (config.audit.key) return keyringOf(config.audit.key, retired, 'FENGQIAO_AUDIT_KEY');
  if (config.audit.keyFile) return keyringOf(readKeyFile(config.audit.keyFile, 'FENGQIAO_AUDIT_KEY_FILE'), retired, config.audit.keyFile);
  if (config.nodeEnv === 'test') return keyringOf(TEST_AUDIT_KEY, retired, 'test key');
  if (config.databaseUrl && config.nodeEnv === 'production') {
    throw new ConfigError(
      'the audit log needs its key on PostgreSQL in production: set FENGQIAO_AUDIT_KEY (hex or base64, 32+ bytes; ' +
        'e.g. `openssl rand -hex 32`) or FENGQIAO_AUDIT_KEY_FILE. It must live outside the database, so that a copy of the ' +
        'database or its SQL account cannot re-sign edited audit rows.',
    );
  }
  const file = defaultAuditKeyFile(config.dataDir);
  if (fs.existsSync(file)) return keyringOf(readKeyFile(file, 'audit key file'), retired, file);
  if (!opts.create) {
    throw new ConfigError(`no audit key: ${file} does not exist (set FENGQIAO_AUDIT_KEY or FENGQIAO_AUDIT_KEY_FILE to the key the log was written with)`);
  }
  return keyringOf(createKeyFile(file), retired, file);
}
