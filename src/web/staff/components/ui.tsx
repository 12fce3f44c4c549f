/** Small display pieces shared by the screens: tags, errors, empty states. */
import { Alert, Empty, Tag, type FormInstance } from 'antd';
import type { ReactNode } from 'react';
import type { CaseState } from '../../../shared/lifecycle.js';
import type { RiskLevel } from '../../../shared/risk.js';
import { ApiError } from '../../shared/api.js';
import { useI18n } from '../i18n.js';

const RISK_COLOR: Record<string, string> = { red: 'red', yellow: 'gold', blue: 'blue' } satisfies Record<RiskLevel, string>;

export function RiskTag({ level }: { level: string }) {
  const { tx } = useI18n();
  return (
    <Tag color={RISK_COLOR[level] ?? 'default'} data-risk={level}>
      {tx(`risk.${level}`, level)}
    </Tag>
  );
}

// Typed against the shared states so a new state cannot go without a colour.
const STATUS_COLOR: Record<string, string> = {
  submitted: 'orange', accepted: 'cyan', dispatched: 'geekblue', in_progress: 'blue', resolved: 'green',
  confirmed: 'green', closed: 'default', rejected: 'default', suspended: 'purple', merged: 'default',
} satisfies Record<CaseState, string>;

export function StatusTag({ status }: { status: string }) {
  const { tx } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-status={status}>
      {tx(`status.${status}`, status)}
    </Tag>
  );
}

/** The server's message, and each invalid field with its path, as the server worded them. */
export function ErrorAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const fields = e?.fields ?? [];
  const allowed = e?.details.allowedActions;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={style}
      title={e?.message ?? String(error)}
      description={
        fields.length > 0 ? (
          <div>
            {t('common.errorFields')}
            <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
              {fields.map((f) => (
                <li key={`${f.path}|${f.message}`}>
                  <code>{f.path}</code>：{f.message}
                </li>
              ))}
            </ul>
          </div>
        ) : Array.isArray(allowed) ? (
          <span>{(allowed as string[]).join(', ')}</span>
        ) : undefined
      }
    />
  );
}

/** An endpoint that is not deployed yet: say so plainly instead of failing. */
export function NotAvailable({ path }: { path: string }) {
  const { t } = useI18n();
  return <Empty description={<span>{t('common.notAvailable')}<br /><small>{t('common.notAvailableHint', { path })}</small></span>} />;
}

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', marginBottom: 12, gap: 12, flexWrap: 'wrap' }}>
      <h2 style={{ margin: 0, fontSize: 20 }}>{children}</h2>
      {extra}
    </div>
  );
}

/** Shows the server's field messages on the matching form fields (`body.reporter.phone` → `phone`). */
export function applyFieldErrors<T>(form: FormInstance<T>, error: unknown, map: (path: string) => (string | number)[] | null): void {
  form.setFields(formFieldErrors(error, map) as unknown as Parameters<FormInstance<T>['setFields']>[0]);
}

/** Maps server field paths (`body.reporter.phone`) onto antd form field names. */
export function formFieldErrors(error: unknown, map: (path: string) => (string | number)[] | null) {
  if (!(error instanceof ApiError)) return [];
  return error.fields.flatMap((f) => {
    const name = map(f.path);
    return name ? [{ name, errors: [f.message] }] : [];
  });
}
