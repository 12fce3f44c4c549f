/**
 * Up to six photos, shrunk in the browser before upload (slow phone
 * networks), and one voice note. A photo keeps its attachment id once
 * uploaded, so a retried submission does not upload it twice.
 */
import type { T } from '../i18n.js';
import { compressImage } from './compress-image.js';

export const MAX_PHOTOS = 6;

export interface Photo {
  /** The attachment id, once uploaded. */
  id?: string;
  blob: Blob;
  url: string;
}

/** Compresses the picked files that still fit; `tooMany` when some were left out. */
export async function preparePhotos(files: FileList, have: number): Promise<{ added: Photo[]; tooMany: boolean }> {
  const room = MAX_PHOTOS - have;
  const added: Photo[] = [];
  for (const f of Array.from(files).slice(0, room)) {
    const blob = await compressImage(f);
    added.push({ blob, url: URL.createObjectURL(blob) });
  }
  return { added, tooMany: files.length > room };
}

export function PhotosAndVoice(props: { t: T; photos: Photo[]; onAdd: (files: FileList | null) => Promise<void>; onRemove: (index: number) => void; onVoice: (file: File | null) => void }) {
  const { t, photos } = props;
  return (
    <>
      <div className="label">{t('photos')}</div>
      <div className="photos">
        {photos.map((p, i) => (
          <figure key={p.url}>
            <img src={p.url} alt="" />
            <button type="button" className="link" onClick={() => props.onRemove(i)}>{t('remove')}</button>
          </figure>
        ))}
        {photos.length < MAX_PHOTOS && (
          <label className="add-photo">
            {t('add_photo')}
            <input data-testid="photo-input" type="file" accept="image/*" multiple hidden onChange={(e) => void props.onAdd(e.target.files).then(() => (e.target.value = ''))} />
          </label>
        )}
      </div>
      <label>
        {t('voice')}
        <input data-testid="voice-input" type="file" accept="audio/*" capture onChange={(e) => props.onVoice(e.target.files?.[0] ?? null)} />
      </label>
    </>
  );
}
