/**
 * The map of the shown unit's communities, each coloured by its worst open risk; clicking one drills down.
 * The demo's generated boundaries are labelled as a schematic on every level.
 */
import { useMemo, type ReactNode } from 'react';
import { Chart } from './Chart.js';
import type { MapFeature, Summary } from './dashboard-types.js';
import { echarts, type ChartOption } from './echarts.js';
import { RISK_COLOURS, RISK_NAMES } from './figures.js';
import { communityTooltip } from './map-tooltip.js';

export function CommunityMap({ summary, features, version, onPick, children }: {
  summary: Summary;
  features: MapFeature[];
  /** Changes whenever the boundaries were (re)loaded. */
  version: number;
  onPick: (orgId: string) => void;
  /** Extra controls under the legend (the boundary upload). */
  children?: ReactNode;
}) {
  const shown = useMemo(() => {
    const ids = new Set(summary.communities.map((c) => c.id));
    return features.filter((f) => f.properties.type === 'community' && ids.has(f.properties.id));
  }, [features, summary]);
  // The generated demo map marks its invented units `sample`; while any is present the boundaries are the schematic ones
  // (also in a subdistrict whose communities all have real names), so the label stays on every level.
  const schematic = features.some((f) => f.properties.sample);
  const mapName = `fengqiao-${summary.org.id}-${version}`;
  const option = useMemo<ChartOption | null>(() => {
    if (shown.length === 0) return null;
    echarts.registerMap(mapName, { type: 'FeatureCollection', features: shown } as unknown as Parameters<typeof echarts.registerMap>[1]);
    const byId = new Map(summary.communities.map((c) => [c.id, c]));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string }) => communityTooltip(byId.get(p.name), p.name),
      },
      series: [{
        type: 'map', map: mapName, nameProperty: 'id', roam: false, selectedMode: false,
        label: { show: true, color: '#e6f4ff', fontSize: 13, formatter: (p: { name: string }) => byId.get(p.name)?.name ?? '' },
        itemStyle: { borderColor: '#0b1a2e', borderWidth: 1.2 },
        emphasis: { label: { color: '#fff' }, itemStyle: { areaColor: '#3a6ea5' } },
        data: summary.communities.map((c) => ({ name: c.id, value: c.open.total, itemStyle: { areaColor: RISK_COLOURS[c.level] } })),
      }],
    };
  }, [summary, shown, mapName]);

  return (
    <div className="map-box">
      {option ? <Chart option={option} className="chart map" onClick={(id) => id && id !== summary.org.id && onPick(id)} /> : <div className="empty">暂无地图边界 No boundaries</div>}
      {schematic && <div className="schematic" data-testid="schematic">示意图：非官方边界，仅供演示 · Schematic map, not official boundaries</div>}
      <div className="legend">
        {(['red', 'yellow', 'blue', 'none'] as const).map((l) => (
          <span key={l}><i style={{ background: RISK_COLOURS[l] }} />{l === 'none' ? '无在办' : RISK_NAMES[l]}</span>
        ))}
      </div>
      {children}
    </div>
  );
}
