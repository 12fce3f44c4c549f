/**
 * Phone verification by a one-time code: send (with the server's resend
 * wait counted down, also after a 429), enter the six digits, verify. Once
 * verified it shows the masked phone.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../../shared/api.js';
import type { T } from '../i18n.js';
import { errorText, portalApi } from '../portal-api.js';
import type { OtpCheck, OtpRequest, OtpSent, OtpVerified } from '../portal-types.js';
import { saveVerification, type Verification } from './verification-store.js';

export function PhoneVerify(props: { t: T; value: Verification | null; onVerified: (v: Verification) => void; initialPhone?: string }) {
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
      const body: OtpRequest = { phone };
      const r = await portalApi.post<OtpSent>('/public/otp', body);
      setSent(true);
      setWait(r.resendAfterSeconds);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError && err.details.retryAfterSeconds) setWait(err.details.retryAfterSeconds);
    } finally {
      setBusy(false);
    }
  };
  const verify = async () => {
    setError('');
    setBusy(true);
    try {
      const body: OtpCheck = { phone, code };
      const r = await portalApi.post<OtpVerified>('/public/otp/verify', body);
      const v = { phone, token: r.verificationToken, expiresAt: r.expiresAt };
      saveVerification(v);
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
