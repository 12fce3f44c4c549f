/**
 * Staff workbench entry (served at /): antd in zh-CN by default with an
 * English switch, sign-in, and the routes of the workbench.
 */
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUSModule from 'antd/es/locale/en_US.js';
import type { Locale as AntLocale } from 'antd/es/locale/index.js';
import zhCNModule from 'antd/es/locale/zh_CN.js';
import { useEffect, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider, useAuth } from './auth.js';
import { I18nProvider, useI18n } from './i18n.js';
import { ADMIN_NAV, NAV, StaffLayout } from './Layout.js';
import { matchPath, navigate, useLocation } from './router.js';
import { LoginPage } from './pages/Login.js';
import { IntakePage } from './pages/Intake.js';
import { QueuesPage } from './pages/Queues.js';
import { CasePage } from './pages/CasePage.js';
import { OrdersPage } from './pages/Orders.js';
import { SupervisionPage } from './pages/Supervision.js';
import { OrgsPage } from './admin/Orgs.js';
import { BuildingsPage } from './admin/Buildings.js';
import { UsersPage } from './admin/Users.js';
import { CategoriesPage } from './admin/Categories.js';
import { GradingPage } from './admin/Grading.js';
import { SlaPage } from './admin/Sla.js';
import { OfficeHoursPage } from './admin/OfficeHours.js';
import { OrderMatrixPage } from './admin/OrderMatrix.js';
import { CalendarPage } from './admin/Calendar.js';
import './staff.css';

// antd's locale files are ESM with a default export; the type declarations read as CommonJS under NodeNext.
const unwrap = (m: unknown) => ((m as { default?: AntLocale }).default ?? m) as AntLocale;
const enUS = unwrap(enUSModule);
const zhCN = unwrap(zhCNModule);

/**
 * Where a user lands: receptionists at the intake desk, leaders and
 * supervisors (who watch rather than handle) at supervision, handlers at
 * their queues, pure administrators at the first admin screen.
 */
function homeOf(can: (p: string) => boolean, hasRole: (...r: string[]) => boolean): string {
  if (hasRole('receptionist')) return '/intake';
  if (can('case:supervise') && !can('case:handle')) return '/supervision';
  if (can('case:read')) return '/queues';
  return ADMIN_NAV.find((n) => n.show(can))?.path ?? NAV.find((n) => n.show(can))?.path ?? '/queues';
}

function Routes() {
  const { t } = useI18n();
  const { user, ready, can, hasRole } = useAuth();
  const { pathname } = useLocation();

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  useEffect(() => {
    if (!ready) return;
    if (!user && pathname !== '/login') navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    if (user && (pathname === '/' || pathname === '/login')) {
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : homeOf(can, hasRole), { replace: true });
    }
  }, [ready, user, pathname, can, hasRole]);

  if (!ready) return <Spin fullscreen />;
  if (!user) return <LoginPage />;

  const guard = (allowed: boolean, page: ReactElement) => (allowed ? page : <Result status="403" title={t('nav.forbidden')} />);
  const caseMatch = matchPath('/cases/:id', pathname);
  let page: ReactElement;
  if (caseMatch) page = <CasePage key={caseMatch.id} id={caseMatch.id} />;
  else
    switch (pathname) {
      case '/intake':
        page = guard(can('case:intake'), <IntakePage />);
        break;
      case '/queues':
        page = guard(can('case:read'), <QueuesPage />);
        break;
      case '/orders':
        page = guard(can('order:execute') || can('order:issue'), <OrdersPage />);
        break;
      case '/supervision':
        page = guard(can('case:supervise'), <SupervisionPage />);
        break;
      case '/admin/orgs':
        page = guard(can('org:write'), <OrgsPage />);
        break;
      case '/admin/buildings':
        page = guard(can('org:write'), <BuildingsPage />);
        break;
      case '/admin/users':
        page = guard(can('user:write'), <UsersPage />);
        break;
      case '/admin/categories':
        page = guard(can('config:write'), <CategoriesPage />);
        break;
      case '/admin/grading':
        page = guard(can('config:write'), <GradingPage />);
        break;
      case '/admin/sla':
        page = guard(can('config:write'), <SlaPage />);
        break;
      case '/admin/office-hours':
        page = guard(can('config:write'), <OfficeHoursPage />);
        break;
      case '/admin/order-matrix':
        page = guard(can('config:write'), <OrderMatrixPage />);
        break;
      case '/admin/calendar':
        page = guard(can('case:read'), <CalendarPage />);
        break;
      case '/':
      case '/login':
        page = <Spin />;
        break;
      default:
        page = <Result status="404" title={t('nav.notFound')} />;
    }
  return <StaffLayout pathname={pathname}>{page}</StaffLayout>;
}

function Shell() {
  const { locale } = useI18n();
  return (
    <ConfigProvider
      locale={locale === 'en' ? enUS : zhCN}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: '#b42318', borderRadius: 4, fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif' } }}
    >
      <AntApp>
        <AuthProvider>
          <Routes />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <Shell />
  </I18nProvider>,
);
