/** SLA policy editor: respond/accept/resolve per risk level, and per-channel overrides. */
import { Card, Form, Spin, Table, Typography } from 'antd';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { SaveBar, SpecInput, useSetting, type DeadlineSpec } from './settings.js';

type Targets = Record<'respond' | 'accept' | 'resolve', DeadlineSpec>;
interface Policy {
  levels: Record<'red' | 'yellow' | 'blue', Targets>;
  channels: Record<string, Partial<Targets>>;
}
const CLOCKS = ['respond', 'accept', 'resolve'] as const;

export function SlaPage() {
  const { t, tx } = useI18n();
  const [form] = Form.useForm<Policy>();
  const s = useSetting<Policy>('/config/sla-policy', form, (v) => v, 3);
  if (s.loaded.missing) return <NotAvailable path="/api/v1/config/sla-policy" />;
  const channels = Object.keys(s.loaded.data?.channels ?? {});
  const row = (group: 'levels' | 'channels', key: string, inherit: boolean) => ({
    key,
    name: tx(group === 'levels' ? `risk.${key}` : `channel.${key}`, key),
    ...Object.fromEntries(
      CLOCKS.map((c) => [
        c,
        <Form.Item key={c} name={[group, key, c]} style={{ margin: 0 }}>
          <SpecInput allowInherit={inherit} />
        </Form.Item>,
      ]),
    ),
  });
  const columns = [
    { title: '', dataIndex: 'name', width: 140 },
    ...CLOCKS.map((c) => ({ title: tx(`clock.${c}`), dataIndex: c })),
  ];
  return (
    <div>
      <PageTitle>{t('admin.sla.title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('admin.sla.hint')}</Typography.Paragraph>
      <ErrorAlert error={s.error ?? s.loaded.error} style={{ marginBottom: 12 }} />
      {!s.loaded.data ? (
        <Spin />
      ) : (
        <Form
          form={form}
          name="sla"
          onFinish={(v: Policy) => {
            // Drop "by risk level" (null) entries: an override lists only the clocks it changes.
            const ch: Policy['channels'] = {};
            for (const [k, targets] of Object.entries(v.channels ?? {})) {
              ch[k] = Object.fromEntries(Object.entries(targets ?? {}).filter(([, spec]) => spec)) as Partial<Targets>;
            }
            void s.save({ levels: v.levels, channels: ch });
          }}
        >
          <Card size="small" style={{ marginBottom: 12 }}>
            <Table size="small" pagination={false} columns={columns} dataSource={(['red', 'yellow', 'blue'] as const).map((l) => row('levels', l, false))} scroll={{ x: 900 }} />
          </Card>
          {channels.length > 0 && (
            <Card size="small" title={t('admin.sla.channelOverrides')}>
              <Table size="small" pagination={false} columns={columns} dataSource={channels.map((c) => row('channels', c, true))} scroll={{ x: 900 }} />
            </Card>
          )}
          <SaveBar saving={s.saving} onReset={() => s.loaded.data && form.setFieldsValue(s.loaded.data)} />
        </Form>
      )}
    </div>
  );
}
