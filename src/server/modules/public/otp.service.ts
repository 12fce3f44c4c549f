/**
 * Phone verification by one-time code (SPEC §9, §12). A code goes out as a
 * text message through the outbox (`sms` topic; the development sender logs
 * it); only its hash is stored. A correct code buys a verification token,
 * valid for 30 minutes and reusable in that time (several submissions, the
 * "my requests" list, uploads); only its hash is stored too.
 *
 * Nothing here depends on whether the phone has cases, so the answers never
 * reveal it.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../../platform/auth.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { inTransaction } from '../../platform/tx.js';
import { sendSms } from '../notifications/index.js';
import * as repo from './public.repo.js';
import {
  OTP_IP_WINDOWS, OTP_MAX_ATTEMPTS, OTP_PHONE_WINDOWS, OTP_TTL_MS, VERIFICATION_TTL_MS, clockTime, describeWait, nextAllowedAt,
} from './throttle.rules.js';

function hashCode(phone: string, code: string): string {
  return createHash('sha256').update(`otp:${phone}:${code}`).digest('hex');
}

/** Stored with a resident's uploads to recognise them later; the phone itself stays with the case only. */
export function phoneFingerprint(phone: string): string {
  return createHash('sha256').update(`phone:${phone}`).digest('hex');
}

/** Compares two hex digests in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** 429 naming when to retry, in both languages; the route copies `retryAfterSeconds` into `Retry-After`. */
export function retryLater(ctx: AppContext, until: Date): AppError {
  const now = ctx.clock.now();
  const wait = describeWait(until.getTime() - now.getTime());
  return new AppError(
    'RETRY_LATER',
    { waitZh: wait.waitZh, waitEn: wait.waitEn, retryAt: clockTime(until, ctx.config.timezone) },
    { retryAfterSeconds: wait.seconds, retryAt: until.toISOString() },
  );
}

export interface OtpSent {
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/** Sends a 6-digit code to `phone`, unless the phone or the IP has asked too often (429 with the retry time). */
export async function requestCode(ctx: AppContext, phone: string, ip: string): Promise<OtpSent> {
  const result = await inTransaction(ctx, async (trx) => {
    await repo.lockPhone(trx, phone);
    const now = ctx.clock.now();
    const since = new Date(now.getTime() - 3_600_000);
    const [byPhone, byIp] = await Promise.all([repo.codeTimesForPhone(trx, phone, since), repo.codeTimesForIp(trx, ip, since)]);
    const blockedUntil = [nextAllowedAt(byPhone, now, OTP_PHONE_WINDOWS), nextAllowedAt(byIp, now, OTP_IP_WINDOWS)]
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    if (blockedUntil) return { blockedUntil };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await repo.insertCode(trx, { phone, code_hash: hashCode(phone, code), created_at: now, expires_at: new Date(now.getTime() + OTP_TTL_MS), ip });
    await sendSms(trx, { phone, text: `【枫桥】您的验证码是${code}，5分钟内有效。工作人员不会向您索要验证码，请勿告诉他人。` }, now);
    return { blockedUntil: null };
  });
  if (result.blockedUntil) throw retryLater(ctx, result.blockedUntil);
  return { expiresInSeconds: OTP_TTL_MS / 1000, resendAfterSeconds: OTP_PHONE_WINDOWS[0].windowMs / 1000 };
}

export interface Verified {
  verificationToken: string;
  expiresAt: Date;
}

/**
 * Checks a code against the phone's newest one. A wrong guess is counted (and
 * committed) before the 400; the fifth wrong guess kills the code.
 */
export async function verifyCode(ctx: AppContext, phone: string, code: string): Promise<Verified> {
  type Outcome = { ok: true; verified: Verified } | { ok: false; attemptsLeft: number };
  const outcome = await inTransaction<Outcome>(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await repo.latestCodeForUpdate(trx, phone);
    if (!row || row.consumed_at || row.expires_at.getTime() <= now.getTime()) return { ok: false, attemptsLeft: 0 };
    if (row.attempts >= OTP_MAX_ATTEMPTS) return { ok: false, attemptsLeft: -1 };
    if (!sameHash(row.code_hash, hashCode(phone, code))) {
      const attempts = await repo.countAttempt(trx, row.id);
      return { ok: false, attemptsLeft: attempts >= OTP_MAX_ATTEMPTS ? -1 : OTP_MAX_ATTEMPTS - attempts };
    }
    await repo.consumeCode(trx, row.id, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + VERIFICATION_TTL_MS);
    await repo.insertVerification(trx, { token_hash: hashToken(token), phone, created_at: now, expires_at: expiresAt });
    return { ok: true, verified: { verificationToken: token, expiresAt } };
  });
  if (outcome.ok) return outcome.verified;
  if (outcome.attemptsLeft < 0) throw new AppError('OTP_ATTEMPTS_EXCEEDED');
  throw new AppError('OTP_INVALID', {}, { attemptsLeft: outcome.attemptsLeft });
}

/** The phone a verification token proves, or 401 when it is missing, unknown or expired. */
export async function verifiedPhone(ctx: AppContext, token: string | undefined): Promise<string> {
  if (!token) throw new AppError('VERIFICATION_REQUIRED');
  const row = await repo.findVerification(ctx.db, hashToken(token));
  if (!row || row.expires_at.getTime() <= ctx.clock.now().getTime()) throw new AppError('VERIFICATION_REQUIRED');
  return row.phone;
}
