import type { Generated } from 'kysely';
import type { Timestamp } from '../../db/columns.js';

export interface AttachmentsTable {
  id: Generated<string>;
  case_id: string | null;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string | null;
  created_at: Timestamp;
  /** SHA-256 of the verified phone of a resident uploader; null for staff uploads (migration 0005). */
  uploader_phone_hash: string | null;
}

export interface AttachmentTables {
  attachments: AttachmentsTable;
}
