/** Buildings in the admin's scope, searchable by address or code. */
import { Alert, Card, Input, Table } from 'antd';
import { useState } from 'react';
import type { Static } from 'typebox';
import type { BuildingSchema } from '../../../server/modules/orgs/orgs.schemas.js';
import { useApi } from '../components/data.js';
import { ErrorAlert, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';

type Building = Static<typeof BuildingSchema>;

export function BuildingsPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const list = useApi<{ items: Building[]; total: number }>('/buildings', { q: q || undefined, page, pageSize: 20 });
  return (
    <div>
      <PageTitle extra={<Input.Search allowClear placeholder={t('common.search')} onSearch={(v) => { setQ(v.trim()); setPage(1); }} style={{ width: 260 }} />}>
        {t('admin.buildings.title')}
      </PageTitle>
      <Alert type="info" showIcon title={t('admin.buildings.importHint')} style={{ marginBottom: 12 }} />
      <ErrorAlert error={list.error} />
      <Card size="small">
        <Table<Building>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (n) => t('common.total', { n }) }}
          columns={[
            { title: t('common.code'), dataIndex: 'code', width: 200 },
            { title: t('admin.buildings.address'), dataIndex: 'address' },
            { title: t('admin.buildings.community'), dataIndex: 'communityName', width: 160 },
            { title: 'Lat, Lng', key: 'pos', width: 180, render: (_, b) => (b.lat !== null && b.lng !== null ? `${b.lat.toFixed(5)}, ${b.lng.toFixed(5)}` : '—') },
          ]}
        />
      </Card>
    </div>
  );
}
