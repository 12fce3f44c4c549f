import type { Generated } from 'kysely';
import type { Defaulted, Timestamp } from '../../db/columns.js';

/** One failed progress look-up (wrong tracking number or access code) from an IP. */
export interface PublicLookupFailuresTable {
  id: Generated<number>;
  ip: string;
  at: Timestamp;
}

/** A one-time code sent to a resident's phone. */
export interface OtpCodesTable {
  id: Generated<number>;
  phone: string;
  code_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  attempts: Defaulted<number>;
  consumed_at: Timestamp | null;
  ip: string | null;
}

/** A phone proven by a code: the token a resident presents afterwards. */
export interface PhoneVerificationsTable {
  token_hash: string;
  phone: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PublicTables {
  public_lookup_failures: PublicLookupFailuresTable;
  otp_codes: OtpCodesTable;
  phone_verifications: PhoneVerificationsTable;
}
