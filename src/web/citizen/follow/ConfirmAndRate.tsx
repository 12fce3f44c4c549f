/**
 * Closing the loop: confirm the result, and rate it 1–5 with a comment
 * (1–2 reopen the case for further work). Shown as the case's
 * `allowedActions` say; a given rating is shown once rating is over.
 */
import { useState } from 'react';
import type { T } from '../i18n.js';
import type { PublicCase, RateRequest } from '../portal-types.js';

/** Posts a resident action on the case; resolves whether it succeeded. */
export type ResidentAct = (path: 'confirm' | 'rate' | 'info', body: Record<string, unknown>, message: string) => Promise<boolean>;

export function ConfirmAndRate({ t, c, act }: { t: T; c: PublicCase; act: ResidentAct }) {
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const rating: Omit<RateRequest, 'accessCode'> = { rating: stars, ...(comment.trim() ? { comment: comment.trim() } : {}) };
  return (
    <>
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
          <button type="button" className="primary" data-testid="rate-send" disabled={!stars} onClick={() => void act('rate', rating, t('rated'))}>{t('rate_send')}</button>
        </section>
      )}
      {c.rating !== null && !c.allowedActions.includes('rate') && <p className="ok">{'★'.repeat(c.rating)} {c.ratingComment}</p>}
    </>
  );
}
