/**
 * Shared pieces of the configuration editors: load and save one setting
 * (GET/PUT /config/<name>, validated by the server, errors shown with their
 * paths) and an editor for one deadline spec (minutes on a clock, working
 * days, or same day).
 */
import { App, Button, InputNumber, Select, Space } from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../shared/api.js';
import { useApi } from '../components/data.js';
import { applyFieldErrors } from '../components/ui.js';
import { useI18n } from '../i18n.js';

export type DeadlineSpec =
  | { kind: 'minutes'; minutes: number; clock: 'calendar' | 'working' }
  | { kind: 'working_days'; days: number }
  | { kind: 'same_day' };

export function useSetting<T>(path: string, form: FormInstance, toForm: (v: T) => object, depth: number) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const loaded = useApi<T>(path);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (loaded.data) form.setFieldsValue(toForm(loaded.data));
    // toForm is a pure mapping: re-run only when new data arrives.
  }, [loaded.data, form]);
  const save = async (value: unknown) => {
    setSaving(true);
    setError(null);
    try {
      await api.put(path, value);
      void message.success(t('common.saved'));
      loaded.reload();
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (p) => {
        const parts = p.replace(/^body\.?/, '').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
        if (parts.length === 0) return null;
        return parts.slice(0, depth).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      });
    } finally {
      setSaving(false);
    }
  };
  return { loaded, error, saving, save };
}

export function SpecInput({ value, onChange, allowInherit }: { value?: DeadlineSpec | null; onChange?: (v: DeadlineSpec | null) => void; allowInherit?: boolean }) {
  const { t } = useI18n();
  const kind = value?.kind ?? (allowInherit ? '' : 'minutes');
  const setKind = (k: string) => {
    if (k === '') onChange?.(null);
    else if (k === 'minutes') onChange?.({ kind: 'minutes', minutes: 30, clock: 'calendar' });
    else if (k === 'working_days') onChange?.({ kind: 'working_days', days: 1 });
    else onChange?.({ kind: 'same_day' });
  };
  return (
    <Space.Compact>
      <Select
        style={{ width: 120 }}
        value={kind}
        onChange={setKind}
        options={[
          ...(allowInherit ? [{ value: '', label: t('admin.sla.useLevel') }] : []),
          { value: 'minutes', label: t('admin.sla.kind.minutes') },
          { value: 'working_days', label: t('admin.sla.kind.working_days') },
          { value: 'same_day', label: t('admin.sla.kind.same_day') },
        ]}
      />
      {value?.kind === 'minutes' && (
        <>
          <InputNumber style={{ width: 90 }} value={value.minutes} onChange={(n) => onChange?.({ ...value, minutes: Number(n) })} />
          <Select
            style={{ width: 120 }}
            value={value.clock}
            onChange={(c) => onChange?.({ ...value, clock: c })}
            options={[
              { value: 'calendar', label: t('admin.sla.clock.calendar') },
              { value: 'working', label: t('admin.sla.clock.working') },
            ]}
          />
        </>
      )}
      {value?.kind === 'working_days' && <InputNumber style={{ width: 90 }} value={value.days} onChange={(n) => onChange?.({ ...value, days: Number(n) })} />}
    </Space.Compact>
  );
}

export function SaveBar({ saving, onReset }: { saving: boolean; onReset: () => void }) {
  const { t } = useI18n();
  return (
    <Space style={{ marginTop: 8 }}>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="settings-save">
        {t('common.save')}
      </Button>
      <Button onClick={onReset}>{t('common.reset')}</Button>
    </Space>
  );
}
