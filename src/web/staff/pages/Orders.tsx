/**
 * Orders (社区吹哨，部门报到): the department inbox with acknowledge, check-in
 * and complete; the orders a unit issued, with confirm; and the orders block
 * of a case page with "issue order". Buttons follow each order's
 * `allowedActions`; deadlines and late/under-ranked flags are the server's.
 */
import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { Static } from 'typebox';
import { useState } from 'react';
import { CLOSED_STATES, isIn } from '../../../shared/lifecycle.js';
import { api } from '../../shared/api.js';
import { useLiveEvents } from '../../shared/sse.js';
import { formatCountdown, formatDateTime, useServerNow } from '../../shared/time.js';
import { useAuth } from '../auth.js';
import { useApi } from '../components/data.js';
import { useThrottled } from '../../shared/use-throttled.js';
import { ErrorAlert, NotAvailable, PageTitle, RiskTag, applyFieldErrors } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import type { CaseView } from '../../shared/case-types.js';
import type { LeaderRankListSchema, OrderListSchema, OrderSchema } from '../../../server/modules/orders/orders.schemas.js';
import type { DepartmentDirectorySchema } from '../../../server/modules/orgs/orgs.schemas.js';

/** An order as the orders routes answer it (orders.schemas.ts). */
export type OrderView = Static<typeof OrderSchema>;
type OrderList = Static<typeof OrderListSchema>;
type LeaderRanks = Static<typeof LeaderRankListSchema>;

function OrderDeadline({ due, done, overdue }: { due: string; done: string | null; overdue: boolean }) {
  const { t, locale } = useI18n();
  const now = useServerNow();
  if (done) return <Tag>{`${t('deadline.done')} ${formatDateTime(done, locale)}`}</Tag>;
  const left = new Date(due).getTime() - now;
  const late = overdue || left < 0;
  return (
    <Tag color={late ? 'red' : 'green'} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {formatCountdown(left, locale)}
      {late ? ` · ${t('deadline.overdue')}` : ''}
    </Tag>
  );
}

function OrderStep({ order, step, onClose, onDone }: { order: OrderView | null; step: string | null; onClose: () => void; onDone: () => void }) {
  const { t, tx, locale } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ranks = useApi<LeaderRanks>(step === 'check_in' ? '/config/leader-ranks' : null);
  const path = step === 'check_in' ? 'check-in' : step;
  const submit = async (v: Record<string, unknown>) => {
    if (!order || !step) return;
    setBusy(true);
    setError(null);
    try {
      const body = step === 'check_in' ? { leaderRank: v.leaderRank, headcount: v.headcount, lat: v.lat ?? undefined, lng: v.lng ?? undefined } : step === 'complete' ? { report: v.report } : step === 'confirm' ? { note: v.note || undefined } : {};
      await api.post(`/orders/${order.id}/${path}`, body);
      onDone();
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (p) => [p.replace(/^body\./, '')]);
    } finally {
      setBusy(false);
    }
  };
  const label = step === 'check_in' ? t('order.checkIn') : step === 'acknowledge' ? t('order.acknowledge') : step === 'complete' ? t('order.complete') : t('action.confirm');
  return (
    <Modal open={Boolean(order && step)} title={`${label} · ${order?.case.trackingNo ?? ''}`} onCancel={onClose} onOk={() => form.submit()} okText={label} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
      <ErrorAlert error={error} style={{ marginBottom: 12 }} />
      {order && <Typography.Paragraph>{order.instructions}</Typography.Paragraph>}
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        {step === 'check_in' && (
          <>
            <Form.Item name="leaderRank" label={t('order.leaderRank')} extra={order?.requirements.minLeaderRankLabel ? `≥ ${order.requirements.minLeaderRankLabel}` : undefined}>
              <Select options={(ranks.data?.items ?? []).map((r) => ({ value: r.code, label: locale === 'en' ? r.nameEn : r.name }))} />
            </Form.Item>
            <Form.Item name="headcount" label={t('order.headcount')} extra={order ? `≥ ${order.requirements.minHeadcount}` : undefined}>
              <InputNumber min={1} precision={0} />
            </Form.Item>
            <Space>
              <Form.Item name="lat" label={t('order.lat')}>
                <InputNumber />
              </Form.Item>
              <Form.Item name="lng" label={t('order.lng')}>
                <InputNumber />
              </Form.Item>
            </Space>
          </>
        )}
        {step === 'complete' && (
          <Form.Item name="report" label={t('order.report')}>
            <Input.TextArea autoSize={{ minRows: 3 }} />
          </Form.Item>
        )}
        {step === 'confirm' && (
          <Form.Item name="note" label={t('case.note')}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        )}
        {step === 'acknowledge' && <Typography.Text>{tx(`orderKind.${order?.kind ?? ''}`)}</Typography.Text>}
      </Form>
    </Modal>
  );
}

function useOrderColumns(onStep: (o: OrderView, step: string) => void) {
  const { t, tx } = useI18n();
  return [
    {
      title: t('order.case'),
      key: 'case',
      render: (_: unknown, o: OrderView) => (
        <div>
          <Link to={`/cases/${o.case.id}`}>{o.case.trackingNo ?? o.case.id.slice(0, 8)}</Link> {o.case.riskLevel && <RiskTag level={o.case.riskLevel} />}
          <div style={{ fontSize: 12 }}>{o.case.title}</div>
        </div>
      ),
    },
    { title: t('order.kind'), key: 'kind', render: (_: unknown, o: OrderView) => <Tag color={o.kind === 'emergency' ? 'red' : o.kind === 'difficult' ? 'orange' : 'blue'}>{tx(`orderKind.${o.kind}`, o.kind)}</Tag> },
    { title: t('order.department'), key: 'dept', render: (_: unknown, o: OrderView) => o.department.name ?? '—' },
    { title: t('common.status'), key: 'status', render: (_: unknown, o: OrderView) => tx(`orderStatus.${o.status}`, o.status) },
    {
      title: t('order.acknowledgeBy'),
      key: 'ack',
      render: (_: unknown, o: OrderView) => <OrderDeadline due={o.deadlines.acknowledgeBy} done={o.acknowledgedAt} overdue={o.flags.acknowledgeOverdue} />,
    },
    {
      title: t('order.arriveBy'),
      key: 'arrive',
      render: (_: unknown, o: OrderView) => (
        <Space size={2} wrap>
          <OrderDeadline due={o.deadlines.arriveBy} done={o.checkIn?.at ?? null} overdue={o.flags.arriveOverdue} />
          {o.flags.late && <Tag color="red">{t('order.late')}</Tag>}
          {o.flags.underRanked && <Tag color="volcano">{t('order.underRanked')}</Tag>}
          {o.flags.underStaffed && <Tag color="volcano">{t('order.underStaffed')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, o: OrderView) => (
        <Space size={4} wrap>
          {o.allowedActions.map((a) => (
            <Button key={a} size="small" type={a === 'confirm' ? 'default' : 'primary'} onClick={() => onStep(o, a)} data-order-action={a}>
              {a === 'check_in' ? t('order.checkIn') : a === 'acknowledge' ? t('order.acknowledge') : a === 'complete' ? t('order.complete') : t('action.confirm')}
            </Button>
          ))}
        </Space>
      ),
    },
  ];
}

function OrderTable({ query }: { query: Record<string, string | number> }) {
  const { t } = useI18n();
  const { token } = useAuth();
  const list = useApi<OrderList>('/orders', query);
  const [step, setStep] = useState<{ order: OrderView; step: string } | null>(null);
  const refresh = useThrottled(list.reload, 300);
  useLiveEvents(token, (e) => {
    if (e.name.startsWith('order.') || e.name === 'stream.reconnected') refresh();
  });
  const columns = useOrderColumns((order, s) => setStep({ order, step: s }));
  if (list.missing) return <NotAvailable path="/api/v1/orders" />;
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table<OrderView> rowKey="id" size="small" loading={list.loading} dataSource={list.data?.items ?? []} columns={columns} pagination={false} locale={{ emptyText: t('order.empty') }} scroll={{ x: 900 }} />
      <OrderStep
        order={step?.order ?? null}
        step={step?.step ?? null}
        onClose={() => setStep(null)}
        onDone={() => {
          setStep(null);
          list.reload();
        }}
      />
    </>
  );
}

export function OrdersPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const tabs = [
    ...(can('order:execute') ? [{ key: 'received', label: t('order.inbox'), children: <OrderTable query={{ box: 'received', pageSize: 100 }} /> }] : []),
    ...(can('order:issue') ? [{ key: 'issued', label: t('order.issued'), children: <OrderTable query={{ box: 'issued', pageSize: 100 }} /> }] : []),
  ];
  return (
    <div>
      <PageTitle>{t('order.title')}</PageTitle>
      <Card size="small">
        <Tabs items={tabs} destroyOnHidden />
      </Card>
    </div>
  );
}

function IssueOrder({ c, open, onClose, onDone }: { c: CaseView; open: boolean; onClose: () => void; onDone: () => void }) {
  const { t, tx, locale } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const depts = useApi<Static<typeof DepartmentDirectorySchema>>(open ? '/orgs/departments' : null);
  const submit = async (v: { kind: string; departmentIds: string[]; instructions: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/cases/${c.id}/orders`, v);
      form.resetFields();
      onDone();
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (p) => [p.replace(/^body\./, '').split('.')[0]]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={`${t('case.issueOrder')} · ${c.trackingNo}`} onCancel={onClose} onOk={() => form.submit()} okText={t('case.issueOrder')} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
      <ErrorAlert error={error} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: c.riskLevel === 'red' ? 'emergency' : 'routine' }} preserve={false}>
        <Form.Item name="kind" label={t('order.kind')}>
          <Select options={['emergency', 'difficult', 'routine'].map((k) => ({ value: k, label: tx(`orderKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="departmentIds" label={t('order.departments')}>
          <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} loading={depts.loading} options={(depts.data?.items ?? []).map((d) => ({ value: d.id, label: locale === 'en' && d.nameEn ? d.nameEn : d.name }))} />
        </Form.Item>
        <Form.Item name="instructions" label={t('order.instructions')}>
          <Input.TextArea autoSize={{ minRows: 3 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The orders block of a case page. */
export function CaseOrders({ caseView }: { caseView: CaseView }) {
  const { t, tx, locale } = useI18n();
  const { can, token } = useAuth();
  const { message } = App.useApp();
  const list = useApi<OrderList>('/orders', { caseId: caseView.id, pageSize: 50 });
  const [issuing, setIssuing] = useState(false);
  const [step, setStep] = useState<{ order: OrderView; step: string } | null>(null);
  const refresh = useThrottled(list.reload, 300);
  useLiveEvents(token, (e) => {
    if (e.caseId === caseView.id && e.name.startsWith('order.')) refresh();
  });
  const open = !isIn(CLOSED_STATES, caseView.status);
  return (
    <Card
      size="small"
      title={t('case.orders')}
      extra={can('order:issue') && open && !list.missing ? <Button size="small" onClick={() => setIssuing(true)}>{t('case.issueOrder')}</Button> : null}
    >
      {list.missing ? (
        <NotAvailable path="/api/v1/orders" />
      ) : (list.data?.items ?? []).length === 0 ? (
        <Typography.Text type="secondary">{t('order.empty')}</Typography.Text>
      ) : (
        (list.data?.items ?? []).map((o) => (
          <div key={o.id} style={{ borderBottom: '1px solid #f0f0f0', padding: '6px 0' }}>
            <Space wrap size={4}>
              <Tag color={o.kind === 'emergency' ? 'red' : 'blue'}>{tx(`orderKind.${o.kind}`, o.kind)}</Tag>
              <strong>{o.department.name}</strong>
              <Tag>{tx(`orderStatus.${o.status}`, o.status)}</Tag>
              {o.flags.late && <Tag color="red">{t('order.late')}</Tag>}
            </Space>
            <div style={{ fontSize: 12, color: '#666' }}>
              {t('order.arriveBy')} {formatDateTime(o.deadlines.arriveBy, locale)}
              {o.checkIn && ` · ${t('order.checkIn')} ${formatDateTime(o.checkIn.at, locale)}`}
            </div>
            {o.allowedActions.length > 0 && (
              <Space size={4} style={{ marginTop: 4 }}>
                {o.allowedActions.map((a) => (
                  <Button key={a} size="small" onClick={() => setStep({ order: o, step: a })}>
                    {a === 'check_in' ? t('order.checkIn') : a === 'acknowledge' ? t('order.acknowledge') : a === 'complete' ? t('order.complete') : t('action.confirm')}
                  </Button>
                ))}
              </Space>
            )}
          </div>
        ))
      )}
      <IssueOrder
        c={caseView}
        open={issuing}
        onClose={() => setIssuing(false)}
        onDone={() => {
          setIssuing(false);
          void message.success(t('common.done'));
          list.reload();
        }}
      />
      <OrderStep
        order={step?.order ?? null}
        step={step?.step ?? null}
        onClose={() => setStep(null)}
        onDone={() => {
          setStep(null);
          list.reload();
        }}
      />
    </Card>
  );
}
