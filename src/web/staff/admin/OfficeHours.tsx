/** Office hours (working time for blue clocks) and the same-day cutoff. */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Space, Spin } from 'antd';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { SaveBar, useSetting } from './settings.js';

interface Hours {
  periods: { start: string; end: string }[];
  sameDayCutoff: string;
}

export function OfficeHoursPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Hours>();
  // A bad period is reported as `periods.<i>`; the error list above names it.
  const s = useSetting<Hours>('/config/office-hours', form, (v) => v, 2);
  if (s.loaded.missing) return <NotAvailable path="/api/v1/config/office-hours" />;
  return (
    <div>
      <PageTitle>{t('admin.office.title')}</PageTitle>
      <ErrorAlert error={s.error ?? s.loaded.error} style={{ marginBottom: 12 }} />
      {!s.loaded.data ? (
        <Spin />
      ) : (
        <Card size="small" style={{ maxWidth: 560 }}>
          <Form form={form} layout="vertical" name="office" onFinish={(v: Hours) => void s.save({ periods: v.periods ?? [], sameDayCutoff: v.sameDayCutoff })}>
            <Form.Item label={t('admin.office.periods')}>
              <Form.List name="periods">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline">
                        <Form.Item name={[f.name, 'start']} style={{ marginBottom: 8 }}>
                          <Input placeholder={t('admin.office.start')} style={{ width: 110 }} aria-label={t('admin.office.start')} />
                        </Form.Item>
                        –
                        <Form.Item name={[f.name, 'end']} style={{ marginBottom: 8 }}>
                          <Input placeholder={t('admin.office.end')} style={{ width: 110 }} aria-label={t('admin.office.end')} />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} />
                      </Space>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ start: '', end: '' })}>
                      {t('admin.office.addPeriod')}
                    </Button>
                  </>
                )}
              </Form.List>
            </Form.Item>
            <Form.Item name="sameDayCutoff" label={t('admin.office.cutoff')}>
              <Input style={{ width: 110 }} placeholder="18:00" />
            </Form.Item>
            <SaveBar saving={s.saving} onReset={() => s.loaded.data && form.setFieldsValue(s.loaded.data)} />
          </Form>
        </Card>
      )}
    </div>
  );
}
