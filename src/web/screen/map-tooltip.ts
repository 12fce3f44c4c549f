/** The big screen's map tooltip, apart from the React component so it can be tested. */
import { escapeHtml } from '../shared/html.js';

export interface TooltipFigures {
  name: string;
  open: { total: number; red: number; yellow: number; blue: number };
  overdue: number;
}

/**
 * ECharts renders a tooltip formatter's string as HTML, so the community name (an admin-edited or imported org
 * name) is escaped; the `<br/>`s are ours. `fallback` is the map feature's name, escaped as well.
 */
export function communityTooltip(c: TooltipFigures | undefined, fallback: string): string {
  if (!c) return escapeHtml(fallback);
  return `${escapeHtml(c.name)}<br/>在办 ${c.open.total}（红 ${c.open.red} · 黄 ${c.open.yellow} · 蓝 ${c.open.blue}）<br/>超期 ${c.overdue}`;
}
