/** The category catalogue (read-only until the server offers editing). */
import { Alert, Card, Table, Tag } from 'antd';
import { useApi } from '../components/data.js';
import { ErrorAlert, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import type { Category } from '../../shared/case-types.js';

export function CategoriesPage() {
  const { t, tx } = useI18n();
  const list = useApi<{ items: Category[] }>('/categories');
  return (
    <div>
      <PageTitle>{t('admin.categories.title')}</PageTitle>
      <Alert type="info" showIcon title={t('admin.categories.readOnly')} style={{ marginBottom: 12 }} />
      <ErrorAlert error={list.error} />
      <Card size="small">
        <Table<Category>
          rowKey="code"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          columns={[
            { title: t('common.code'), dataIndex: 'code', width: 220 },
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('intake.serviceType'), key: 'st', width: 120, render: (_, c) => tx(`serviceType.${c.serviceType}`, c.serviceType) },
            { title: t('admin.categories.handling'), key: 'h', width: 120, render: (_, c) => tx(`handling.${c.handling}`, c.handling) },
            { title: t('admin.categories.department'), dataIndex: 'departmentCode', width: 160, render: (v: string | null) => v ?? '—' },
            { title: t('admin.categories.anonymous'), key: 'a', width: 110, render: (_, c) => (c.anonymousAllowed ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>) },
          ]}
        />
      </Card>
    </div>
  );
}
