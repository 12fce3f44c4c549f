/** The left column: today's and all-time intake and resolution, open cases by risk, breaches and orders. */
import type { Summary } from './dashboard-types.js';
import { num, pct, RISK_NAMES } from './figures.js';
import { Kpi } from './Kpi.js';

type Figures = Summary['allTime'];

function FigureRow({ f }: { f: Figures }) {
  return (
    <div className="kpis">
      <Kpi label="接收" value={num(f.received)} />
      <Kpi label="受理" value={num(f.accepted)} />
      <Kpi label="化解" value={num(f.resolved)} />
      <Kpi label="化解率" value={pct(f.resolutionRate)} tone="good" />
    </div>
  );
}

export function FiguresPanel({ summary: s }: { summary: Summary }) {
  return (
    <>
      <h2>今日 Today <small>{s.today.date}</small></h2>
      <FigureRow f={s.today} />
      <h2>累计 All time</h2>
      <FigureRow f={s.allTime} />
      <h2>在办风险 Open by risk</h2>
      <div className="kpis three">
        {(['red', 'yellow', 'blue'] as const).map((l) => <Kpi key={l} label={RISK_NAMES[l]} value={num(s.openByRisk[l])} tone={l} />)}
      </div>
      <div className="kpis">
        <Kpi label="超期诉求" value={num(s.overdue.total)} sub={`其中红色 ${num(s.overdue.red)}`} tone="red" />
        <Kpi label="在办发令" value={num(s.ordersInFlight)} sub="社区吹哨 部门报到" />
      </div>
    </>
  );
}
