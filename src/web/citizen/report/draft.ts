/**
 * The report being written, kept in localStorage so a closed tab or a lost
 * connection loses nothing. Its `key` is the submission's Idempotency-Key:
 * the same on every retry, so a submission whose answer was lost is not
 * filed twice.
 */
import type { SecretaryLevel, ServiceType } from '../portal-types.js';

const DRAFT_KEY = 'fengqiao.m.draft';

export interface Draft {
  key: string;
  /** Empty until the resident picks one. */
  serviceType: ServiceType | '';
  category: string;
  secretaryLevel: SecretaryLevel;
  description: string;
  people: string;
  address: string;
  pin: { lat: number; lng: number } | null;
  buildingCode: string | null;
  anonymous: boolean;
  name: string;
  attachmentIds: string[];
}

export const emptyDraft = (): Draft => ({
  key: crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`,
  serviceType: '', category: '', secretaryLevel: 'community', description: '', people: '', address: '', pin: null, buildingCode: null, anonymous: false, name: '', attachmentIds: [],
});

export function loadDraft(): Draft | null {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Draft | null;
  } catch {
    return null;
  }
}

export function saveDraft(draft: Draft): void {
  localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
}

export function clearDraft(): void {
  localStorage.removeItem(DRAFT_KEY);
}
