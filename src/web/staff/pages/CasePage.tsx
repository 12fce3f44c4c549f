/**
 * One case: what it is, why it has its grade, its clocks, the reporter (masked
 * unless revealed, with an audited reveal), the timeline, attachments, orders,
 * and the actions the server lists in `allowedActions` — only those. The page
 * refetches when the live stream says this case changed.
 */
import { ArrowLeftOutlined, EyeOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, Modal, Radio, Result, Row, Select, Space, Spin, Tag, Timeline,
  Typography, Upload, type ButtonProps,
} from 'antd';
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { OrgSchema } from '../../../server/modules/orgs/orgs.schemas.js';
import { api, ApiError } from '../../shared/api.js';
import { useLiveEvents } from '../../shared/sse.js';
import { formatDateTime, syncServerClock } from '../../shared/time.js';
import { useAuth } from '../auth.js';
import { OrgName, useApi } from '../components/data.js';
import { useThrottled } from '../../shared/use-throttled.js';
import { ClockRow } from '../components/Deadline.js';
import { ErrorAlert, RiskTag, StatusTag, applyFieldErrors } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import type { CaseEvent, CaseList, CaseView, Category } from '../../shared/case-types.js';
import { CaseOrders } from './Orders.js';

type OrgOption = Pick<Static<typeof OrgSchema>, 'id' | 'name' | 'nameEn' | 'type'>;

interface ActionForm {
  note?: string;
  targetOrgId?: string;
  redirectTo?: string;
  riskLevel?: string;
  major?: boolean;
  targetTrackingNo?: string;
}

const PRIMARY = ['accept', 'dispatch', 'start', 'resolve', 'confirm', 'close', 'resume'];
const DANGER = ['reject', 'escalate', 'suspend'];
/** Actions the timeline's note box performs; they are not repeated as buttons. */
const INLINE = ['comment'];

function ActionModal({
  action, c, onClose, onDone, attachmentIds,
}: { action: string | null; c: CaseView; onClose: () => void; onDone: (updated: CaseView) => void; attachmentIds: string[] }) {
  const { t, tx, locale } = useI18n();
  const [form] = Form.useForm<ActionForm>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const needsOrg = action === 'dispatch' || action === 'transfer';
  const orgs = useApi<{ items: OrgOption[] }>(needsOrg ? '/orgs' : null, { pageSize: 500 });
  const submit = async (v: ActionForm) => {
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      let targetCaseId: string | undefined;
      if (action === 'merge' && v.targetTrackingNo) {
        const found = await api.get<CaseList>('/cases', { q: v.targetTrackingNo.trim(), pageSize: 1 });
        targetCaseId = found.items[0]?.id;
        if (!targetCaseId) {
          form.setFields([{ name: 'targetTrackingNo', errors: [t('case.targetCaseNotFound')] }]);
          return;
        }
      }
      const body = {
        action,
        note: v.note?.trim() || undefined,
        targetOrgId: v.targetOrgId || undefined,
        redirectTo: v.redirectTo?.trim() || undefined,
        riskLevel: v.riskLevel || undefined,
        major: action === 'escalate' ? Boolean(v.major) : undefined,
        targetCaseId,
        attachmentIds: attachmentIds.length ? attachmentIds : undefined,
      };
      const updated = await api.post<CaseView>(`/cases/${c.id}/actions`, body);
      form.resetFields();
      onDone(updated);
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (p) => {
        const f = p.replace(/^body\./, '');
        if (f === 'targetCaseId') return ['targetTrackingNo'];
        return ['note', 'targetOrgId', 'redirectTo', 'riskLevel', 'major'].includes(f) ? [f] : null;
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={Boolean(action)}
      title={action ? `${tx(`action.${action}`, action)} · ${c.trackingNo}` : ''}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      onOk={() => form.submit()}
      okText={action ? tx(`action.${action}`, action) : t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ danger: action ? DANGER.includes(action) : false, 'data-testid': 'action-confirm' } as ButtonProps}
    >
      <ErrorAlert error={error} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" onFinish={submit} name="action" preserve={false}>
        {needsOrg && (
          <Form.Item name="targetOrgId" label={t('case.targetOrg')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={action === 'dispatch' ? t('case.targetOrgDefault') : undefined}
              loading={orgs.loading}
              options={(orgs.data?.items ?? [])
                .filter((o) => o.id !== (action === 'transfer' ? c.ownerOrgId : ''))
                .map((o) => ({ value: o.id, label: `${locale === 'en' && o.nameEn ? o.nameEn : o.name} · ${tx(`orgType.${o.type}`, o.type)}` }))}
            />
          </Form.Item>
        )}
        {action === 'reject' && (
          <Form.Item name="redirectTo" label={t('case.redirectTo')}>
            <Input />
          </Form.Item>
        )}
        {action === 'regrade' && (
          <Form.Item name="riskLevel" label={t('case.riskLevel')}>
            <Radio.Group options={['red', 'yellow', 'blue'].filter((l) => l !== c.riskLevel).map((l) => ({ value: l, label: tx(`risk.${l}`) }))} />
          </Form.Item>
        )}
        {action === 'escalate' && (
          <Form.Item name="major" valuePropName="checked">
            <Checkbox>{t('case.majorField')}</Checkbox>
          </Form.Item>
        )}
        {action === 'merge' && (
          <Form.Item name="targetTrackingNo" label={t('case.targetCase')}>
            <Input placeholder="GM20261123-000001" />
          </Form.Item>
        )}
        <Form.Item name="note" label={t('case.note')} style={{ marginBottom: 0 }}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} placeholder={t('case.notePlaceholder')} autoFocus />
        </Form.Item>
        {attachmentIds.length > 0 && <Typography.Text type="secondary">{t('case.pendingAttachments', { n: attachmentIds.length })}</Typography.Text>}
      </Form>
    </Modal>
  );
}

function eventLabel(e: CaseEvent, tx: (k: string, f?: string) => string): string {
  if (e.action === 'breach') return `${tx('action.overdue')} · ${tx(`clock.${String(e.data.clock ?? '')}`, String(e.data.clock ?? ''))}`;
  if (e.action === 'warning') return `${tx('action.warning')} · ${tx(`clock.${String(e.data.clock ?? '')}`, String(e.data.clock ?? ''))}`;
  if (e.action === 'escalate' && e.actor.kind === 'system') return tx('action.escalated');
  if (e.action === 'confirm' && e.data.by === 'auto') return tx('action.auto_confirm');
  if (e.action === 'order_issued') return tx('case.issueOrder');
  return tx(`action.${e.action}`, e.action);
}

function AttachmentPreview({ file, onClose }: { file: { id: string; fileName: string; mimeType: string } | null; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setUrl(null);
    setError(null);
    if (!file) return;
    let objectUrl: string | null = null;
    let live = true;
    api
      .blob(`/attachments/${file.id}`)
      .then((b) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(b);
        setUrl(objectUrl);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [file]);
  return (
    <Modal open={Boolean(file)} title={file?.fileName} footer={null} onCancel={onClose} width={720} destroyOnHidden>
      <ErrorAlert error={error} />
      {!url && !error && <Spin />}
      {url && file?.mimeType.startsWith('image/') && <img src={url} alt={file.fileName} style={{ maxWidth: '100%' }} />}
      {url && file?.mimeType.startsWith('audio/') && <audio src={url} controls style={{ width: '100%' }} />}
      {url && file?.mimeType === 'application/pdf' && <iframe src={url} title={file.fileName} style={{ width: '100%', height: '70vh', border: 0 }} />}
      {url && file && !/^(image|audio)\//.test(file.mimeType) && file.mimeType !== 'application/pdf' && (
        <a href={url} download={file.fileName}>
          {file.fileName}
        </a>
      )}
    </Modal>
  );
}

export function CasePage({ id }: { id: string }) {
  const { t, tx, locale } = useI18n();
  const { token } = useAuth();
  const { message, modal } = App.useApp();
  const kase = useApi<CaseView>(`/cases/${id}`);
  const events = useApi<{ items: CaseEvent[] }>(`/cases/${id}/events`);
  const categories = useApi<{ items: Category[] }>('/categories');
  const [revealed, setRevealed] = useState<CaseView['reporter'] | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<unknown>(null);
  const [pending, setPending] = useState<{ id: string; fileName: string }[]>([]);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [preview, setPreview] = useState<{ id: string; fileName: string; mimeType: string } | null>(null);
  const [changed, setChanged] = useState(false);

  const refresh = useThrottled(() => {
    kase.reload();
    events.reload();
    void syncServerClock().catch(() => undefined);
  }, 300);
  useLiveEvents(token, (e) => {
    if (e.name === 'stream.reconnected' || e.caseId === id) {
      refresh();
      if (e.name.startsWith('case.')) setChanged(true);
    }
  });

  const c = kase.data;
  if (kase.error && !c) {
    return kase.error.status === 404 ? <Result status="404" title={t('case.notFound')} /> : <ErrorAlert error={kase.error} />;
  }
  if (!c) return <Spin />;

  const reporter = revealed ?? c.reporter;
  const categoryName = categories.data?.items.find((x) => x.code === c.category)?.name ?? c.category;
  const buttons = c.allowedActions.filter((a) => !INLINE.includes(a));
  const attachments = (events.data?.items ?? []).flatMap((e) => e.attachments);

  const onDone = (updated: CaseView) => {
    setAction(null);
    setPending([]);
    setChanged(false);
    void message.success(t('common.done'));
    kase.reload();
    events.reload();
    void updated;
  };

  const reveal = () =>
    modal.confirm({
      title: t('case.reveal'),
      content: t('case.revealConfirm'),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'confirm-ok' } as ButtonProps,
      onOk: async () => {
        try {
          const full = await api.post<CaseView>(`/cases/${c.id}/reveal`);
          setRevealed(full.reporter);
        } catch (e) {
          void message.error(e instanceof ApiError ? e.message : String(e));
        }
      },
    });

  const addNote = async () => {
    setNoteError(null);
    try {
      await api.post(`/cases/${c.id}/actions`, { action: 'comment', note: note.trim(), attachmentIds: pending.length ? pending.map((p) => p.id) : undefined });
      setNote('');
      setPending([]);
      kase.reload();
      events.reload();
    } catch (e) {
      setNoteError(e);
    }
  };

  const upload = async (file: File) => {
    setUploadError(null);
    const fd = new FormData();
    fd.append('file', file, file.name);
    try {
      const res = await api.upload<{ id: string; fileName: string }>('/attachments', fd);
      setPending((p) => [...p, { id: res.id, fileName: res.fileName }]);
      void message.info(t('case.uploaded'));
    } catch (e) {
      setUploadError(e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND' ? new Error(t('case.uploadUnavailable')) : e);
    }
    return false;
  };

  return (
    <div data-testid="case-page" data-case-id={c.id}>
      <Space style={{ marginBottom: 8 }}>
        <Link to="/queues">
          <ArrowLeftOutlined /> {t('case.back')}
        </Link>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="case-tracking">
            {c.trackingNo}
          </Typography.Title>
          <RiskTag level={c.riskLevel} />
          <StatusTag status={c.status} />
          {c.overdue && <Tag color="red" data-testid="case-overdue">{t('case.overdueBadge')}</Tag>}
          {!c.overdue && c.warning && <Tag color="orange">{t('case.warningBadge')}</Tag>}
          {c.major && <Tag color="magenta">{t('case.major')}</Tag>}
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="case-title">
            {c.title}
          </Typography.Text>
        </div>
        {changed && <Alert type="info" showIcon title={t('case.changed')} style={{ marginTop: 8 }} closable={{ onClose: () => setChanged(false) }} />}
        <div style={{ marginTop: 12, display: 'flex', gap: 8, flexWrap: 'wrap' }} data-testid="case-actions">
          {buttons.length === 0 && <Typography.Text type="secondary">{t('case.noActions')}</Typography.Text>}
          {buttons.map((a) => (
            <Button key={a} type={PRIMARY.includes(a) ? 'primary' : 'default'} danger={DANGER.includes(a)} onClick={() => setAction(a)} data-action={a}>
              {tx(`action.${a}`, a)}
            </Button>
          ))}
        </div>
      </Card>
      <Row gutter={12}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('case.reasons')} style={{ marginBottom: 12 }} data-testid="risk-reasons">
            {c.riskReasons.length === 0 ? (
              <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
            ) : (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {c.riskReasons.map((r, i) => (
                  <li key={i}>{r.text}</li>
                ))}
              </ul>
            )}
          </Card>
          <Card size="small" title={t('case.description')} style={{ marginBottom: 12 }}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 12 }}>{c.description}</Typography.Paragraph>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
              <Descriptions.Item label={t('case.category')}>{categoryName}</Descriptions.Item>
              <Descriptions.Item label={t('case.serviceType')}>{tx(`serviceType.${c.serviceType}`, c.serviceType)}</Descriptions.Item>
              <Descriptions.Item label={t('case.channel')}>{tx(`channel.${c.channel}`, c.channel)}</Descriptions.Item>
              <Descriptions.Item label={t('case.createdAt')}>{formatDateTime(c.createdAt, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('case.people')}>{c.peopleInvolved}</Descriptions.Item>
              <Descriptions.Item label={t('case.amount')}>{c.amountInvolved ? `¥${c.amountInvolved.toLocaleString(locale)}` : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('case.urgency')}>{tx(`urgency.${c.urgency}`, c.urgency)}</Descriptions.Item>
              <Descriptions.Item label={t('case.flags')}>
                {c.flags.length ? c.flags.map((f) => <Tag key={f}>{tx(`flag.${f}`, f)}</Tag>) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.location')} span="filled">
                {[c.location.address, c.location.buildingCode].filter(Boolean).join(' · ') || '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.owner')}>
                <OrgName id={c.ownerOrgId} />
              </Descriptions.Item>
              <Descriptions.Item label={t('case.firstOrg')}>
                <OrgName id={c.firstOrgId} />
              </Descriptions.Item>
              {c.escalationLevel > 0 && <Descriptions.Item label={t('case.escalation')}>{c.escalationLevel}</Descriptions.Item>}
              {c.rating !== null && <Descriptions.Item label={t('case.rating')}>{`${c.rating} ${c.ratingComment ?? ''}`}</Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card size="small" title={t('case.timeline')} style={{ marginBottom: 12 }} data-testid="timeline">
            {c.allowedActions.includes('comment') && (
              <div style={{ marginBottom: 16 }}>
                <ErrorAlert error={noteError} style={{ marginBottom: 8 }} />
                <Input.TextArea
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  placeholder={t('case.notePlaceholder')}
                  autoSize={{ minRows: 2, maxRows: 5 }}
                  onKeyDown={(e) => {
                    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && note.trim()) void addNote();
                  }}
                />
                <Space style={{ marginTop: 8 }} wrap>
                  <Button onClick={() => void addNote()} disabled={!note.trim()}>
                    {t('case.addNote')}
                  </Button>
                  <Upload beforeUpload={(f) => upload(f)} showUploadList={false} accept="image/*,audio/*,application/pdf">
                    <Button icon={<UploadOutlined />}>{t('case.upload')}</Button>
                  </Upload>
                  {pending.map((p) => (
                    <Tag key={p.id} icon={<PaperClipOutlined />} closable onClose={() => setPending((list) => list.filter((x) => x.id !== p.id))}>
                      {p.fileName}
                    </Tag>
                  ))}
                </Space>
                <ErrorAlert error={uploadError} style={{ marginTop: 8 }} />
              </div>
            )}
            <Timeline
              items={[...(events.data?.items ?? [])].reverse().map((e) => ({
                color: e.action === 'breach' ? 'red' : e.action === 'warning' ? 'orange' : e.actor.kind === 'system' ? 'gray' : 'blue',
                title: formatDateTime(e.at, locale),
                content: (
                  <div data-event={e.action}>
                    <Space size={4} wrap>
                      <strong>{eventLabel(e, tx)}</strong>
                      {e.toStatus && e.toStatus !== e.fromStatus && <StatusTag status={e.toStatus} />}
                      <Typography.Text type="secondary">
                        {e.actor.kind === 'system' ? t('event.system') : e.actor.kind === 'resident' ? e.actor.name ?? t('event.resident') : e.actor.name}
                      </Typography.Text>
                      {e.orgId && (
                        <Typography.Text type="secondary">
                          → <OrgName id={e.orgId} />
                        </Typography.Text>
                      )}
                    </Space>
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                    {typeof e.data.redirectTo === 'string' && <div>{`${t('case.redirectTo')}：${e.data.redirectTo}`}</div>}
                    {e.attachments.map((a) => (
                      <Button key={a.id} size="small" type="link" icon={<PaperClipOutlined />} onClick={() => setPreview(a)}>
                        {a.fileName}
                      </Button>
                    ))}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('case.deadlines')} style={{ marginBottom: 12 }} data-testid="deadlines">
            <ClockRow c={c} clock="respond" />
            <ClockRow c={c} clock="accept" />
            <ClockRow c={c} clock="resolve" />
          </Card>
          <Card size="small" title={t('case.reporter')} style={{ marginBottom: 12 }} data-testid="reporter">
            {c.anonymous ? (
              <Typography.Text>{t('case.anonymous')}</Typography.Text>
            ) : (
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('intake.name')}>{reporter.name ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('case.phone')}>
                  <span data-testid="reporter-phone">{reporter.phone ?? '—'}</span>
                  {reporter.masked && reporter.phone && <Tag style={{ marginLeft: 8 }}>{t('case.masked')}</Tag>}
                </Descriptions.Item>
                {reporter.idNumber && <Descriptions.Item label={t('case.idNumber')}>{reporter.idNumber}</Descriptions.Item>}
              </Descriptions>
            )}
            {revealed && <Typography.Text type="warning">{t('case.revealed')}</Typography.Text>}
            {!revealed && c.reporter.canReveal && (
              <Button size="small" icon={<EyeOutlined />} onClick={reveal} data-testid="reveal">
                {t('case.reveal')}
              </Button>
            )}
          </Card>
          <Card size="small" title={t('case.attachments')} style={{ marginBottom: 12 }}>
            {attachments.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.none')} />
            ) : (
              attachments.map((a) => (
                <div key={a.id}>
                  <Button type="link" icon={<PaperClipOutlined />} onClick={() => setPreview(a)}>
                    {a.fileName}
                  </Button>
                </div>
              ))
            )}
          </Card>
          <CaseOrders caseView={c} />
        </Col>
      </Row>
      <ActionModal action={action} c={c} onClose={() => setAction(null)} onDone={onDone} attachmentIds={pending.map((p) => p.id)} />
      <AttachmentPreview file={preview} onClose={() => setPreview(null)} />
    </div>
  );
}
