/** 查询进度: follow a case with its tracking number and six-digit access code (also opened from the receipt's link). */
import { useState } from 'react';
import type { Lang, T } from '../i18n.js';
import { CaseDetails } from './CaseDetails.js';

export function TrackPage(props: { t: T; lang: Lang }) {
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
      {shown && <CaseDetails key={`${shown.no}:${shown.code}`} t={t} lang={props.lang} trackingNo={shown.no} cred={{ accessCode: shown.code }} />}
    </main>
  );
}
