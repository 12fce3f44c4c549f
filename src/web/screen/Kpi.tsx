/** One figure tile: a label, a big number, an optional line under it, coloured by risk or "good". */
import type { RiskLevel } from './dashboard-types.js';

export function Kpi({ label, value, sub, tone }: { label: string; value: string; sub?: string; tone?: RiskLevel | 'good' }) {
  return (
    <div className={`kpi ${tone ?? ''}`}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  );
}
