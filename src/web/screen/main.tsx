/**
 * The command-centre big screen ("一张图", SPEC §10) at /screen/: a dark
 * 1920×1080 page readable from across a room, scaled to whatever display it
 * runs on. Figures come from GET /dashboard/summary (counters: cheap), and
 * every case change pushed over GET /dashboard/stream (SSE) refetches them
 * within a second, without polling. New red cases and breaches go to the
 * live feed. Drill down by clicking a unit or a community on the map.
 * No antd here: React + ECharts only, to keep the bundle light.
 *
 * Auth: `?token=` (for a wall display started by a script) or a small
 * sign-in form; `?orgId=` picks the unit.
 */
import { StrictMode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { API_BASE, ApiError, api, getToken, setToken } from '../shared/api.js';
import { communityTooltip } from './map-tooltip.js';
import './screen.css';

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface RiskCounts { red: number; yellow: number; blue: number; total: number }
interface UnitFigures { id: string; name: string; type: string; received: number; resolved: number; open: RiskCounts; overdue: number; level: 'red' | 'yellow' | 'blue' | 'none' }
interface Figures { received: number; accepted: number; resolved: number; resolutionRate: number | null }
interface Summary {
  org: { id: string; name: string; type: string; parentId: string | null };
  asOf: string;
  today: Figures & { date: string };
  allTime: Figures;
  openByRisk: RiskCounts;
  overdue: RiskCounts;
  ordersInFlight: number;
  services: { serviceType: string; name: string; received: number; resolved: number }[];
  categories: { code: string; name: string; count: number }[];
  trend: { date: string; received: number; accepted: number; resolved: number }[];
  children: UnitFigures[];
  communities: UnitFigures[];
}
interface MapFeature { type: 'Feature'; id: string; geometry: unknown; properties: { id: string; name: string; type: string; parentId: string | null; sample: boolean } }
interface FeedItem { key: string; at: Date; kind: 'red' | 'overdue' | 'escalated'; caseId: string; riskLevel: string; trackingNo?: string; title?: string }

const RISK_COLOURS = { red: '#ff4d4f', yellow: '#fadb14', blue: '#40a9ff', none: '#1d3a5f' } as const;
const RISK_NAMES = { red: '红色 一类', yellow: '黄色 二类', blue: '蓝色 三类' } as const;
const FEED_NAMES = { red: '红色预警', overdue: '超期', escalated: '提级' } as const;
/** Case events that change the figures; all are pushed by the stream, named (EventSource needs each name). */
const CASE_EVENTS = ['created', 'red', 'warning', 'overdue', 'escalated', 'respond', 'accept', 'reject', 'dispatch', 'transfer', 'escalate', 'start',
  'resolve', 'confirm', 'reopen', 'close', 'suspend', 'resume', 'merge', 'regrade', 'add_info'].map((n) => `case.${n}`);

/** Drill-down list order: the territorial units first, then departments. */
const UNIT_ORDER = ['subdistrict', 'community', 'station', 'grid', 'department'];
const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const num = (n: number) => n.toLocaleString('zh-CN');

/** Keeps the 1920×1080 design whole on any display. */
function useFitScale(): number {
  const [scale, setScale] = useState(1);
  useEffect(() => {
    const fit = () => setScale(Math.min(window.innerWidth / 1920, window.innerHeight / 1080));
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, []);
  return scale;
}

function Chart({ option, onClick, className }: { option: echarts.EChartsCoreOption; onClick?: (name: string) => void; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;
  useEffect(() => {
    chart.current = echarts.init(ref.current!, undefined, { renderer: 'canvas' });
    chart.current.on('click', (p) => click.current?.(String((p as { name?: string }).name ?? '')));
    return () => chart.current?.dispose();
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={ref} className={className ?? 'chart'} />;
}

function Login({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="login"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const res = await api.post<{ token: string }>('/auth/login', { username, password });
          setToken(res.token);
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        }
      }}
    >
      <h1>枫桥 · 指挥中心</h1>
      <p className="sub">Command centre sign-in</p>
      <input aria-label="用户名 Username" placeholder="用户名 Username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
      <input aria-label="密码 Password" placeholder="密码 Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">登录 Sign in</button>
    </form>
  );
}

function Kpi({ label, value, sub, tone }: { label: string; value: string; sub?: string; tone?: keyof typeof RISK_COLOURS | 'good' }) {
  return (
    <div className={`kpi ${tone ?? ''}`}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  );
}

function Screen({ onSignOut }: { onSignOut: () => void }) {
  const params = new URLSearchParams(window.location.search);
  const [orgId, setOrgId] = useState<string | null>(params.get('orgId'));
  const [summary, setSummary] = useState<Summary | null>(null);
  const [features, setFeatures] = useState<MapFeature[]>([]);
  const [mapVersion, setMapVersion] = useState(0);
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const [live, setLive] = useState<'open' | 'connecting'>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [canUpload, setCanUpload] = useState(false);
  const [now, setNow] = useState(new Date());

  const load = useCallback(async () => {
    try {
      const s = await api.get<Summary>('/dashboard/summary', { orgId: orgId ?? undefined });
      setSummary(s);
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return onSignOut();
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }, [orgId, onSignOut]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    const url = new URL(window.location.href);
    if (orgId) url.searchParams.set('orgId', orgId);
    else url.searchParams.delete('orgId');
    window.history.replaceState(null, '', url);
  }, [orgId]);
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    api.get<{ roles: { role: string }[] }>('/auth/me').then(
      (me) => setCanUpload(me.roles.some((r) => r.role === 'sysadmin' || r.role === 'district_admin')),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    api.get<{ features: MapFeature[] }>('/orgs/map').then((fc) => {
      setFeatures(fc.features);
      setMapVersion((v) => v + 1);
    }, () => undefined);
  }, []);

  // The live feed starts with the latest red cases; pushes prepend to it.
  const feedFor = useCallback(async (caseId: string) => {
    try {
      return await api.get<{ trackingNo: string; title: string }>(`/cases/${caseId}`);
    } catch {
      return null;
    }
  }, []);
  useEffect(() => {
    api.get<{ items: { id: string; trackingNo: string; title: string; riskLevel: string; createdAt: string }[] }>('/cases', { riskLevel: 'red', orgId: orgId ?? undefined, pageSize: 8 }).then(
      (page) => setFeed(page.items.map((c) => ({ key: `init:${c.id}`, at: new Date(c.createdAt), kind: 'red', caseId: c.id, riskLevel: c.riskLevel, trackingNo: c.trackingNo, title: c.title }))),
      () => undefined,
    );
  }, [orgId]);

  // SSE: any case change refetches the summary (coalesced to one request per 300 ms); red cases and breaches feed the list.
  useEffect(() => {
    const token = getToken();
    if (!token) return;
    const query = new URLSearchParams({ accessToken: token });
    if (orgId) query.set('orgId', orgId);
    const source = new EventSource(`${API_BASE}/dashboard/stream?${query}`);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = null;
        void load();
      }, 300);
    };
    source.onopen = () => {
      setLive('open');
      refresh();
    };
    source.onerror = () => setLive('connecting');
    const onEvent = (e: MessageEvent<string>) => {
      refresh();
      const event = JSON.parse(e.data) as { name: string; caseId?: string; data?: { riskLevel?: string } };
      const kind = event.name === 'case.red' ? 'red' : event.name === 'case.overdue' ? 'overdue' : event.name === 'case.escalated' ? 'escalated' : null;
      if (!kind || !event.caseId) return;
      const item: FeedItem = { key: `${event.name}:${event.caseId}:${Date.now()}`, at: new Date(), kind, caseId: event.caseId, riskLevel: event.data?.riskLevel ?? 'red' };
      setFeed((f) => [item, ...f].slice(0, 12));
      void feedFor(event.caseId).then((c) => c && setFeed((f) => f.map((x) => (x.key === item.key ? { ...x, trackingNo: c.trackingNo, title: c.title } : x))));
    };
    for (const name of CASE_EVENTS) source.addEventListener(name, onEvent as EventListener);
    return () => {
      if (pending) clearTimeout(pending);
      source.close();
    };
  }, [orgId, load, feedFor]);

  const shown = useMemo(() => {
    const ids = new Set(summary?.communities.map((c) => c.id) ?? []);
    return features.filter((f) => f.properties.type === 'community' && ids.has(f.properties.id));
  }, [features, summary]);
  // The generated demo map marks its invented units `sample`; while any is present the boundaries are the schematic ones
  // (also in a subdistrict whose communities all have real names), so the label stays on every level.
  const schematic = features.some((f) => f.properties.sample);
  const mapName = `fengqiao-${summary?.org.id ?? 'none'}-${mapVersion}`;
  const mapOption = useMemo<echarts.EChartsCoreOption | null>(() => {
    if (!summary || shown.length === 0) return null;
    echarts.registerMap(mapName, { type: 'FeatureCollection', features: shown } as unknown as Parameters<typeof echarts.registerMap>[1]);
    const byId = new Map(summary.communities.map((c) => [c.id, c]));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string }) => communityTooltip(byId.get(p.name), p.name),
      },
      series: [{
        type: 'map', map: mapName, nameProperty: 'id', roam: false, selectedMode: false,
        label: { show: true, color: '#e6f4ff', fontSize: 13, formatter: (p: { name: string }) => byId.get(p.name)?.name ?? '' },
        itemStyle: { borderColor: '#0b1a2e', borderWidth: 1.2 },
        emphasis: { label: { color: '#fff' }, itemStyle: { areaColor: '#3a6ea5' } },
        data: summary.communities.map((c) => ({ name: c.id, value: c.open.total, itemStyle: { areaColor: RISK_COLOURS[c.level] } })),
      }],
    };
  }, [summary, shown, mapName]);

  const trendOption = useMemo<echarts.EChartsCoreOption | null>(() => summary && {
    grid: { left: 50, right: 20, top: 36, bottom: 28 },
    legend: { data: ['接收', '受理', '化解'], textStyle: { color: '#9fc3e7', fontSize: 14 }, top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: summary.trend.map((d) => d.date.slice(5)), axisLabel: { color: '#7fa7cf' }, axisLine: { lineStyle: { color: '#2a4a6e' } } },
    yAxis: { type: 'value', axisLabel: { color: '#7fa7cf' }, splitLine: { lineStyle: { color: '#16314f' } } },
    series: [
      { name: '接收', type: 'line', smooth: true, data: summary.trend.map((d) => d.received), lineStyle: { width: 3 }, color: '#40a9ff', areaStyle: { opacity: 0.15 } },
      { name: '受理', type: 'line', smooth: true, data: summary.trend.map((d) => d.accepted), color: '#b37feb' },
      { name: '化解', type: 'line', smooth: true, data: summary.trend.map((d) => d.resolved), color: '#73d13d' },
    ],
  }, [summary]);

  const categoryOption = useMemo<echarts.EChartsCoreOption | null>(() => {
    if (!summary) return null;
    const top = summary.categories.slice(0, 10).reverse();
    return {
      grid: { left: 150, right: 60, top: 8, bottom: 8 },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: top.map((c) => c.name), axisLabel: { color: '#cfe3f7', fontSize: 14 }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{ type: 'bar', data: top.map((c) => c.count), barWidth: 14, itemStyle: { color: '#36cfc9', borderRadius: 7 }, label: { show: true, position: 'right', color: '#e6f4ff', formatter: (p: { value: number }) => num(p.value) } }],
    };
  }, [summary]);

  if (!summary) {
    return <div className="loading">{error ?? '正在加载… Loading…'}</div>;
  }
  const s = summary;
  const up = s.org.parentId;
  return (
    <div className="screen">
      <header>
        <div className="title">
          <span className="brand">枫桥</span> 群众诉求服务指挥中心 · 一张图
          <span className="en">Command centre</span>
        </div>
        <div className="org">
          {up && <button className="link" onClick={() => setOrgId(up)}>← 返回上级</button>}
          <span className="org-name" data-testid="org-name">{s.org.name}</span>
        </div>
        <div className="status">
          <span className={`live ${live}`}>{live === 'open' ? '● 实时' : '○ 重连中'}</span>
          <span className="clock">{now.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}</span>
        </div>
      </header>
      {error && <div className="banner" role="alert">{error}</div>}
      <main>
        <section className="col left">
          <h2>今日 Today <small>{s.today.date}</small></h2>
          <div className="kpis">
            <Kpi label="接收" value={num(s.today.received)} />
            <Kpi label="受理" value={num(s.today.accepted)} />
            <Kpi label="化解" value={num(s.today.resolved)} />
            <Kpi label="化解率" value={pct(s.today.resolutionRate)} tone="good" />
          </div>
          <h2>累计 All time</h2>
          <div className="kpis">
            <Kpi label="接收" value={num(s.allTime.received)} />
            <Kpi label="受理" value={num(s.allTime.accepted)} />
            <Kpi label="化解" value={num(s.allTime.resolved)} />
            <Kpi label="化解率" value={pct(s.allTime.resolutionRate)} tone="good" />
          </div>
          <h2>在办风险 Open by risk</h2>
          <div className="kpis three">
            {(['red', 'yellow', 'blue'] as const).map((l) => <Kpi key={l} label={RISK_NAMES[l]} value={num(s.openByRisk[l])} tone={l} />)}
          </div>
          <div className="kpis">
            <Kpi label="超期诉求" value={num(s.overdue.total)} sub={`其中红色 ${num(s.overdue.red)}`} tone="red" />
            <Kpi label="在办发令" value={num(s.ordersInFlight)} sub="社区吹哨 部门报到" />
          </div>
          <h2>服务类型 Services</h2>
          <ul className="services">
            {s.services.map((sv) => {
              const max = Math.max(1, ...s.services.map((x) => x.received));
              return (
                <li key={sv.serviceType} className={sv.serviceType}>
                  <span className="sv-name">{sv.name}</span>
                  <span className="sv-bar"><i style={{ width: `${(sv.received / max) * 100}%` }} /></span>
                  <span className="sv-n">{num(sv.received)}</span>
                  <span className="sv-done">化解 {num(sv.resolved)}</span>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="col center">
          <div className="map-box">
            {mapOption ? <Chart option={mapOption} className="chart map" onClick={(id) => id && id !== s.org.id && setOrgId(id)} /> : <div className="empty">暂无地图边界 No boundaries</div>}
            {schematic && <div className="schematic" data-testid="schematic">示意图：非官方边界，仅供演示 · Schematic map, not official boundaries</div>}
            <div className="legend">
              {(['red', 'yellow', 'blue', 'none'] as const).map((l) => (
                <span key={l}><i style={{ background: RISK_COLOURS[l] }} />{l === 'none' ? '无在办' : RISK_NAMES[l]}</span>
              ))}
            </div>
            {canUpload && <BoundaryUpload onDone={() => api.get<{ features: MapFeature[] }>('/orgs/map').then((fc) => { setFeatures(fc.features); setMapVersion((v) => v + 1); })} />}
          </div>
          <h2>近30日趋势 30-day trend</h2>
          {trendOption && <Chart option={trendOption} className="chart trend" />}
        </section>
        <section className="col right">
          <h2>实时动态 Live: 红色预警与超期</h2>
          <ul className="feed" data-testid="feed">
            {feed.length === 0 && <li className="empty">暂无</li>}
            {feed.map((f) => (
              <li key={f.key} className={`feed-item ${f.kind}`}>
                <span className="tag">{FEED_NAMES[f.kind]}</span>
                <span className="no">{f.trackingNo ?? f.caseId.slice(0, 8)}</span>
                <span className="what">{f.title ?? ''}</span>
                <span className="when">{f.at.toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}</span>
              </li>
            ))}
          </ul>
          <h2>诉求分类 Categories</h2>
          {categoryOption && <Chart option={categoryOption} className="chart categories" />}
          <h2>下辖单位 Units</h2>
          <table className="units">
            <thead><tr><th>单位</th><th>接收</th><th>化解</th><th>在办 红/黄/蓝</th><th>超期</th></tr></thead>
            <tbody>
              {[...s.children]
                .filter((c) => c.received > 0 || (c.type !== 'grid' && c.type !== 'station'))
                .sort((a, b) => UNIT_ORDER.indexOf(a.type) - UNIT_ORDER.indexOf(b.type) || b.received - a.received)
                .slice(0, 12)
                .map((c) => (
                <tr key={c.id} onClick={() => setOrgId(c.id)} className="drill">
                  <td><i className="dot" style={{ background: RISK_COLOURS[c.level] }} />{c.name}</td>
                  <td>{num(c.received)}</td>
                  <td>{num(c.resolved)}</td>
                  <td><b className="r">{c.open.red}</b>/<b className="y">{c.open.yellow}</b>/<b className="b">{c.open.blue}</b></td>
                  <td>{num(c.overdue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

/** District admins may replace the schematic map with real boundaries (GeoJSON FeatureCollection, codes matching the org tree). */
function BoundaryUpload({ onDone }: { onDone: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <label className="upload">
      上传真实边界 GeoJSON
      <input
        type="file"
        accept=".json,.geojson,application/geo+json,application/json"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          try {
            const r = await api.post<{ created: number; updated: number }>('/orgs/import', { fileName: file.name, content: await file.text() });
            setMessage(`已更新 ${r.updated} 个、新增 ${r.created} 个单位`);
            onDone();
          } catch (err) {
            setMessage(err instanceof ApiError ? err.message : String(err));
          }
        }}
      />
      {message && <span className="upload-msg">{message}</span>}
    </label>
  );
}

function App() {
  const scale = useFitScale();
  const [signedIn, setSignedIn] = useState(() => {
    const url = new URL(window.location.href);
    const fromUrl = url.searchParams.get('token');
    if (fromUrl) {
      setToken(fromUrl);
      // Keep the token out of the address bar (and of screenshots and history).
      url.searchParams.delete('token');
      window.history.replaceState(null, '', url);
    }
    return Boolean(getToken());
  });
  const signOut = useCallback(() => {
    setToken(null);
    setSignedIn(false);
  }, []);
  return (
    <div className="stage" style={{ transform: `scale(${scale})` }}>
      {signedIn ? <Screen onSignOut={signOut} /> : <Login onDone={() => setSignedIn(true)} />}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
