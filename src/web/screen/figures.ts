/** How the big screen shows figures: the risk palette and its names, numbers and rates. */
import { RISK_LABELS } from '../../shared/risk.js';
import type { RiskLevel } from './dashboard-types.js';

export const RISK_COLOURS: Record<RiskLevel, string> = { red: '#ff4d4f', yellow: '#fadb14', blue: '#40a9ff', none: '#1d3a5f' };
/** The screen speaks Chinese: the shared names' zh-CN wording. */
export const RISK_NAMES = { red: RISK_LABELS.red['zh-CN'], yellow: RISK_LABELS.yellow['zh-CN'], blue: RISK_LABELS.blue['zh-CN'] } as const;

export const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
export const num = (n: number) => n.toLocaleString('zh-CN');
