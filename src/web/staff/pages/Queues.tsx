/**
 * Queues for community and department handlers: mine (cases where the server
 * offers me a work action), my unit, amber, overdue, by risk, all open. Lists
 * refetch on every live case event, so countdowns turn amber or overdue
 * without a reload; changed rows flash.
 */
import { Card, Input, Segmented, Space, Tabs, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useLiveEvents } from '../../shared/sse.js';
import { syncServerClock } from '../../shared/time.js';
import { useAuth } from '../auth.js';
import { CaseTable } from '../components/CaseTable.js';
import { useApi } from '../components/data.js';
import { useThrottled } from '../../shared/use-throttled.js';
import { ErrorAlert, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { matchCount, type CaseList } from '../../shared/case-types.js';

const PASSIVE = ['comment', 'regrade', 'add_info'];
type Tab = 'mine' | 'unit' | 'amber' | 'overdue' | 'risk' | 'all';

export function QueuesPage() {
  const { t, tx } = useI18n();
  const { user, token } = useAuth();
  const [tab, setTab] = useState<Tab>('mine');
  const [risk, setRisk] = useState('red');
  const [q, setQ] = useState('');
  const unitId = user?.roles[0]?.orgId;
  const query: Record<string, string | number | boolean | undefined> = { open: true, pageSize: 100, q: q || undefined };
  if (tab === 'unit') query.orgId = unitId;
  if (tab === 'amber') Object.assign(query, { warning: true, overdue: false });
  if (tab === 'overdue') query.overdue = true;
  if (tab === 'risk') query.riskLevel = risk;
  const list = useApi<CaseList>('/cases', query);
  const [flash, setFlash] = useState<Set<string>>(new Set());
  const flashTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useThrottled(() => {
    list.reload();
    // Deadline events mean time moved on the server (or a timer fired): re-read its clock.
    void syncServerClock().catch(() => undefined);
  }, 300);
  useLiveEvents(token, (e) => {
    if (!e.name.startsWith('case.') && e.name !== 'stream.reconnected') return;
    refresh();
    if (e.caseId) {
      setFlash((s) => new Set(s).add(e.caseId!));
      if (flashTimer.current) clearTimeout(flashTimer.current);
      flashTimer.current = setTimeout(() => setFlash(new Set()), 2500);
    }
  });

  const items = (list.data?.items ?? []).filter((c) => tab !== 'mine' || c.allowedActions.some((a) => !PASSIVE.includes(a)));
  const tabs: { key: Tab; label: string }[] = [
    { key: 'mine', label: t('queue.mine') },
    { key: 'unit', label: t('queue.unit') },
    { key: 'amber', label: t('queue.amber') },
    { key: 'overdue', label: t('queue.overdue') },
    { key: 'risk', label: t('queue.byRisk') },
    { key: 'all', label: t('queue.all') },
  ];
  return (
    <div>
      <PageTitle
        extra={
          <Input.Search
            allowClear
            placeholder={t('queue.search')}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 260 }}
            aria-label={t('queue.search')}
          />
        }
      >
        {t('queue.title')}
      </PageTitle>
      <Card size="small">
        <Tabs activeKey={tab} onChange={(k) => setTab(k as Tab)} items={tabs.map((x) => ({ key: x.key, label: <span data-tab={x.key}>{x.label}</span> }))} />
        {tab === 'risk' && (
          <Segmented
            style={{ marginBottom: 12 }}
            value={risk}
            onChange={(v) => setRisk(String(v))}
            options={['red', 'yellow', 'blue'].map((l) => ({ value: l, label: tx(`risk.${l}`) }))}
          />
        )}
        <ErrorAlert error={list.error} style={{ marginBottom: 8 }} />
        <CaseTable items={items} loading={list.loading && !list.data} flash={flash} />
        <Space style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t('common.total', { n: tab === 'mine' ? items.length : matchCount(list.data) })}</Typography.Text>
        </Space>
      </Card>
    </div>
  );
}
