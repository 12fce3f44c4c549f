/**
 * The report form (我要反映, or 书记在线 with `secretary`): service and
 * category, the description with photos and a voice note, where, and the
 * verified phone (or anonymous where the category allows it). The draft is
 * saved as it is typed; a send that fails for want of a connection or a
 * server error is retried by itself with growing pauses (2 s … 30 s).
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api.js';
import type { Lang, T } from '../i18n.js';
import { errorText, portalApi } from '../portal-api.js';
import type { Building, Category, Created } from '../portal-types.js';
import { PhoneVerify } from '../verification/PhoneVerify.js';
import { loadVerification, type Verification } from '../verification/verification-store.js';
import { clearDraft, emptyDraft, loadDraft, saveDraft, type Draft } from './draft.js';
import { LocationPicker } from './LocationPicker.js';
import { PhotosAndVoice, preparePhotos, type Photo } from './PhotosAndVoice.js';
import { SecretaryLevelPicker } from './SecretaryLevelPicker.js';
import { caseBody, fileCase, uploadAttachments } from './send-report.js';
import { ServicePicker } from './ServicePicker.js';

const MAX_RETRY_PAUSE_MS = 30_000;

export function ReportForm(props: { t: T; lang: Lang; secretary: boolean; building: Building | null; onCreated: (c: Created) => void }) {
  const { t, lang } = props;
  const [draft, setDraft] = useState<Draft>(() => {
    const d = loadDraft() ?? emptyDraft();
    return props.building ? { ...d, buildingCode: props.building.code } : d;
  });
  const [restored] = useState(() => Boolean(loadDraft()?.description));
  const [categories, setCategories] = useState<Category[]>([]);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [voice, setVoice] = useState<File | null>(null);
  const [verification, setVerification] = useState<Verification | null>(loadVerification);
  const [state, setState] = useState<'idle' | 'sending' | 'retrying'>('idle');
  const [error, setError] = useState('');
  const attempt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    portalApi.get<{ items: Category[] }>('/categories').then((r) => setCategories(r.items)).catch(() => undefined);
  }, [lang]);
  useEffect(() => {
    saveDraft(draft);
  }, [draft]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const category = categories.find((c) => c.code === draft.category);
  const canAnonymous = Boolean(category?.anonymousAllowed);
  const anonymous = canAnonymous && draft.anonymous;

  const addPhotos = async (files: FileList | null) => {
    if (!files) return;
    const { added, tooMany } = await preparePhotos(files, photos.length);
    if (tooMany) setError(t('photo_too_many'));
    setPhotos((p) => [...p, ...added]);
  };

  const send = async () => {
    if (timer.current) clearTimeout(timer.current);
    setError('');
    if (!draft.category || !draft.description.trim()) return setError(t('required'));
    if (!verification && !anonymous) return setError(t('need_verify'));
    setState('sending');
    try {
      const attachmentIds = verification ? await uploadAttachments(photos, voice, verification.token, setPhotos) : [];
      const body = caseBody(draft, { secretary: props.secretary, category, anonymous, verificationToken: verification?.token, attachmentIds });
      const created = await fileCase(body, draft.key);
      clearDraft();
      attempt.current = 0;
      props.onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.retryable) {
        setState('retrying');
        const delay = Math.min(MAX_RETRY_PAUSE_MS, 2000 * 2 ** attempt.current++);
        timer.current = setTimeout(() => void send(), delay);
        return;
      }
      setState('idle');
      setError(errorText(err));
    }
  };

  return (
    <main className="page" data-testid="submit-page">
      <h1>{props.secretary ? t('home_secretary') : t('home_submit')}</h1>
      {restored && <p className="note">{t('draft_restored')}</p>}
      {props.secretary && <SecretaryLevelPicker t={t} value={draft.secretaryLevel} onChange={(l) => set('secretaryLevel', l)} />}
      <ServicePicker
        t={t}
        categories={categories}
        serviceType={draft.serviceType}
        category={draft.category}
        onService={(s) => setDraft((d) => ({ ...d, serviceType: s, category: categories.find((c) => c.code === d.category)?.serviceType === s ? d.category : '' }))}
        onCategory={(c) => set('category', c)}
      />
      <section>
        <h2>{t('step_describe')}</h2>
        <label>
          {t('description')}
          <textarea id="description" rows={5} maxLength={5000} value={draft.description} onChange={(e) => set('description', e.target.value)} />
        </label>
        <label>
          {t('people')}
          <input id="people" type="number" inputMode="numeric" min={1} value={draft.people} onChange={(e) => set('people', e.target.value)} />
        </label>
        {!anonymous && (
          <PhotosAndVoice t={t} photos={photos} onAdd={addPhotos} onRemove={(i) => setPhotos((ps) => ps.filter((_, j) => j !== i))} onVoice={setVoice} />
        )}
      </section>
      <LocationPicker
        t={t}
        lang={lang}
        building={props.building}
        buildingCode={draft.buildingCode}
        address={draft.address}
        pin={draft.pin}
        onClearBuilding={() => set('buildingCode', null)}
        onAddress={(a) => set('address', a)}
        onPin={(pin, community) => setDraft((d) => ({ ...d, pin, address: d.address || (community ?? '') }))}
      />
      <section>
        <h2>{t('step_phone')}</h2>
        {canAnonymous && (
          <label className="check">
            <input type="checkbox" checked={draft.anonymous} onChange={(e) => set('anonymous', e.target.checked)} /> {t('anonymous')}
          </label>
        )}
        {!anonymous && (
          <>
            <PhoneVerify t={t} value={verification} onVerified={setVerification} />
            <label>
              {t('name')}
              <input id="name" value={draft.name} maxLength={50} onChange={(e) => set('name', e.target.value)} />
            </label>
          </>
        )}
      </section>
      {error && <p className="error" role="alert" data-testid="submit-error">{error}</p>}
      {state === 'retrying' && (
        <p className="note" role="status" data-testid="retrying">
          {t('retrying')} <button type="button" className="link" onClick={() => void send()}>{t('retry_now')}</button>
        </p>
      )}
      <button type="button" className="primary big" data-testid="submit" disabled={state !== 'idle'} onClick={() => void send()}>
        {state === 'idle' ? t('submit') : t('submitting')}
      </button>
    </main>
  );
}
