/**
 * One case as its resident follows it: status, handling unit, deadlines,
 * the result, confirm and rate, the timeline in plain sentences, and adding
 * information. Opened with the access code (tracking) or the verified
 * phone's token (my requests).
 */
import { useEffect, useState } from 'react';
import { formatTime, type Lang, type T } from '../i18n.js';
import { errorText, portalApi } from '../portal-api.js';
import type { PublicCase } from '../portal-types.js';
import { ConfirmAndRate, type ResidentAct } from './ConfirmAndRate.js';

/** How the resident proves the case is theirs. */
export type Cred = { accessCode: string } | { token: string };

export function CaseDetails(props: { t: T; lang: Lang; trackingNo: string; cred: Cred }) {
  const { t, lang } = props;
  const [c, setC] = useState<PublicCase | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [done, setDone] = useState('');
  const headers = 'token' in props.cred ? { 'x-verification-token': props.cred.token } : undefined;
  const accessCode = 'accessCode' in props.cred ? props.cred.accessCode : undefined;
  const base = `/public/cases/${encodeURIComponent(props.trackingNo)}`;

  useEffect(() => {
    setError('');
    portalApi.get<PublicCase>(base, { accessCode }, headers).then(setC, (e) => setError(errorText(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, accessCode, lang]);

  const act: ResidentAct = async (path, body, message) => {
    setError('');
    setDone('');
    try {
      setC(await portalApi.post<PublicCase>(`${base}/${path}`, { ...(accessCode ? { accessCode } : {}), ...body }, headers));
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
        <dd>{formatTime(c.deadlines.acceptBy, lang)}</dd>
        <dt>{t('resolve_by')}</dt>
        <dd>{formatTime(c.deadlines.resolveBy, lang)}</dd>
      </dl>
      {c.resolution && (
        <section className="resolution" data-testid="resolution">
          <h3>{t('resolution')}</h3>
          <p>{c.resolution.note}</p>
        </section>
      )}
      <ConfirmAndRate t={t} c={c} act={act} />
      {done && <p className="ok" role="status" data-testid="done">{done}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <section>
        <h3>{t('timeline')}</h3>
        <ol className="timeline" data-testid="timeline">
          {[...c.timeline].reverse().map((e, i) => (
            <li key={i}>
              <time>{formatTime(e.at, lang)}</time>
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
