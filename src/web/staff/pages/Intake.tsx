/**
 * The intake desk (诉求登记) for hall receptionists and hotline operators:
 * one keyboard-friendly form (phone first, Ctrl+Enter saves). Typing a full
 * phone number shows the caller's earlier cases and a warning when there are
 * any; typing the title shows similar open cases, and saving asks before
 * creating a likely duplicate. The result is the tracking number and access
 * code to print or read out. Grading, routing and deadlines are the server's.
 */
import { PrinterOutlined, SoundOutlined } from '@ant-design/icons';
import {
  Alert, App, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Tag, Typography, type ButtonProps,
} from 'antd';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../shared/api.js';
import { formatDateTime } from '../../shared/time.js';
import { useApi } from '../components/data.js';
import { ClockRow } from '../components/Deadline.js';
import { ErrorAlert, PageTitle, RiskTag, StatusTag, applyFieldErrors } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { Link, navigate } from '../router.js';
import type { CaseCreated, CaseList, CaseView, Category } from '../../shared/case-types.js';

interface IntakeForm {
  channel: string;
  phone?: string;
  name?: string;
  idNumber?: string;
  serviceType?: string;
  category?: string;
  title?: string;
  description?: string;
  address?: string;
  buildingCode?: string;
  peopleInvolved?: number | null;
  amountInvolved?: number | null;
  urgency: string;
  flags?: string[];
  secretaryLevel?: string;
}

const CHANNELS = ['hotline', 'walk_in', 'grid', 'secretary'];
const URGENCIES = ['normal', 'urgent', 'critical'];
const FLAGS = ['group_incident_risk', 'extreme_behavior_risk', 'public_safety', 'major_instability', 'vulnerable_person', 'repeat_petition'];
const SERVICE_TYPES = ['complaint', 'dispute', 'legal', 'psych', 'assistance'];
/** Only decides when a number is complete enough to look up; the server validates it. */
const FULL_PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** A random key per form fill: a double click or a retried request creates one case, not two. */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

const FIELD_OF: Record<string, string> = {
  'body.reporter.phone': 'phone', 'body.reporter.name': 'name', 'body.reporter.idNumber': 'idNumber', 'body.category': 'category',
  'body.serviceType': 'serviceType', 'body.title': 'title', 'body.description': 'description', 'body.location.address': 'address',
  'body.location.buildingCode': 'buildingCode', 'body.peopleInvolved': 'peopleInvolved', 'body.amountInvolved': 'amountInvolved',
  'body.urgency': 'urgency', 'body.flags': 'flags', 'body.secretaryLevel': 'secretaryLevel', 'body.channel': 'channel',
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function CaseMiniList({ items }: { items: CaseView[] }) {
  const { locale } = useI18n();
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((c) => (
        <li key={c.id} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
          <Space size={4} wrap>
            <Link to={`/cases/${c.id}`} target="_blank" rel="noopener">
              {c.trackingNo}
            </Link>
            <RiskTag level={c.riskLevel} />
            <StatusTag status={c.status} />
          </Space>
          <div style={{ fontSize: 13 }}>{c.title}</div>
          <div style={{ fontSize: 12, color: '#888' }}>{formatDateTime(c.createdAt, locale)}</div>
        </li>
      ))}
    </ul>
  );
}

function Receipt({ created, onNext }: { created: CaseCreated; onNext: () => void }) {
  const { t, tx, locale } = useI18n();
  const nextRef = useRef<HTMLButtonElement>(null);
  useEffect(() => nextRef.current?.focus(), []);
  const readOut = () => {
    if (!('speechSynthesis' in window)) return;
    const spell = (s: string) => s.split('').join(' ');
    const u = new SpeechSynthesisUtterance(t('intake.speech', { no: spell(created.trackingNo), code: spell(created.accessCode ?? '') }));
    u.lang = locale === 'en' ? 'en-US' : 'zh-CN';
    u.rate = 0.8;
    speechSynthesis.cancel();
    speechSynthesis.speak(u);
  };
  return (
    <Card className="fq-print-area" data-testid="intake-result">
      <div className="fq-print-only">
        <h2>{t('intake.receipt')}</h2>
      </div>
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Alert type="success" showIcon title={t('intake.success')} className="fq-no-print" />
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label={t('intake.trackingNo')}>
            <span data-testid="tracking-no" style={{ fontSize: 28, fontWeight: 700, letterSpacing: 2, fontVariantNumeric: 'tabular-nums' }}>
              {created.trackingNo}
            </span>
          </Descriptions.Item>
          {created.accessCode && (
            <Descriptions.Item label={t('intake.accessCode')}>
              <span data-testid="access-code" style={{ fontSize: 22, fontWeight: 600, letterSpacing: 4 }}>
                {created.accessCode}
              </span>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('intake.receiptTime')}>{formatDateTime(created.createdAt, locale)}</Descriptions.Item>
          <Descriptions.Item label={t('col.title')}>{created.title}</Descriptions.Item>
          <Descriptions.Item label={t('col.channel')}>{tx(`channel.${created.channel}`)}</Descriptions.Item>
          <Descriptions.Item label={t('col.risk')}>
            <RiskTag level={created.riskLevel} />
            {created.riskReasons.map((r) => (
              <div key={r.text} style={{ fontSize: 13 }}>
                {r.text}
              </div>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('case.deadlines')} className="fq-no-print">
            <ClockRow c={created} clock="respond" />
            <ClockRow c={created} clock="accept" />
          </Descriptions.Item>
        </Descriptions>
        <Typography.Text type="secondary">{t('intake.accessCodeHint')}</Typography.Text>
        <Space wrap className="fq-no-print">
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
            {t('intake.print')}
          </Button>
          <Button icon={<SoundOutlined />} onClick={readOut}>
            {t('intake.readOut')}
          </Button>
          <Button onClick={() => navigate(`/cases/${created.id}`)} data-testid="open-case">
            {t('intake.open')}
          </Button>
          <Button type="primary" ref={nextRef} onClick={onNext}>
            {t('intake.next')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}

export function IntakePage() {
  const { t, tx } = useI18n();
  const { modal } = App.useApp();
  const [form] = Form.useForm<IntakeForm>();
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CaseCreated | null>(null);
  const categories = useApi<{ items: Category[] }>('/categories');

  const channel = Form.useWatch('channel', form);
  const serviceType = Form.useWatch('serviceType', form);
  const phone = useDebounced((Form.useWatch('phone', form) ?? '').trim(), 250);
  const title = useDebounced((Form.useWatch('title', form) ?? '').trim(), 500);
  const phoneReady = FULL_PHONE.test(phone);
  const history = useApi<CaseList>(phoneReady ? '/cases' : null, { phone, pageSize: 10 });
  const openHistory = useApi<CaseList>(phoneReady ? '/cases' : null, { phone, open: true, pageSize: 1 });
  const dupes = useApi<CaseList>(title.length >= 2 ? '/cases' : null, { q: title, open: true, pageSize: 5 });
  const duplicates = title.length >= 2 ? (dupes.data?.items ?? []) : [];

  const categoryOptions = useMemo(
    () =>
      (categories.data?.items ?? [])
        .filter((c) => !serviceType || c.serviceType === serviceType)
        .map((c) => ({ value: c.code, label: `${c.name} (${c.code})` })),
    [categories.data, serviceType],
  );

  const historyItems = phoneReady ? (history.data?.items ?? []) : [];
  const flagsSeen = [...new Set(historyItems.flatMap((c) => c.flags))];
  const redSeen = historyItems.filter((c) => c.riskLevel === 'red').length;

  const reset = () => {
    form.resetFields();
    setCreated(null);
    setError(null);
    setKey(newKey());
    setTimeout(() => document.getElementById('intake_phone')?.focus(), 0);
  };

  const save = async (v: IntakeForm) => {
    const reporter = { name: v.name?.trim() || undefined, phone: v.phone?.trim() || undefined, idNumber: v.idNumber?.trim() || undefined };
    const location = { address: v.address?.trim() || undefined, buildingCode: v.buildingCode?.trim() || undefined };
    const body = {
      channel: v.channel,
      category: v.category,
      title: v.title?.trim(),
      description: v.description?.trim(),
      reporter: Object.values(reporter).some(Boolean) ? reporter : undefined,
      location: Object.values(location).some(Boolean) ? location : undefined,
      peopleInvolved: v.peopleInvolved ?? undefined,
      amountInvolved: v.amountInvolved ?? undefined,
      urgency: v.urgency,
      flags: v.flags?.length ? v.flags : undefined,
      secretaryLevel: v.channel === 'secretary' ? v.secretaryLevel : undefined,
    };
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<CaseCreated>('/cases', body, { 'idempotency-key': key });
      setCreated(res);
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (p) => (FIELD_OF[p] ? [FIELD_OF[p]] : null));
    } finally {
      setBusy(false);
    }
  };

  const onFinish = (v: IntakeForm) => {
    if (duplicates.length === 0) return void save(v);
    modal.confirm({
      title: t('intake.duplicates'),
      content: (
        <div>
          <p>{t('intake.duplicatesConfirm', { n: duplicates.length })}</p>
          <CaseMiniList items={duplicates} />
        </div>
      ),
      okText: t('intake.saveAnyway'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'confirm-ok' } as ButtonProps,
      onOk: () => save(v),
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      form.submit();
    }
  };

  if (created) {
    return (
      <div style={{ maxWidth: 760 }}>
        <PageTitle>{t('intake.title')}</PageTitle>
        <Receipt created={created} onNext={reset} />
      </div>
    );
  }

  return (
    <div onKeyDown={onKeyDown}>
      <PageTitle extra={<Typography.Text type="secondary">{t('intake.subtitle')}</Typography.Text>}>{t('intake.title')}</PageTitle>
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Card size="small">
            <ErrorAlert error={error} style={{ marginBottom: 12 }} />
            <Form<IntakeForm>
              form={form}
              name="intake"
              layout="vertical"
              initialValues={{ channel: 'hotline', urgency: 'normal', secretaryLevel: 'community' }}
              onFinish={onFinish}
              requiredMark
              size="middle"
            >
              <Form.Item name="channel" label={t('intake.channel')} style={{ marginBottom: 12 }}>
                <Radio.Group optionType="button" buttonStyle="solid" options={CHANNELS.map((c) => ({ value: c, label: tx(`channel.${c}`) }))} />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={10}>
                  <Form.Item name="phone" label={t('intake.phone')} style={{ marginBottom: 12 }}>
                    <Input placeholder={t('intake.phonePlaceholder')} autoFocus inputMode="tel" autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item name="name" label={t('intake.name')} style={{ marginBottom: 12 }}>
                    <Input autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="idNumber" label={t('intake.idNumber')} style={{ marginBottom: 12 }}>
                    <Input autoComplete="off" />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12}>
                <Col xs={24} sm={8}>
                  <Form.Item name="serviceType" label={t('intake.serviceType')} style={{ marginBottom: 12 }}>
                    <Select allowClear options={SERVICE_TYPES.map((s) => ({ value: s, label: tx(`serviceType.${s}`) }))} onChange={() => form.setFieldValue('category', undefined)} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={16}>
                  <Form.Item name="category" label={t('intake.category')} rules={[{ required: true, message: t('intake.categoryPlaceholder') }]} style={{ marginBottom: 12 }}>
                    <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('intake.categoryPlaceholder')} options={categoryOptions} loading={categories.loading} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="title" label={t('intake.titleField')} rules={[{ required: true, message: t('intake.titlePlaceholder') }]} style={{ marginBottom: 12 }}>
                <Input placeholder={t('intake.titlePlaceholder')} maxLength={200} />
              </Form.Item>
              <Form.Item name="description" label={t('intake.description')} rules={[{ required: true, message: t('intake.description') }]} style={{ marginBottom: 12 }}>
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={16}>
                  <Form.Item name="address" label={t('intake.address')} style={{ marginBottom: 12 }}>
                    <Input maxLength={200} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item name="buildingCode" label={t('intake.buildingCode')} style={{ marginBottom: 12 }}>
                    <Input maxLength={64} />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12}>
                <Col xs={12} sm={6}>
                  <Form.Item name="peopleInvolved" label={t('intake.people')} style={{ marginBottom: 12 }}>
                    <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={7}>
                  <Form.Item name="amountInvolved" label={t('intake.amount')} style={{ marginBottom: 12 }}>
                    <InputNumber min={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={11}>
                  <Form.Item name="urgency" label={t('intake.urgency')} style={{ marginBottom: 12 }}>
                    <Radio.Group options={URGENCIES.map((u) => ({ value: u, label: tx(`urgency.${u}`) }))} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="flags" label={t('intake.flags')} style={{ marginBottom: 12 }}>
                <Checkbox.Group options={FLAGS.map((f) => ({ value: f, label: tx(`flag.${f}`) }))} />
              </Form.Item>
              {channel === 'secretary' && (
                <Form.Item name="secretaryLevel" label={t('intake.secretaryLevel')} style={{ marginBottom: 12 }}>
                  <Radio.Group options={['community', 'subdistrict', 'district'].map((l) => ({ value: l, label: tx(`orgType.${l}`) }))} />
                </Form.Item>
              )}
              <Space style={{ position: 'sticky', bottom: 0, background: '#fff', padding: '8px 0', width: '100%', zIndex: 2, borderTop: '1px solid #f0f0f0' }}>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="intake-save">
                  {t('intake.save')}
                </Button>
                <Button onClick={reset}>{t('common.reset')}</Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Card size="small" title={t('intake.history')} style={{ marginBottom: 16 }} data-testid="caller-history">
            {!phoneReady ? (
              <Typography.Text type="secondary">{t('intake.historyHint')}</Typography.Text>
            ) : historyItems.length === 0 ? (
              <Typography.Text type="secondary">{history.loading ? t('common.loading') : t('intake.historyEmpty')}</Typography.Text>
            ) : (
              <>
                <Alert
                  type={redSeen > 0 || flagsSeen.length > 0 ? 'error' : 'warning'}
                  showIcon
                  data-testid="caller-warning"
                  title={t('intake.warning', { n: history.data?.total ?? historyItems.length, open: openHistory.data?.total ?? 0 })}
                  description={
                    <>
                      {redSeen > 0 && <div>{t('intake.warningRed', { n: redSeen })}</div>}
                      {flagsSeen.length > 0 && (
                        <div>
                          {t('intake.warningFlags', { flags: '' })}
                          {flagsSeen.map((f) => (
                            <Tag key={f} color="volcano">
                              {tx(`flag.${f}`, f)}
                            </Tag>
                          ))}
                        </div>
                      )}
                    </>
                  }
                  style={{ marginBottom: 8 }}
                />
                <CaseMiniList items={historyItems} />
              </>
            )}
          </Card>
          <Card size="small" title={t('intake.duplicates')} data-testid="duplicates">
            {title.length < 2 ? (
              <Typography.Text type="secondary">—</Typography.Text>
            ) : duplicates.length === 0 ? (
              <Typography.Text type="secondary">{dupes.loading ? t('common.loading') : t('intake.duplicatesEmpty')}</Typography.Text>
            ) : (
              <CaseMiniList items={duplicates} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
