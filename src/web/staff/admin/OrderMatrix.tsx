/** Order matrix editor: per order kind, acknowledge and arrive deadlines, minimum leader rank and headcount. */
import { Card, Form, InputNumber, Select, Spin, Table, Typography } from 'antd';
import type { Static } from 'typebox';
import type { LeaderRankListSchema } from '../../../server/modules/orders/orders.schemas.js';
import { useApi } from '../components/data.js';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { SaveBar, SpecInput, useSetting, type DeadlineSpec } from './settings.js';

interface Entry {
  acknowledge: DeadlineSpec;
  arrive: DeadlineSpec;
  minLeaderRank: string | null;
  minHeadcount: number;
}
interface Matrix {
  kinds: Record<string, Entry>;
  levels?: Record<string, unknown>;
}
const KINDS = ['emergency', 'difficult', 'routine'];

export function OrderMatrixPage() {
  const { t, tx, locale } = useI18n();
  const [form] = Form.useForm<Matrix>();
  const s = useSetting<Matrix>('/config/order-matrix', form, (v) => ({ kinds: Object.fromEntries(Object.entries(v.kinds).map(([k, e]) => [k, { ...e, minLeaderRank: e.minLeaderRank ?? '' }])) }), 3);
  const ranks = useApi<Static<typeof LeaderRankListSchema>>('/config/leader-ranks');
  if (s.loaded.missing) return <NotAvailable path="/api/v1/config/order-matrix" />;
  const rankOptions = [{ value: '', label: t('rank.none') }, ...(ranks.data?.items ?? []).map((r) => ({ value: r.code, label: locale === 'en' ? r.nameEn : r.name }))];
  return (
    <div>
      <PageTitle>{t('admin.matrix.title')}</PageTitle>
      <ErrorAlert error={s.error ?? s.loaded.error} style={{ marginBottom: 12 }} />
      {!s.loaded.data ? (
        <Spin />
      ) : (
        <Form
          form={form}
          name="matrix"
          onFinish={(v: Matrix) => {
            const kinds = Object.fromEntries(Object.entries(v.kinds).map(([k, e]) => [k, { ...e, minLeaderRank: e.minLeaderRank || null }]));
            // Per-level overrides are kept as loaded; this screen edits the kinds.
            void s.save({ kinds, levels: s.loaded.data?.levels ?? {} });
          }}
        >
          <Card size="small">
            <Table
              size="small"
              pagination={false}
              scroll={{ x: 1000 }}
              dataSource={KINDS.map((k) => ({ key: k }))}
              columns={[
                { title: t('order.kind'), key: 'k', width: 100, render: (_: unknown, r: { key: string }) => tx(`orderKind.${r.key}`) },
                { title: t('admin.matrix.acknowledge'), key: 'a', render: (_: unknown, r: { key: string }) => <Form.Item name={['kinds', r.key, 'acknowledge']} style={{ margin: 0 }}><SpecInput /></Form.Item> },
                { title: t('admin.matrix.arrive'), key: 'b', render: (_: unknown, r: { key: string }) => <Form.Item name={['kinds', r.key, 'arrive']} style={{ margin: 0 }}><SpecInput /></Form.Item> },
                { title: t('admin.matrix.rank'), key: 'c', width: 170, render: (_: unknown, r: { key: string }) => <Form.Item name={['kinds', r.key, 'minLeaderRank']} style={{ margin: 0 }}><Select options={rankOptions} style={{ width: 150 }} /></Form.Item> },
                { title: t('admin.matrix.headcount'), key: 'd', width: 120, render: (_: unknown, r: { key: string }) => <Form.Item name={['kinds', r.key, 'minHeadcount']} style={{ margin: 0 }}><InputNumber style={{ width: 90 }} /></Form.Item> },
              ]}
            />
          </Card>
          {s.loaded.data.levels && Object.keys(s.loaded.data.levels).length > 0 && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              <code>levels</code>: {JSON.stringify(s.loaded.data.levels)}
            </Typography.Paragraph>
          )}
          <SaveBar saving={s.saving} onReset={() => s.loaded.data && form.resetFields()} />
        </Form>
      )}
    </div>
  );
}
