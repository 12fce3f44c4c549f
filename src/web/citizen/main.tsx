/**
 * The citizen portal (SPEC §9) at /m/: report a request (five services in
 * plain words, photos compressed in the browser, a voice note, location from
 * the building QR code, a map pin or an address, phone verified by a one-time
 * code), write to a Party secretary (书记在线), follow a request with its
 * tracking number and access code or the verified phone, add information,
 * confirm and rate. Plain React and CSS only: the bundle must stay light for
 * slow phone networks.
 */
import { StrictMode, useCallback, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { call, PortalError, setLanguage, type Building, type Category, type Created, type PublicCase } from './api.js';
import { dict, type Key, type Lang } from './i18n.js';
import { compressImage } from './media.js';
import { MapPicker } from './MapPicker.js';
import './citizen.css';

const SERVICES = ['complaint', 'dispute', 'legal', 'psych', 'assistance'] as const;
const DRAFT_KEY = 'fengqiao.m.draft';
const VERIFY_KEY = 'fengqiao.m.verification';
const MAX_PHOTOS = 6;

type View = 'home' | 'submit' | 'secretary' | 'track' | 'mine';

function viewOf(pathname: string): View {
  const seg = pathname.replace(/^\/m\/?/, '').split('/')[0];
  return (['submit', 'secretary', 'track', 'mine'] as const).find((v) => v === seg) ?? 'home';
}

function useT(lang: Lang) {
  return useCallback((k: Key) => dict[lang][k], [lang]);
}
type T = ReturnType<typeof useT>;

function fmt(iso: string | null, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function errorText(err: unknown): string {
  if (err instanceof PortalError) {
    const fields = err.details.fields?.map((f) => f.message).filter(Boolean) ?? [];
    return fields.length ? `${err.message}：${fields.join('；')}` : err.message;
  }
  return String(err);
}

// ---- phone verification, shared by submit and "my requests" ----

interface Verification {
  phone: string;
  token: string;
  expiresAt: string;
}

function loadVerification(): Verification | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(VERIFY_KEY) ?? 'null') as Verification | null;
    return v && new Date(v.expiresAt).getTime() > Date.now() + 60_000 ? v : null;
  } catch {
    return null;
  }
}

function PhoneVerify(props: { t: T; value: Verification | null; onVerified: (v: Verification) => void; initialPhone?: string }) {
  const { t } = props;
  const [phone, setPhone] = useState(props.initialPhone ?? '');
  const [code, setCode] = useState('');
  const [wait, setWait] = useState(0);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const id = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(id);
  }, [wait]);

  if (props.value) return <p className="ok" data-testid="verified">✓ {t('verified')}：{props.value.phone.slice(0, 3)}****{props.value.phone.slice(-4)}</p>;

  const send = async () => {
    setError('');
    setBusy(true);
    try {
      const r = await call<{ resendAfterSeconds: number }>('POST', '/public/otp', { body: { phone } });
      setSent(true);
      setWait(r.resendAfterSeconds);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof PortalError && err.details.retryAfterSeconds) setWait(err.details.retryAfterSeconds);
    } finally {
      setBusy(false);
    }
  };
  const verify = async () => {
    setError('');
    setBusy(true);
    try {
      const r = await call<{ verificationToken: string; expiresAt: string }>('POST', '/public/otp/verify', { body: { phone, code } });
      const v = { phone, token: r.verificationToken, expiresAt: r.expiresAt };
      sessionStorage.setItem(VERIFY_KEY, JSON.stringify(v));
      props.onVerified(v);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <label>
        {t('phone')}
        <div className="row">
          <input id="phone" type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} value={phone} onChange={(e) => setPhone(e.target.value.replace(/\D/g, ''))} />
          <button type="button" className="secondary" data-testid="send-code" disabled={busy || wait > 0 || !/^1[3-9]\d{9}$/.test(phone)} onClick={send}>
            {wait > 0 ? `${wait}${t('resend_in')}` : t('send_code')}
          </button>
        </div>
      </label>
      {sent && (
        <label>
          {t('code')}
          <div className="row">
            <input id="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} />
            <button type="button" data-testid="verify" disabled={busy || code.length !== 6} onClick={verify}>{t('verify')}</button>
          </div>
        </label>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

// ---- submit ----

interface Photo {
  id?: string;
  blob: Blob;
  url: string;
}

interface Draft {
  key: string;
  serviceType: string;
  category: string;
  secretaryLevel: string;
  description: string;
  people: string;
  address: string;
  pin: { lat: number; lng: number } | null;
  buildingCode: string | null;
  anonymous: boolean;
  name: string;
  attachmentIds: string[];
}

const emptyDraft = (): Draft => ({
  key: crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`,
  serviceType: '', category: '', secretaryLevel: 'community', description: '', people: '', address: '', pin: null, buildingCode: null, anonymous: false, name: '', attachmentIds: [],
});

function loadDraft(): Draft | null {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Draft | null;
  } catch {
    return null;
  }
}

function Submit(props: { t: T; lang: Lang; secretary: boolean; building: Building | null; go: (path: string) => void; onCreated: (c: Created) => void }) {
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
  const [showMap, setShowMap] = useState(false);
  const attempt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    call<{ items: Category[] }>('GET', '/categories').then((r) => setCategories(r.items)).catch(() => undefined);
  }, [lang]);
  useEffect(() => {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
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
    const room = MAX_PHOTOS - photos.length;
    if (files.length > room) setError(t('photo_too_many'));
    const added: Photo[] = [];
    for (const f of Array.from(files).slice(0, room)) {
      const blob = await compressImage(f);
      added.push({ blob, url: URL.createObjectURL(blob) });
    }
    setPhotos((p) => [...p, ...added]);
  };

  const upload = async (blob: Blob, name: string, token: string): Promise<string> => {
    const form = new FormData();
    form.append('file', blob, name);
    const r = await call<{ id: string }>('POST', '/attachments', { form, headers: { 'x-verification-token': token } });
    return r.id;
  };

  const send = async () => {
    if (timer.current) clearTimeout(timer.current);
    setError('');
    if (!draft.category || !draft.description.trim()) return setError(t('required'));
    if (!verification && !anonymous) return setError(t('need_verify'));
    setState('sending');
    try {
      const ids: string[] = [];
      if (verification) {
        // Uploaded photos keep their ids, so a retry after a lost connection does not upload them twice.
        const next = [...photos];
        for (let i = 0; i < next.length; i++) {
          if (!next[i].id) {
            next[i] = { ...next[i], id: await upload(next[i].blob, `photo-${i + 1}.jpg`, verification.token) };
            setPhotos([...next]);
          }
          ids.push(next[i].id!);
        }
        if (voice) ids.push(await upload(voice, voice.name, verification.token));
      }
      const catName = category?.name ?? '';
      const text = draft.description.trim();
      const location = draft.buildingCode
        ? { buildingCode: draft.buildingCode }
        : draft.pin || draft.address.trim()
          ? { ...(draft.pin ?? {}), ...(draft.address.trim() ? { address: draft.address.trim() } : {}) }
          : undefined;
      const body = {
        channel: props.secretary ? 'secretary' : draft.buildingCode ? 'qr' : 'online',
        ...(props.secretary ? { secretaryLevel: draft.secretaryLevel } : {}),
        serviceType: draft.serviceType || undefined,
        category: draft.category,
        title: `${catName}：${text.slice(0, 40)}`.slice(0, 200),
        description: text,
        ...(location ? { location } : {}),
        ...(draft.people ? { peopleInvolved: Number(draft.people) } : {}),
        ...(anonymous ? { anonymous: true } : { verificationToken: verification!.token }),
        ...(draft.name.trim() && !anonymous ? { reporter: { name: draft.name.trim() } } : {}),
        ...(ids.length ? { attachmentIds: ids } : {}),
      };
      // The same Idempotency-Key on every retry: a submission whose answer was lost is not filed twice.
      const created = await call<Created>('POST', '/public/cases', { body, headers: { 'idempotency-key': draft.key } });
      localStorage.removeItem(DRAFT_KEY);
      attempt.current = 0;
      props.onCreated(created);
    } catch (err) {
      if (err instanceof PortalError && err.retryable) {
        setState('retrying');
        const delay = Math.min(30_000, 2000 * 2 ** attempt.current++);
        timer.current = setTimeout(() => void send(), delay);
        return;
      }
      setState('idle');
      setError(errorText(err));
    }
  };

  const services = SERVICES.map((s) => (
    <button
      key={s}
      type="button"
      className={`choice ${draft.serviceType === s ? 'selected' : ''}`}
      data-testid={`svc-${s}`}
      aria-pressed={draft.serviceType === s}
      onClick={() => setDraft((d) => ({ ...d, serviceType: s, category: categories.find((c) => c.code === d.category)?.serviceType === s ? d.category : '' }))}
    >
      <strong>{t(`svc_${s}` as Key)}</strong>
      <span>{t(`svc_${s}_sub` as Key)}</span>
    </button>
  ));

  return (
    <main className="page" data-testid="submit-page">
      <h1>{props.secretary ? t('home_secretary') : t('home_submit')}</h1>
      {restored && <p className="note">{t('draft_restored')}</p>}
      {props.secretary && (
        <section>
          <h2>{t('secretary_level')}</h2>
          <div className="choices three">
            {(['community', 'subdistrict', 'district'] as const).map((l) => (
              <button key={l} type="button" className={`choice ${draft.secretaryLevel === l ? 'selected' : ''}`} aria-pressed={draft.secretaryLevel === l} data-testid={`lvl-${l}`} onClick={() => set('secretaryLevel', l)}>
                <strong>{t(`lvl_${l}` as Key)}</strong>
              </button>
            ))}
          </div>
        </section>
      )}
      <section>
        <h2>{t('step_service')}</h2>
        <div className="choices">{services}</div>
        {draft.serviceType && (
          <label>
            {t('category')}
            <select id="category" value={draft.category} onChange={(e) => set('category', e.target.value)}>
              <option value="">{t('choose')}</option>
              {categories.filter((c) => c.serviceType === draft.serviceType).map((c) => (
                <option key={c.code} value={c.code}>{c.name}</option>
              ))}
            </select>
          </label>
        )}
      </section>
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
          <>
            <div className="label">{t('photos')}</div>
            <div className="photos">
              {photos.map((p, i) => (
                <figure key={p.url}>
                  <img src={p.url} alt="" />
                  <button type="button" className="link" onClick={() => setPhotos((ps) => ps.filter((_, j) => j !== i))}>{t('remove')}</button>
                </figure>
              ))}
              {photos.length < MAX_PHOTOS && (
                <label className="add-photo">
                  {t('add_photo')}
                  <input data-testid="photo-input" type="file" accept="image/*" multiple hidden onChange={(e) => void addPhotos(e.target.files).then(() => (e.target.value = ''))} />
                </label>
              )}
            </div>
            <label>
              {t('voice')}
              <input data-testid="voice-input" type="file" accept="audio/*" capture onChange={(e) => setVoice(e.target.files?.[0] ?? null)} />
            </label>
          </>
        )}
      </section>
      <section>
        <h2>{t('step_where')}</h2>
        {draft.buildingCode && props.building ? (
          <div className="building" data-testid="building">
            <strong>{t('building_set')}</strong>
            <p>{props.building.address}</p>
            <p className="muted">{lang === 'en' ? (props.building.communityNameEn ?? props.building.communityName) : props.building.communityName} · {props.building.code}</p>
            <button type="button" className="link" onClick={() => set('buildingCode', null)}>{t('building_change')}</button>
          </div>
        ) : (
          <>
            <label>
              {t('address')}
              <input id="address" value={draft.address} maxLength={200} onChange={(e) => set('address', e.target.value)} />
            </label>
            <button type="button" className="link" onClick={() => setShowMap((s) => !s)}>{t('pick_on_map')}</button>
            {showMap && (
              <>
                <MapPicker en={lang === 'en'} value={draft.pin} onPick={(p) => setDraft((d) => ({ ...d, pin: { lat: p.lat, lng: p.lng }, address: d.address || (p.community ?? '') }))} />
                <p className="muted">{t('map_note')}</p>
              </>
            )}
          </>
        )}
      </section>
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

function Receipt(props: { t: T; lang: Lang; created: Created; go: (path: string) => void }) {
  const { t, created } = props;
  return (
    <main className="page" data-testid="receipt">
      <h1>✓ {t('receipt_title')}</h1>
      <p>{t('receipt_tip')}</p>
      <dl className="receipt">
        <dt>{t('tracking_no')}</dt>
        <dd data-testid="tracking-no">{created.trackingNo}</dd>
        <dt>{t('access_code')}</dt>
        <dd data-testid="access-code">{created.accessCode}</dd>
        <dt>{t('respond_by')}</dt>
        <dd>{fmt(created.deadlines.respondBy, props.lang)}</dd>
      </dl>
      <button type="button" className="primary big" data-testid="follow" onClick={() => props.go(`/m/track?no=${created.trackingNo}&code=${created.accessCode}`)}>
        {t('follow_this')}
      </button>
    </main>
  );
}

// ---- follow ----

type Cred = { accessCode: string } | { token: string };

function CaseView(props: { t: T; lang: Lang; trackingNo: string; cred: Cred }) {
  const { t, lang } = props;
  const [c, setC] = useState<PublicCase | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState('');
  const headers = 'token' in props.cred ? { 'x-verification-token': props.cred.token } : undefined;
  const accessCode = 'accessCode' in props.cred ? props.cred.accessCode : undefined;
  const base = `/public/cases/${encodeURIComponent(props.trackingNo)}`;

  useEffect(() => {
    setError('');
    call<PublicCase>('GET', `${base}${accessCode ? `?accessCode=${accessCode}` : ''}`, { headers }).then(setC, (e) => setError(errorText(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, accessCode, lang]);

  const act = async (path: string, body: Record<string, unknown>, message: string) => {
    setError('');
    setDone('');
    try {
      setC(await call<PublicCase>('POST', `${base}/${path}`, { body: { ...(accessCode ? { accessCode } : {}), ...body }, headers }));
      setDone(message);
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };

  if (error && !c) return <p className="error" role="alert" data-testid="track-error">{error}</p>;
  if (!c) return <p className="muted">…</p>;
  return (
    <article className="case" data-testid="case" data-status={c.status}>
      <h2>{c.title}</h2>
      <p className="muted">{c.trackingNo} · {c.categoryName}</p>
      <dl className="facts">
        <dt>{t('status')}</dt>
        <dd><span className={`status s-${c.status}`} data-testid="status-text">{c.statusText}</span>{c.overdue && <span className="overdue"> {t('overdue')}</span>}</dd>
        <dt>{t('handler')}</dt>
        <dd data-testid="handler">{c.handlingUnit?.name ?? '—'}</dd>
        <dt>{t('accept_by')}</dt>
        <dd>{fmt(c.deadlines.acceptBy, lang)}</dd>
        <dt>{t('resolve_by')}</dt>
        <dd>{fmt(c.deadlines.resolveBy, lang)}</dd>
      </dl>
      {c.resolution && (
        <section className="resolution" data-testid="resolution">
          <h3>{t('resolution')}</h3>
          <p>{c.resolution.note}</p>
        </section>
      )}
      {c.allowedActions.includes('confirm') && (
        <button type="button" className="primary big" data-testid="confirm" onClick={() => void act('confirm', {}, t('confirm'))}>{t('confirm')}</button>
      )}
      {c.allowedActions.includes('rate') && (
        <section data-testid="rate">
          <h3>{t('rate_title')}</h3>
          <div className="stars" role="radiogroup">
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} type="button" role="radio" aria-checked={stars === n} data-testid={`star-${n}`} className={n <= stars ? 'on' : ''} onClick={() => setStars(n)} aria-label={`${n}`}>★</button>
            ))}
          </div>
          <p className="muted">{t('dissatisfied_note')}</p>
          <textarea data-testid="rate-comment" rows={2} maxLength={1000} placeholder={t('rate_comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="button" className="primary" data-testid="rate-send" disabled={!stars} onClick={() => void act('rate', { rating: stars, ...(comment.trim() ? { comment: comment.trim() } : {}) }, t('rated'))}>{t('rate_send')}</button>
        </section>
      )}
      {c.rating !== null && !c.allowedActions.includes('rate') && <p className="ok">{'★'.repeat(c.rating)} {c.ratingComment}</p>}
      {done && <p className="ok" role="status" data-testid="done">{done}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <section>
        <h3>{t('timeline')}</h3>
        <ol className="timeline" data-testid="timeline">
          {[...c.timeline].reverse().map((e, i) => (
            <li key={i}>
              <time>{fmt(e.at, lang)}</time>
              <p>{e.text}</p>
            </li>
          ))}
        </ol>
      </section>
      {c.allowedActions.includes('add_info') && (
        <section>
          <h3>{t('add_info')}</h3>
          <textarea data-testid="info-text" rows={3} maxLength={2000} value={info} onChange={(e) => setInfo(e.target.value)} />
          <button type="button" className="secondary" disabled={!info.trim()} data-testid="info-send" onClick={() => void act('info', { text: info.trim() }, t('info_added')).then((ok) => ok && setInfo(''))}>{t('add_info_send')}</button>
        </section>
      )}
    </article>
  );
}

function Track(props: { t: T; lang: Lang }) {
  const { t } = props;
  const q = new URLSearchParams(location.search);
  const [no, setNo] = useState(q.get('no') ?? '');
  const [code, setCode] = useState(q.get('code') ?? '');
  const [shown, setShown] = useState<{ no: string; code: string } | null>(q.get('no') && q.get('code') ? { no: q.get('no')!, code: q.get('code')! } : null);
  return (
    <main className="page">
      <h1>{t('track_title')}</h1>
      <form className="stack" onSubmit={(e) => { e.preventDefault(); setShown({ no: no.trim().toUpperCase(), code: code.trim() }); }}>
        <label>{t('tracking_no')}<input id="trackingNo" value={no} autoCapitalize="characters" onChange={(e) => setNo(e.target.value)} /></label>
        <label>{t('access_code')}<input id="accessCode" inputMode="numeric" maxLength={6} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} /></label>
        <button type="submit" className="primary" data-testid="track-go" disabled={!no.trim() || code.length !== 6}>{t('track_go')}</button>
      </form>
      {shown && <CaseView key={`${shown.no}:${shown.code}`} t={t} lang={props.lang} trackingNo={shown.no} cred={{ accessCode: shown.code }} />}
    </main>
  );
}

function Mine(props: { t: T; lang: Lang }) {
  const { t } = props;
  const [v, setV] = useState<Verification | null>(loadVerification);
  const [items, setItems] = useState<{ trackingNo: string; title: string; statusText: string; createdAt: string }[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!v) return;
    call<{ items: { trackingNo: string; title: string; statusText: string; createdAt: string }[] }>('GET', '/public/my-cases', { headers: { 'x-verification-token': v.token } }).then(
      (r) => setItems(r.items),
      (e) => setError(errorText(e)),
    );
  }, [v, props.lang]);
  return (
    <main className="page">
      <h1>{t('mine_title')}</h1>
      <PhoneVerify t={t} value={v} onVerified={setV} />
      {error && <p className="error" role="alert">{error}</p>}
      {items && items.length === 0 && <p className="muted">{t('mine_empty')}</p>}
      {items && (
        <ul className="list">
          {items.map((c) => (
            <li key={c.trackingNo}>
              <button type="button" className="item" onClick={() => setOpen(open === c.trackingNo ? null : c.trackingNo)}>
                <strong>{c.title}</strong>
                <span>{c.trackingNo} · {c.statusText} · {fmt(c.createdAt, props.lang)}</span>
              </button>
              {open === c.trackingNo && v && <CaseView t={t} lang={props.lang} trackingNo={c.trackingNo} cred={{ token: v.token }} />}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

// ---- shell ----

function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('fengqiao.m.lang') === 'en' ? 'en' : 'zh-CN'));
  const t = useT(lang);
  const [path, setPath] = useState(location.pathname + location.search);
  const [building, setBuilding] = useState<Building | null>(null);
  const [buildingError, setBuildingError] = useState('');
  const [created, setCreated] = useState<Created | null>(null);

  useEffect(() => {
    setLanguage(lang);
    document.documentElement.lang = lang;
    document.title = t('appTitle');
    localStorage.setItem('fengqiao.m.lang', lang);
  }, [lang, t]);
  useEffect(() => {
    const onPop = () => setPath(location.pathname + location.search);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(to);
    setCreated(null);
    scrollTo(0, 0);
  }, []);

  // A scanned building QR code (/q/CODE → /m/?building=CODE) opens the form with the building set.
  const buildingCode = new URLSearchParams(location.search).get('building');
  useEffect(() => {
    if (!buildingCode) return;
    call<Building>('GET', `/public/buildings/${encodeURIComponent(buildingCode)}`).then(setBuilding, (e) => setBuildingError(errorText(e)));
  }, [buildingCode]);

  let view = viewOf(path.split('?')[0]);
  if (view === 'home' && buildingCode) view = 'submit';

  let body: React.ReactNode;
  if (created) body = <Receipt t={t} lang={lang} created={created} go={go} />;
  else if (view === 'submit' || view === 'secretary') {
    body = buildingCode && !building && !buildingError ? <p className="muted page">…</p> : (
      <Submit key={view} t={t} lang={lang} secretary={view === 'secretary'} building={building} go={go} onCreated={(c) => { setCreated(c); scrollTo(0, 0); }} />
    );
  } else if (view === 'track') body = <Track key={path} t={t} lang={lang} />;
  else if (view === 'mine') body = <Mine t={t} lang={lang} />;
  else {
    body = (
      <main className="page home">
        {(['submit', 'secretary', 'track', 'mine'] as const).map((v) => (
          <button key={v} type="button" className="tile" data-testid={`home-${v}`} onClick={() => go(`/m/${v}`)}>
            <strong>{t(`home_${v}` as Key)}</strong>
            <span>{t(`home_${v}_sub` as Key)}</span>
          </button>
        ))}
      </main>
    );
  }

  return (
    <>
      <header className="bar">
        {view !== 'home' || created ? <button type="button" className="link light" onClick={() => go('/m/')}>‹ {t('back')}</button> : <span />}
        <span className="brand">{t('appTitle')}</span>
        <button type="button" className="link light" data-testid="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang')}</button>
      </header>
      {buildingError && <p className="error page" role="alert">{buildingError}</p>}
      {body}
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
