/** One ECharts chart in a div: created once, its option replaced whole on change, clicks reported by item name. */
import { useEffect, useRef } from 'react';
import { echarts, type ChartOption } from './echarts.js';

export function Chart({ option, onClick, className }: { option: ChartOption; onClick?: (name: string) => void; className?: string }) {
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
