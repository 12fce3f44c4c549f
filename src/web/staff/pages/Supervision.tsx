/**
 * For leaders and supervisors: overdue and red cases across their subtree
 * (the server scopes every list), and supervision notices when the
 * supervision module serves them.
 */
import { Card, Col, Row, Table, Tag } from 'antd';
import type { Static } from 'typebox';
import type { NoticeListSchema } from '../../../server/modules/supervision/supervision.schemas.js';
import { useLiveEvents } from '../../shared/sse.js';
import { formatDateTime, syncServerClock } from '../../shared/time.js';
import { useAuth } from '../auth.js';
import { CaseTable } from '../components/CaseTable.js';
import { useApi } from '../components/data.js';
import { useThrottled } from '../../shared/use-throttled.js';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { matchCount, type CaseList } from '../../shared/case-types.js';

type NoticeList = Static<typeof NoticeListSchema>;
type Notice = NoticeList['items'][number];

export function SupervisionPage() {
  const { t, locale } = useI18n();
  const { token } = useAuth();
  const overdue = useApi<CaseList>('/cases', { overdue: true, open: true, pageSize: 100 });
  const red = useApi<CaseList>('/cases', { riskLevel: 'red', open: true, pageSize: 100 });
  const notices = useApi<NoticeList>('/supervision-notices', { pageSize: 50 });
  const refresh = useThrottled(() => {
    overdue.reload();
    red.reload();
    notices.reload();
    void syncServerClock().catch(() => undefined);
  }, 500);
  useLiveEvents(token, (e) => {
    if (e.name.startsWith('case.') || e.name.startsWith('supervision.') || e.name === 'stream.reconnected') refresh();
  });
  return (
    <div>
      <PageTitle>{t('sup.title')}</PageTitle>
      <Row gutter={[12, 12]}>
        <Col span={24}>
          <Card size="small" title={`${t('sup.overdue')} (${matchCount(overdue.data)})`} data-testid="sup-overdue">
            <ErrorAlert error={overdue.error} />
            <CaseTable items={overdue.data?.items ?? []} loading={overdue.loading && !overdue.data} />
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small" title={`${t('sup.red')} (${matchCount(red.data)})`} data-testid="sup-red">
            <ErrorAlert error={red.error} />
            <CaseTable items={red.data?.items ?? []} loading={red.loading && !red.data} />
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small" title={t('sup.notices')}>
            {notices.missing ? (
              <NotAvailable path="/api/v1/supervision-notices" />
            ) : (
              <Table<Notice>
                rowKey="id"
                size="small"
                dataSource={notices.data?.items ?? []}
                pagination={false}
                locale={{ emptyText: t('sup.noticesEmpty') }}
                columns={[
                  { title: t('order.case'), key: 'case', render: (_, n) => <Link to={`/cases/${n.caseId}`}>{n.caseId.slice(0, 8)}</Link> },
                  { title: t('sup.content'), dataIndex: 'content' },
                  { title: t('sup.issuedAt'), key: 'issued', render: (_, n) => formatDateTime(n.issuedAt, locale) },
                  {
                    title: t('sup.answerBy'),
                    key: 'answerBy',
                    render: (_, n) => (
                      <>
                        {formatDateTime(n.answerBy, locale)} {n.overdue && <Tag color="red">{t('deadline.overdue')}</Tag>}
                      </>
                    ),
                  },
                  { title: t('sup.answer'), key: 'answer', render: (_, n) => n.answer ?? '—' },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
