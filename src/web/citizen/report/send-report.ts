/**
 * Filing a report: upload what is not uploaded yet, then `POST /public/cases`
 * with the draft's Idempotency-Key. Errors propagate as `ApiError`; the form
 * decides whether to retry (`retryable`).
 */
import { portalApi } from '../portal-api.js';
import type { Category, Created, NewCase } from '../portal-types.js';
import type { Draft } from './draft.js';
import type { Photo } from './PhotosAndVoice.js';

async function upload(blob: Blob, name: string, token: string): Promise<string> {
  const form = new FormData();
  form.append('file', blob, name);
  const r = await portalApi.upload<{ id: string }>('/attachments', form, { 'x-verification-token': token });
  return r.id;
}

/**
 * Uploads the photos without an id (reporting each one's id through `onUploaded`, so a retry skips it) and
 * the voice note; returns every attachment id in order.
 */
export async function uploadAttachments(photos: Photo[], voice: File | null, token: string, onUploaded: (photos: Photo[]) => void): Promise<string[]> {
  const ids: string[] = [];
  const next = [...photos];
  for (let i = 0; i < next.length; i++) {
    if (!next[i].id) {
      next[i] = { ...next[i], id: await upload(next[i].blob, `photo-${i + 1}.jpg`, token) };
      onUploaded([...next]);
    }
    ids.push(next[i].id!);
  }
  if (voice) ids.push(await upload(voice, voice.name, token));
  return ids;
}

/** The request body of a draft: the channel from how the resident came (secretary letter, QR code, online). */
export function caseBody(draft: Draft, opts: { secretary: boolean; category: Category | undefined; anonymous: boolean; verificationToken: string | undefined; attachmentIds: string[] }): NewCase {
  const text = draft.description.trim();
  const address = draft.address.trim();
  const location = draft.buildingCode
    ? { buildingCode: draft.buildingCode }
    : draft.pin || address
      ? { ...(draft.pin ?? {}), ...(address ? { address } : {}) }
      : undefined;
  return {
    channel: opts.secretary ? 'secretary' : draft.buildingCode ? 'qr' : 'online',
    ...(opts.secretary ? { secretaryLevel: draft.secretaryLevel } : {}),
    serviceType: draft.serviceType || undefined,
    category: draft.category,
    title: `${opts.category?.name ?? ''}：${text.slice(0, 40)}`.slice(0, 200),
    description: text,
    ...(location ? { location } : {}),
    ...(draft.people ? { peopleInvolved: Number(draft.people) } : {}),
    ...(opts.anonymous ? { anonymous: true } : { verificationToken: opts.verificationToken }),
    ...(draft.name.trim() && !opts.anonymous ? { reporter: { name: draft.name.trim() } } : {}),
    ...(opts.attachmentIds.length ? { attachmentIds: opts.attachmentIds } : {}),
  };
}

/** Files the case; the same Idempotency-Key on every retry, so a submission whose answer was lost is not filed twice. */
export function fileCase(body: NewCase, idempotencyKey: string): Promise<Created> {
  return portalApi.post<Created>('/public/cases', body, { 'idempotency-key': idempotencyKey });
}
