/** 我的诉求: after verifying the phone, its cases; one opens in place. */
import { useEffect, useState } from 'react';
import { formatTime, type Lang, type T } from '../i18n.js';
import { errorText, portalApi } from '../portal-api.js';
import type { MyCases } from '../portal-types.js';
import { CaseDetails } from '../follow/CaseDetails.js';
import { PhoneVerify } from '../verification/PhoneVerify.js';
import { loadVerification, type Verification } from '../verification/verification-store.js';

export function MyRequests(props: { t: T; lang: Lang }) {
  const { t } = props;
  const [v, setV] = useState<Verification | null>(loadVerification);
  const [items, setItems] = useState<MyCases['items'] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!v) return;
    portalApi.get<MyCases>('/public/my-cases', undefined, { 'x-verification-token': v.token }).then(
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
                <span>{c.trackingNo} · {c.statusText} · {formatTime(c.createdAt, props.lang)}</span>
              </button>
              {open === c.trackingNo && v && <CaseDetails t={t} lang={props.lang} trackingNo={c.trackingNo} cred={{ token: v.token }} />}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
