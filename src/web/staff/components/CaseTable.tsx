/** The case list used by the queues and the supervision lists: live countdowns, tags, links. */
import { Table, Tooltip } from 'antd';
import { formatDateTime } from '../../shared/time.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import type { CaseView } from '../../shared/case-types.js';
import { OrgName } from './data.js';
import { CurrentDeadline } from './Deadline.js';
import { RiskTag, StatusTag } from './ui.js';

export function CaseTable({ items, loading, flash, emptyText }: { items: CaseView[]; loading?: boolean; flash?: Set<string>; emptyText?: string }) {
  const { t, tx, locale } = useI18n();
  return (
    <Table<CaseView>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={items}
      pagination={false}
      scroll={{ x: 960 }}
      locale={{ emptyText: emptyText ?? t('queue.empty') }}
      rowClassName={(c) => (flash?.has(c.id) ? 'fq-row-flash' : '')}
      onRow={(c) => ({ 'data-tracking': c.trackingNo } as React.HTMLAttributes<HTMLElement>)}
      columns={[
        {
          title: t('col.trackingNo'),
          key: 'no',
          width: 170,
          render: (_, c) => <Link to={`/cases/${c.id}`}>{c.trackingNo}</Link>,
        },
        {
          title: t('col.title'),
          key: 'title',
          ellipsis: { showTitle: false },
          render: (_, c) => (
            <Tooltip title={c.title}>
              <span>{c.title}</span>
            </Tooltip>
          ),
        },
        { title: t('col.risk'), key: 'risk', width: 120, render: (_, c) => <RiskTag level={c.riskLevel} /> },
        { title: t('col.status'), key: 'status', width: 96, render: (_, c) => <StatusTag status={c.status} /> },
        { title: t('queue.nextDeadline'), key: 'deadline', width: 200, render: (_, c) => <CurrentDeadline c={c} /> },
        { title: t('col.owner'), key: 'owner', width: 150, ellipsis: true, render: (_, c) => <OrgName id={c.ownerOrgId} /> },
        { title: t('col.channel'), key: 'channel', width: 90, render: (_, c) => tx(`channel.${c.channel}`, c.channel) },
        { title: t('col.createdAt'), key: 'created', width: 140, render: (_, c) => formatDateTime(c.createdAt, locale) },
      ]}
    />
  );
}
