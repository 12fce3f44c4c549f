/** The ten most frequent categories as horizontal bars, the largest on top. */
import { useMemo } from 'react';
import { Chart } from './Chart.js';
import type { Summary } from './dashboard-types.js';
import type { ChartOption } from './echarts.js';
import { num } from './figures.js';

export function CategoryChart({ categories }: { categories: Summary['categories'] }) {
  const option = useMemo<ChartOption>(() => {
    const top = categories.slice(0, 10).reverse();
    return {
      grid: { left: 150, right: 60, top: 8, bottom: 8 },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: top.map((c) => c.name), axisLabel: { color: '#cfe3f7', fontSize: 14 }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{ type: 'bar', data: top.map((c) => c.count), barWidth: 14, itemStyle: { color: '#36cfc9', borderRadius: 7 }, label: { show: true, position: 'right', color: '#e6f4ff', formatter: (p: { value: number }) => num(p.value) } }],
    };
  }, [categories]);
  return (
    <>
      <h2>诉求分类 Categories</h2>
      <Chart option={option} className="chart categories" />
    </>
  );
}
