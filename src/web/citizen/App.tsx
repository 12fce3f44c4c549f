/**
 * The portal's shell: the bar (back, title, language), which page the
 * address names (/m/, /m/submit, /m/secretary, /m/track, /m/mine; history
 * kept with pushState), the building of a scanned QR code
 * (/q/CODE → /m/?building=CODE opens the form with it set), and the receipt
 * after a report is filed.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../shared/api.js';
import { TrackPage } from './follow/TrackPage.js';
import { Home, SECTIONS } from './Home.js';
import { useT, type Lang } from './i18n.js';
import { MyRequests } from './mine/MyRequests.js';
import { errorText, portalApi } from './portal-api.js';
import type { Building, Created } from './portal-types.js';
import { Receipt } from './report/Receipt.js';
import { ReportForm } from './report/ReportForm.js';

const LANG_KEY = 'fengqiao.m.lang';

type View = 'home' | (typeof SECTIONS)[number];

function viewOf(pathname: string): View {
  const seg = pathname.replace(/^\/m\/?/, '').split('/')[0];
  return SECTIONS.find((v) => v === seg) ?? 'home';
}

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN'));
  const t = useT(lang);
  const [path, setPath] = useState(location.pathname + location.search);
  const [building, setBuilding] = useState<Building | null>(null);
  const [buildingError, setBuildingError] = useState('');
  const [created, setCreated] = useState<Created | null>(null);

  useEffect(() => {
    setApiLanguage(lang);
    document.documentElement.lang = lang;
    document.title = t('appTitle');
    localStorage.setItem(LANG_KEY, lang);
  }, [lang, t]);
  useEffect(() => {
    const onPop = () => setPath(location.pathname + location.search);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(to);
    setCreated(null);
    scrollTo(0, 0);
  }, []);

  const buildingCode = new URLSearchParams(location.search).get('building');
  useEffect(() => {
    if (!buildingCode) return;
    portalApi.get<Building>(`/public/buildings/${encodeURIComponent(buildingCode)}`).then(setBuilding, (e) => setBuildingError(errorText(e)));
  }, [buildingCode]);

  let view = viewOf(path.split('?')[0]);
  if (view === 'home' && buildingCode) view = 'submit';

  let body: ReactNode;
  if (created) body = <Receipt t={t} lang={lang} created={created} go={go} />;
  else if (view === 'submit' || view === 'secretary') {
    body = buildingCode && !building && !buildingError ? <p className="muted page">…</p> : (
      <ReportForm key={view} t={t} lang={lang} secretary={view === 'secretary'} building={building} onCreated={(c) => { setCreated(c); scrollTo(0, 0); }} />
    );
  } else if (view === 'track') body = <TrackPage key={path} t={t} lang={lang} />;
  else if (view === 'mine') body = <MyRequests t={t} lang={lang} />;
  else body = <Home t={t} go={go} />;

  return (
    <>
      <header className="bar">
        {view !== 'home' || created ? <button type="button" className="link light" onClick={() => go('/m/')}>‹ {t('back')}</button> : <span />}
        <span className="brand">{t('appTitle')}</span>
        <button type="button" className="link light" data-testid="lang" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang')}</button>
      </header>
      {buildingError && <p className="error page" role="alert">{buildingError}</p>}
      {body}
    </>
  );
}
