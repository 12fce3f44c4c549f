/**
 * The frame of every signed-in screen: a role-aware menu (entries follow the
 * permissions the server lists for the user), the live-connection state, the
 * server clock, notifications, the language switch and sign-out. The menu
 * collapses on tablets.
 */
import {
  AlertOutlined, ApartmentOutlined, BellOutlined, CalendarOutlined, ClockCircleOutlined, DownOutlined, EditOutlined, HomeOutlined, KeyOutlined, LogoutOutlined, NodeIndexOutlined,
  OrderedListOutlined, SafetyOutlined, SendOutlined, SettingOutlined, TagsOutlined, TeamOutlined, ThunderboltOutlined,
} from '@ant-design/icons';
import { Badge, Button, Drawer, Dropdown, Empty, Layout as AntLayout, Menu, Space, Tag, Tooltip, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Static } from 'typebox';
import type { NotificationListResponse } from '../../server/modules/notifications/notifications.schemas.js';
import { api } from '../shared/api.js';
import { useLiveEvents, useLiveStatus } from '../shared/sse.js';
import { formatDateTime, useServerNow } from '../shared/time.js';
import { useAuth } from './auth.js';
import { ChangePasswordDialog } from './components/ChangePassword.js';
import { useApi } from './components/data.js';
import { useThrottled } from '../shared/use-throttled.js';
import { useI18n, type MessageKey } from './i18n.js';
import { Link, navigate } from './router.js';

interface NavItem {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  show: (can: (p: string) => boolean) => boolean;
}

export const NAV: NavItem[] = [
  { path: '/intake', label: 'nav.intake', icon: <EditOutlined />, show: (can) => can('case:intake') },
  { path: '/queues', label: 'nav.queues', icon: <OrderedListOutlined />, show: (can) => can('case:read') },
  { path: '/orders', label: 'nav.orders', icon: <SendOutlined />, show: (can) => can('order:execute') || can('order:issue') },
  { path: '/supervision', label: 'nav.supervision', icon: <AlertOutlined />, show: (can) => can('case:supervise') },
];

export const ADMIN_NAV: NavItem[] = [
  { path: '/admin/orgs', label: 'nav.orgs', icon: <ApartmentOutlined />, show: (can) => can('org:write') },
  { path: '/admin/buildings', label: 'nav.buildings', icon: <HomeOutlined />, show: (can) => can('org:write') },
  { path: '/admin/users', label: 'nav.users', icon: <TeamOutlined />, show: (can) => can('user:write') },
  { path: '/admin/categories', label: 'nav.categories', icon: <TagsOutlined />, show: (can) => can('config:write') },
  { path: '/admin/grading', label: 'nav.grading', icon: <ThunderboltOutlined />, show: (can) => can('config:write') },
  { path: '/admin/sla', label: 'nav.sla', icon: <ClockCircleOutlined />, show: (can) => can('config:write') },
  { path: '/admin/office-hours', label: 'nav.officeHours', icon: <SafetyOutlined />, show: (can) => can('config:write') },
  { path: '/admin/order-matrix', label: 'nav.orderMatrix', icon: <NodeIndexOutlined />, show: (can) => can('config:write') },
  // Every staff member reads the working calendar (their deadlines run on it); only admins edit it there.
  { path: '/admin/calendar', label: 'nav.calendar', icon: <CalendarOutlined />, show: (can) => can('case:read') },
];

function LiveBadge() {
  const { t } = useI18n();
  const s = useLiveStatus();
  const status = s === 'open' ? 'success' : s === 'connecting' ? 'processing' : 'error';
  return <Badge status={status} text={<span data-live={s}>{t(s === 'open' ? 'live.open' : s === 'connecting' ? 'live.connecting' : 'live.closed')}</span>} />;
}

function ServerClock() {
  const { t, locale } = useI18n();
  const now = useServerNow(1000);
  return (
    <Tooltip title={t('clock.server')}>
      <span data-testid="server-clock" style={{ fontVariantNumeric: 'tabular-nums', color: '#555' }}>
        <ClockCircleOutlined /> {formatDateTime(new Date(now).toISOString(), locale)}
      </span>
    </Tooltip>
  );
}


function Notifications() {
  const { t, locale } = useI18n();
  const { token } = useAuth();
  const [open, setOpen] = useState(false);
  const list = useApi<Static<typeof NotificationListResponse>>('/notifications', { pageSize: 20 });
  const refresh = useThrottled(list.reload, 1000);
  useLiveEvents(token, refresh);
  const readAll = async () => {
    await api.post('/notifications/read-all');
    list.reload();
  };
  return (
    <>
      <Badge count={list.data?.unread ?? 0} size="small" offset={[-2, 2]}>
        <Button type="text" icon={<BellOutlined />} aria-label={t('nav.notifications')} onClick={() => setOpen(true)} />
      </Badge>
      <Drawer title={t('notify.title')} open={open} onClose={() => setOpen(false)} size={380} extra={<Button size="small" onClick={readAll}>{t('notify.readAll')}</Button>}>
        {list.data?.items.length ? (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {list.data.items.map((n) => (
              <li key={n.id} style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0', opacity: n.readAt ? 0.6 : 1 }}>
                <button
                  type="button"
                  disabled={!n.caseId}
                  style={{ all: 'unset', cursor: n.caseId ? 'pointer' : 'default', display: 'block', width: '100%' }}
                  onClick={() => {
                    if (!n.caseId) return;
                    void api.post(`/notifications/${n.id}/read`).catch(() => undefined);
                    setOpen(false);
                    navigate(`/cases/${n.caseId}`);
                  }}
                >
                  <div style={{ fontWeight: n.readAt ? 400 : 600 }}>{n.title}</div>
                  {n.body && <div style={{ fontSize: 13, color: '#555' }}>{n.body}</div>}
                  <div style={{ fontSize: 12, color: '#999' }}>{formatDateTime(n.createdAt, locale)}</div>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <Empty description={t('notify.empty')} />
        )}
      </Drawer>
    </>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <Button size="small" onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')} aria-label={t('app.langSwitch')} data-testid="lang-toggle">
      {t('app.lang')}
    </Button>
  );
}

export function StaffLayout({ pathname, children }: { pathname: string; children: ReactNode }) {
  const { t, tx } = useI18n();
  const { user, can, logout } = useAuth();
  const [collapsed, setCollapsed] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const main = NAV.filter((n) => n.show(can));
  const admin = ADMIN_NAV.filter((n) => n.show(can));
  const items: MenuProps['items'] = [
    ...main.map((n) => ({ key: n.path, icon: n.icon, label: <Link to={n.path}>{t(n.label)}</Link> })),
    ...(admin.length
      ? [{ key: 'admin', icon: <SettingOutlined />, label: t('nav.admin'), children: admin.map((n) => ({ key: n.path, icon: n.icon, label: <Link to={n.path}>{t(n.label)}</Link> })) }]
      : []),
  ];
  const selected = [...main, ...admin].find((n) => pathname.startsWith(n.path))?.path ?? (pathname.startsWith('/cases/') ? '/queues' : '');
  const primaryRole = user?.roles[0];
  return (
    <AntLayout style={{ minHeight: '100vh' }}>
      <AntLayout.Sider breakpoint="lg" collapsedWidth={56} collapsible collapsed={collapsed} onCollapse={setCollapsed} width={200} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', fontWeight: 600, color: '#b42318', fontSize: collapsed ? 16 : 18 }}>
          {collapsed ? '枫' : t('app.short')}
        </div>
        <Menu mode="inline" selectedKeys={[selected]} defaultOpenKeys={['admin']} items={items} style={{ borderInlineEnd: 0 }} />
      </AntLayout.Sider>
      <AntLayout>
        <AntLayout.Header style={{ background: '#fff', padding: '0 16px', height: 56, lineHeight: '56px', borderBottom: '1px solid #f0f0f0', display: 'flex', alignItems: 'center', gap: 16 }}>
          <div style={{ flex: 1, minWidth: 0, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }}>
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'password', icon: <KeyOutlined />, label: <span data-testid="menu-change-password">{t('account.changePassword')}</span> },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout') },
                ],
                onClick: ({ key }) => (key === 'password' ? setChangingPassword(true) : void logout()),
              }}
            >
              <Button type="text" aria-label={t('account.menu')} data-testid="user-menu" style={{ paddingInline: 4 }}>
                <strong>{user?.displayName}</strong> <DownOutlined style={{ fontSize: 10 }} />
              </Button>
            </Dropdown>
            {primaryRole && (
              <Tag style={{ marginLeft: 8 }}>
                {tx(`role.${primaryRole.role}`, primaryRole.role)} · {primaryRole.orgName}
              </Tag>
            )}
          </div>
          <Space size={16}>
            <LiveBadge />
            <ServerClock />
            <Notifications />
            <LanguageSwitch />
            <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout()}>
              {t('nav.logout')}
            </Button>
          </Space>
        </AntLayout.Header>
        <AntLayout.Content style={{ padding: 16, minWidth: 0 }}>{children}</AntLayout.Content>
        <ChangePasswordDialog open={changingPassword} onClose={() => setChangingPassword(false)} />
      </AntLayout>
    </AntLayout>
  );
}
