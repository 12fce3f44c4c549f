import type { Generated } from 'kysely';
import type { Timestamp } from '../../db/foundation.tables.js';

/** One failed progress look-up (wrong tracking number or access code) from an IP. */
export interface PublicLookupFailuresTable {
  id: Generated<number>;
  ip: string;
  at: Timestamp;
}

export interface PublicTables {
  public_lookup_failures: PublicLookupFailuresTable;
}

// Migration 0005 adds a column to the cases module's `attachments` table; declared here, beside the code that uses it.
declare module '../cases/cases.tables.js' {
  interface AttachmentsTable {
    /** SHA-256 of the verified phone of a resident uploader; null for staff uploads. */
    uploader_phone_hash: string | null;
  }
}
