/** Cases by service type (complaints, disputes, legal, psychological, assistance) as bars against the largest. */
import type { Summary } from './dashboard-types.js';
import { num } from './figures.js';

export function ServicesPanel({ services }: { services: Summary['services'] }) {
  const max = Math.max(1, ...services.map((x) => x.received));
  return (
    <>
      <h2>服务类型 Services</h2>
      <ul className="services">
        {services.map((sv) => (
          <li key={sv.serviceType} className={sv.serviceType}>
            <span className="sv-name">{sv.name}</span>
            <span className="sv-bar"><i style={{ width: `${(sv.received / max) * 100}%` }} /></span>
            <span className="sv-n">{num(sv.received)}</span>
            <span className="sv-done">化解 {num(sv.resolved)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
