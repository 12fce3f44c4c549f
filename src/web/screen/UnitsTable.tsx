/** The units under the shown one with their figures; a row drills down. Grids and stations without cases are left out. */
import type { UnitFigures } from './dashboard-types.js';
import { num, RISK_COLOURS } from './figures.js';

/** Territorial units first, then departments. */
const UNIT_ORDER = ['subdistrict', 'community', 'station', 'grid', 'department'];
const ROWS = 12;

export function UnitsTable({ units, onPick }: { units: UnitFigures[]; onPick: (orgId: string) => void }) {
  const rows = [...units]
    .filter((c) => c.received > 0 || (c.type !== 'grid' && c.type !== 'station'))
    .sort((a, b) => UNIT_ORDER.indexOf(a.type) - UNIT_ORDER.indexOf(b.type) || b.received - a.received)
    .slice(0, ROWS);
  return (
    <>
      <h2>下辖单位 Units</h2>
      <table className="units">
        <thead><tr><th>单位</th><th>接收</th><th>化解</th><th>在办 红/黄/蓝</th><th>超期</th></tr></thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} onClick={() => onPick(c.id)} className="drill">
              <td><i className="dot" style={{ background: RISK_COLOURS[c.level] }} />{c.name}</td>
              <td>{num(c.received)}</td>
              <td>{num(c.resolved)}</td>
              <td><b className="r">{c.open.red}</b>/<b className="y">{c.open.yellow}</b>/<b className="b">{c.open.blue}</b></td>
              <td>{num(c.overdue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
