/**
 * A tiny schematic map for the location pin: community cells from
 * `/orgs/map` drawn as SVG (no map library, nothing from a tile server).
 * Tapping places a pin and reports its latitude and longitude.
 */
import { useEffect, useMemo, useState } from 'react';
import { portalApi } from '../portal-api.js';
import type { OrgMap } from '../portal-types.js';

type Ring = [number, number][];
/** A map feature with its GeoJSON geometry spelled out (the schema leaves it open). */
type Feature = Omit<OrgMap['features'][number], 'geometry'> & {
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] } | { type: string; coordinates: unknown };
};

const W = 1000;

function rings(f: Feature): Ring[] {
  if (f.geometry.type === 'Polygon') return f.geometry.coordinates as Ring[];
  if (f.geometry.type === 'MultiPolygon') return (f.geometry.coordinates as Ring[][]).flat();
  return [];
}

export function MapPicker(props: { value: { lat: number; lng: number } | null; onPick: (p: { lat: number; lng: number; community: string | null }) => void; en: boolean }) {
  const [features, setFeatures] = useState<Feature[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    portalApi.get<OrgMap>('/orgs/map')
      .then((fc) => setFeatures((fc.features as Feature[]).filter((f) => f.properties.type === 'community')))
      .catch(() => setFailed(true));
  }, []);

  const frame = useMemo(() => {
    if (!features?.length) return null;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const f of features) for (const r of rings(f)) for (const [x, y] of r) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    // Longitude degrees are shorter than latitude degrees at 22.7°N.
    const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
    const scale = W / ((maxX - minX) * k);
    const h = (maxY - minY) * scale;
    const project = ([x, y]: [number, number]) => [(x - minX) * k * scale, (maxY - y) * scale] as const;
    const unproject = (px: number, py: number) => ({ lng: px / (k * scale) + minX, lat: maxY - py / scale });
    return { h, project, unproject };
  }, [features]);

  if (failed) return null;
  if (!features || !frame) return <div className="muted">…</div>;
  const pin = props.value ? frame.project([props.value.lng, props.value.lat]) : null;

  const onClick = (e: React.MouseEvent<SVGSVGElement>) => {
    const svg = e.currentTarget;
    const box = svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    const py = ((e.clientY - box.top) / box.height) * frame.h;
    const target = (e.target as Element).getAttribute('data-name');
    props.onPick({ ...frame.unproject(px, py), community: target });
  };

  return (
    <svg className="map" viewBox={`0 0 ${W} ${frame.h}`} onClick={onClick} role="img" aria-label="map" data-testid="map">
      {features.map((f) => (
        <path
          key={f.properties.id}
          data-name={props.en ? (f.properties.nameEn ?? f.properties.name) : f.properties.name}
          d={rings(f).map((r) => 'M' + r.map((p) => frame.project(p).map((n) => n.toFixed(1)).join(',')).join('L') + 'Z').join('')}
        />
      ))}
      {pin && <circle cx={pin[0]} cy={pin[1]} r={14} className="pin" />}
    </svg>
  );
}
