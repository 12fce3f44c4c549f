/** Received, accepted and resolved cases per day over the last 30 days. */
import { useMemo } from 'react';
import { Chart } from './Chart.js';
import type { Summary } from './dashboard-types.js';
import type { ChartOption } from './echarts.js';

export function TrendChart({ trend }: { trend: Summary['trend'] }) {
  const option = useMemo<ChartOption>(() => ({
    grid: { left: 50, right: 20, top: 36, bottom: 28 },
    legend: { data: ['接收', '受理', '化解'], textStyle: { color: '#9fc3e7', fontSize: 14 }, top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: trend.map((d) => d.date.slice(5)), axisLabel: { color: '#7fa7cf' }, axisLine: { lineStyle: { color: '#2a4a6e' } } },
    yAxis: { type: 'value', axisLabel: { color: '#7fa7cf' }, splitLine: { lineStyle: { color: '#16314f' } } },
    series: [
      { name: '接收', type: 'line', smooth: true, data: trend.map((d) => d.received), lineStyle: { width: 3 }, color: '#40a9ff', areaStyle: { opacity: 0.15 } },
      { name: '受理', type: 'line', smooth: true, data: trend.map((d) => d.accepted), color: '#b37feb' },
      { name: '化解', type: 'line', smooth: true, data: trend.map((d) => d.resolved), color: '#73d13d' },
    ],
  }), [trend]);
  return (
    <>
      <h2>近30日趋势 30-day trend</h2>
      <Chart option={option} className="chart trend" />
    </>
  );
}
