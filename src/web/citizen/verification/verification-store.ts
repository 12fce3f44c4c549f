/**
 * A verified phone for this tab: the token `POST /public/otp/verify` gave,
 * kept in sessionStorage and shared by the report form and "my requests".
 * A token with less than a minute left counts as none.
 */
const VERIFY_KEY = 'fengqiao.m.verification';

export interface Verification {
  phone: string;
  token: string;
  expiresAt: string;
}

export function loadVerification(): Verification | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(VERIFY_KEY) ?? 'null') as Verification | null;
    return v && new Date(v.expiresAt).getTime() > Date.now() + 60_000 ? v : null;
  } catch {
    return null;
  }
}

export function saveVerification(v: Verification): void {
  sessionStorage.setItem(VERIFY_KEY, JSON.stringify(v));
}
