/** How the big screen shows figures: the risk palette and its names, numbers and rates. */
import type { RiskLevel } from './dashboard-types.js';

export const RISK_COLOURS: Record<RiskLevel, string> = { red: '#ff4d4f', yellow: '#fadb14', blue: '#40a9ff', none: '#1d3a5f' };
export const RISK_NAMES = { red: '红色 一类', yellow: '黄色 二类', blue: '蓝色 三类' } as const;

export const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
export const num = (n: number) => n.toLocaleString('zh-CN');
