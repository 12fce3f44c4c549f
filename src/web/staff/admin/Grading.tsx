/** Grading rules editor: per level, any matching criterion gives the level. */
import { Card, Checkbox, Col, Form, InputNumber, Row, Spin, Typography } from 'antd';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { SaveBar, useSetting } from './settings.js';

interface LevelRule {
  urgencies: string[];
  minPeople: number | null;
  minAmount: number | null;
  flags: string[];
}
type Rules = { red: LevelRule; yellow: LevelRule };

const URGENCIES = ['normal', 'urgent', 'critical'];
const FLAGS = ['group_incident_risk', 'extreme_behavior_risk', 'public_safety', 'major_instability', 'vulnerable_person', 'repeat_petition'];

export function GradingPage() {
  const { t, tx } = useI18n();
  const [form] = Form.useForm<Rules>();
  const s = useSetting<Rules>('/config/grading-rules', form, (v) => v, 2);
  const level = (l: 'red' | 'yellow') => (
    <Card size="small" title={tx(`risk.${l}`)} style={{ height: '100%' }}>
      <Form.Item name={[l, 'urgencies']} label={t('admin.grading.urgencies')}>
        <Checkbox.Group options={URGENCIES.map((u) => ({ value: u, label: tx(`urgency.${u}`) }))} />
      </Form.Item>
      <Form.Item name={[l, 'minPeople']} label={t('admin.grading.minPeople')}>
        <InputNumber style={{ width: 160 }} data-testid={`${l}-minPeople`} />
      </Form.Item>
      <Form.Item name={[l, 'minAmount']} label={t('admin.grading.minAmount')}>
        <InputNumber style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name={[l, 'flags']} label={t('admin.grading.flags')}>
        <Checkbox.Group options={FLAGS.map((f) => ({ value: f, label: tx(`flag.${f}`) }))} />
      </Form.Item>
    </Card>
  );
  if (s.loaded.missing) return <NotAvailable path="/api/v1/config/grading-rules" />;
  return (
    <div>
      <PageTitle>{t('admin.grading.title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('admin.grading.hint')}</Typography.Paragraph>
      <ErrorAlert error={s.error ?? s.loaded.error} style={{ marginBottom: 12 }} />
      {!s.loaded.data ? (
        <Spin />
      ) : (
        <Form
          form={form}
          layout="vertical"
          name="grading"
          onFinish={(v: Rules) => {
            const clean = (r: LevelRule): LevelRule => ({ urgencies: r.urgencies ?? [], flags: r.flags ?? [], minPeople: r.minPeople ?? null, minAmount: r.minAmount ?? null });
            void s.save({ red: clean(v.red), yellow: clean(v.yellow) });
          }}
        >
          <Row gutter={12}>
            <Col xs={24} lg={12}>{level('red')}</Col>
            <Col xs={24} lg={12}>{level('yellow')}</Col>
          </Row>
          <SaveBar saving={s.saving} onReset={() => s.loaded.data && form.setFieldsValue(s.loaded.data)} />
        </Form>
      )}
    </div>
  );
}
