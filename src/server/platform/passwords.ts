/**
 * Password hashing with Argon2id (a slow, memory-hard KDF), via a maintained
 * native package that ships prebuilt binaries inside npm.
 */
import { hash, verify } from '@node-rs/argon2';
import { l, type Localised } from './messages.js';

// OWASP's Argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Staff passwords: at least 8 characters with letters and digits. Returns a reason or null. */
export function passwordProblem(password: string): Localised | null {
  if (password.length < 8) return l('密码至少需要8个字符', 'at least 8 characters');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return l('密码须同时包含字母和数字', 'letters and digits');
  return null;
}
