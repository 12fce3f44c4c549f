/** After filing: the tracking number and access code to keep, the response deadline, and a way to follow the case. */
import { formatTime, type Lang, type T } from '../i18n.js';
import type { Created } from '../portal-types.js';

export function Receipt(props: { t: T; lang: Lang; created: Created; go: (path: string) => void }) {
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
        <dd>{formatTime(created.deadlines.respondBy, props.lang)}</dd>
      </dl>
      <button type="button" className="primary big" data-testid="follow" onClick={() => props.go(`/m/track?no=${created.trackingNo}&code=${created.accessCode}`)}>
        {t('follow_this')}
      </button>
    </main>
  );
}
