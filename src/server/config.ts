/**
 * Typed configuration from environment variables and CLI flags. Flags win over
 * the environment. A bad value stops start-up with a message naming the
 * setting, instead of surfacing later as a confusing runtime failure.
 */
import path from 'node:path';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** PGlite directory (and uploads) when no DATABASE_URL is given. */
  dataDir: string;
  databaseUrl?: string;
  /** Load demo data on start (`serve --demo`). */
  demo: boolean;
  demoPassword: string;
  testClock: boolean;
  /** Server processes (`serve --workers`, FENGQIAO_WORKERS); more than 1 only on PostgreSQL. */
  workers: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  sessionTtlHours: number;
  /** Wrong passwords per (username, IP) before each further attempt from there waits (FENGQIAO_LOGIN_FREE_FAILURES). */
  loginFreeFailures: number;
  /** Wrong passwords per username from all IPs before every failing IP waits after each failure (FENGQIAO_LOGIN_USER_FREE_FAILURES). */
  loginUserFreeFailures: number;
  /** The wait doubles from 1 s up to this (FENGQIAO_LOGIN_MAX_DELAY_SECONDS). */
  loginMaxDelaySeconds: number;
  publicRateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  /** Trust X-Forwarded-For (only behind a reverse proxy); otherwise per-IP limits could be dodged. */
  trustProxy: boolean;
  timezone: string;
  /** How often the timer sweeper polls, in ms. */
  sweepIntervalMs: number;
  /** Where the outbox posts `webhook` messages as JSON (FENGQIAO_WEBHOOK_URL); unset = no webhook. */
  webhookUrl?: string;
  /** The public address residents reach (FENGQIAO_PUBLIC_URL); building QR codes encode `<publicUrl>/q/<code>`. */
  publicUrl: string;
  /** When set (FENGQIAO_METRICS_TOKEN), `/metrics` answers only `Authorization: Bearer <token>`; unset = open. */
  metricsToken?: string;
  /** The audit chain's HMAC key and its checkpoints, all kept outside the database (platform/audit-key.ts). */
  audit: AuditConfig;
}

/** Where the audit log's key and checkpoints live; see platform/audit-key.ts and platform/audit-checkpoints.ts. */
export interface AuditConfig {
  /** FENGQIAO_AUDIT_KEY, decoded. */
  key?: Buffer;
  /** FENGQIAO_AUDIT_KEY_FILE. Neither set: `<data-dir>.audit-key` (created on first start), or refused on PostgreSQL in production. */
  keyFile?: string;
  /** FENGQIAO_AUDIT_OLD_KEY_FILES: retired keys, so rows signed before a rotation still verify. */
  oldKeyFiles: string[];
  /** FENGQIAO_AUDIT_CHECKPOINT_FILE (default `<data-dir>.audit-checkpoints.jsonl`; none under NODE_ENV=test unless set). */
  checkpointFile?: string;
  /** A checkpoint at least this often while the log grows (FENGQIAO_AUDIT_CHECKPOINT_MINUTES). */
  checkpointMinutes: number;
  /** …and as soon as the log has grown by this many rows (FENGQIAO_AUDIT_CHECKPOINT_EVERY). */
  checkpointEvery: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  dataDir?: string;
  demo?: boolean;
  testClock?: boolean;
  workers?: string | number;
  logLevel?: string;
}

function intSetting(name: string, raw: string | number | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): Config {
  const nodeEnv = oneOf('NODE_ENV', env.NODE_ENV, ['development', 'production', 'test'] as const, 'development');
  const testClock = flags.testClock ?? env.FENGQIAO_TEST_CLOCK === '1';
  if (testClock && nodeEnv === 'production') {
    throw new ConfigError('--test-clock is refused when NODE_ENV=production');
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const workers = intSetting('workers (FENGQIAO_WORKERS / --workers)', flags.workers ?? env.FENGQIAO_WORKERS, 1, 1, 64);
  // PGlite is one process's embedded database; the test clock lives in one process's memory.
  if (workers > 1 && !databaseUrl) throw new ConfigError('--workers above 1 needs PostgreSQL (DATABASE_URL): the embedded database serves one process');
  if (workers > 1 && testClock) throw new ConfigError('--workers above 1 cannot be combined with --test-clock: each process would have its own clock');
  const dataDir = path.resolve(flags.dataDir ?? env.FENGQIAO_DATA_DIR ?? './data');
  const demoPassword = env.FENGQIAO_DEMO_PASSWORD || 'Demo@2026';
  if (demoPassword.length < 8) throw new ConfigError('FENGQIAO_DEMO_PASSWORD must be at least 8 characters');
  return {
    nodeEnv,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    port: intSetting('port (PORT / --port)', flags.port ?? env.PORT, 3000, 0, 65535),
    dataDir,
    databaseUrl,
    demo: flags.demo ?? false,
    demoPassword,
    testClock,
    workers,
    logLevel: oneOf(
      'LOG_LEVEL',
      flags.logLevel ?? env.LOG_LEVEL,
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    corsOrigins: (env.FENGQIAO_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    sessionTtlHours: intSetting('FENGQIAO_SESSION_TTL_HOURS', env.FENGQIAO_SESSION_TTL_HOURS, 12, 1, 24 * 30),
    ...loginThrottleSettings(env),
    publicRateLimitPerMinute: intSetting('FENGQIAO_PUBLIC_RATE_LIMIT', env.FENGQIAO_PUBLIC_RATE_LIMIT, 60, 1, 100000),
    loginRateLimitPerMinute: intSetting('FENGQIAO_LOGIN_RATE_LIMIT', env.FENGQIAO_LOGIN_RATE_LIMIT, 20, 1, 100000),
    trustProxy: env.FENGQIAO_TRUST_PROXY === '1' || env.FENGQIAO_TRUST_PROXY === 'true',
    timezone: env.FENGQIAO_TIMEZONE || 'Asia/Shanghai',
    sweepIntervalMs: intSetting('FENGQIAO_SWEEP_INTERVAL_MS', env.FENGQIAO_SWEEP_INTERVAL_MS, 1000, 50, 600000),
    webhookUrl: httpUrlSetting('FENGQIAO_WEBHOOK_URL', env.FENGQIAO_WEBHOOK_URL),
    publicUrl: (httpUrlSetting('FENGQIAO_PUBLIC_URL', env.FENGQIAO_PUBLIC_URL) ?? 'http://localhost:3000').replace(/\/+$/, ''),
    metricsToken: secretSetting('FENGQIAO_METRICS_TOKEN', env.FENGQIAO_METRICS_TOKEN),
    audit: auditSettings(env, nodeEnv, dataDir),
  };
}

function auditSettings(env: NodeJS.ProcessEnv, nodeEnv: Config['nodeEnv'], dataDir: string): AuditConfig {
  const key = env.FENGQIAO_AUDIT_KEY?.trim() ? decodeAuditKey('FENGQIAO_AUDIT_KEY', env.FENGQIAO_AUDIT_KEY) : undefined;
  const keyFile = env.FENGQIAO_AUDIT_KEY_FILE?.trim() ? path.resolve(env.FENGQIAO_AUDIT_KEY_FILE.trim()) : undefined;
  if (key && keyFile) throw new ConfigError('set FENGQIAO_AUDIT_KEY or FENGQIAO_AUDIT_KEY_FILE, not both');
  const checkpointFile = env.FENGQIAO_AUDIT_CHECKPOINT_FILE?.trim();
  return {
    key,
    keyFile,
    oldKeyFiles: (env.FENGQIAO_AUDIT_OLD_KEY_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((f) => path.resolve(f)),
    checkpointFile: checkpointFile ? path.resolve(checkpointFile) : nodeEnv === 'test' ? undefined : `${dataDir}.audit-checkpoints.jsonl`,
    checkpointMinutes: intSetting('FENGQIAO_AUDIT_CHECKPOINT_MINUTES', env.FENGQIAO_AUDIT_CHECKPOINT_MINUTES, 5, 1, 24 * 60),
    checkpointEvery: intSetting('FENGQIAO_AUDIT_CHECKPOINT_EVERY', env.FENGQIAO_AUDIT_CHECKPOINT_EVERY, 1000, 1, 10_000_000),
  };
}

/**
 * An audit key as hex or base64 text (a key file holds the same). Fewer than 32 bytes would make the
 * HMAC guessable, so a short or malformed key stops start-up.
 */
export function decodeAuditKey(name: string, raw: string): Buffer {
  const text = raw.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) key = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (!key || key.length < 32) {
    throw new ConfigError(`${name} must be a key of at least 32 bytes, as hex (64+ characters) or base64; generate one with: openssl rand -hex 32`);
  }
  return key;
}

/**
 * The sign-in throttle (modules/users/login-throttle.rules.ts). It replaced a lock-out that let anyone lock any account
 * with five wrong passwords; the lock-out's settings stop start-up rather than being silently ignored.
 */
function loginThrottleSettings(env: NodeJS.ProcessEnv): Pick<Config, 'loginFreeFailures' | 'loginUserFreeFailures' | 'loginMaxDelaySeconds'> {
  for (const gone of ['FENGQIAO_LOGIN_MAX_FAILURES', 'FENGQIAO_LOGIN_LOCK_MINUTES']) {
    if (env[gone] !== undefined && env[gone] !== '') {
      throw new ConfigError(
        `${gone} is no longer used: accounts are not locked any more; repeated failures slow down the (username, IP) pair instead. ` +
          'Use FENGQIAO_LOGIN_FREE_FAILURES, FENGQIAO_LOGIN_USER_FREE_FAILURES and FENGQIAO_LOGIN_MAX_DELAY_SECONDS (README, Configuration)',
      );
    }
  }
  return {
    loginFreeFailures: intSetting('FENGQIAO_LOGIN_FREE_FAILURES', env.FENGQIAO_LOGIN_FREE_FAILURES, 5, 1, 100),
    loginUserFreeFailures: intSetting('FENGQIAO_LOGIN_USER_FREE_FAILURES', env.FENGQIAO_LOGIN_USER_FREE_FAILURES, 50, 1, 100_000),
    loginMaxDelaySeconds: intSetting('FENGQIAO_LOGIN_MAX_DELAY_SECONDS', env.FENGQIAO_LOGIN_MAX_DELAY_SECONDS, 900, 1, 86_400),
  };
}

/** An optional shared secret; a short one would be guessable, so it stops start-up. */
function secretSetting(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim().length < 16) throw new ConfigError(`${name} must be at least 16 characters`);
  return raw.trim();
}

/** An optional http(s) URL; a malformed one stops start-up instead of failing every delivery later. */
function httpUrlSetting(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return url.toString();
}
