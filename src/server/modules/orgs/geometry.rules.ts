import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import { l, type Localised } from '../../platform/messages.js';

/**
 * Minimal structural check of GeoJSON geometries we store and test points
 * against. Full validity (self-intersection…) is the drawing tool's job.
 */
type Position = number[];

function isPosition(p: unknown): p is Position {
  return Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n))
    && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
}

function ringProblem(ring: unknown): Localised | null {
  if (!Array.isArray(ring) || ring.length < 4) return l('多边形的每个环至少需要4个坐标点', 'a polygon ring needs at least 4 positions');
  if (!ring.every(isPosition)) return l('坐标应为范围内的 [经度, 纬度] 数字', 'positions must be [lng, lat] numbers in range');
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) return l('多边形的环必须首尾闭合', 'a polygon ring must be closed');
  return null;
}

/** Returns why a geometry is unusable, or null. Accepts Point, Polygon and MultiPolygon. */
export function checkGeometry(geometry: { type: string; coordinates: unknown }): Localised | null {
  const { type, coordinates } = geometry;
  if (type === 'Point') return isPosition(coordinates) ? null : l('点需要 [经度, 纬度]', 'a Point needs [lng, lat]');
  if (type === 'Polygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) return l('多边形需要至少一个环', 'a Polygon needs rings');
    for (const ring of coordinates) {
      const problem = ringProblem(ring);
      if (problem) return problem;
    }
    return null;
  }
  if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) return l('多多边形需要至少一个多边形', 'a MultiPolygon needs polygons');
    for (const polygon of coordinates) {
      if (!Array.isArray(polygon) || polygon.length === 0) return l('多多边形需要至少一个多边形', 'a MultiPolygon needs polygons');
      for (const ring of polygon) {
        const problem = ringProblem(ring);
        if (problem) return problem;
      }
    }
    return null;
  }
  return l(`不支持的几何类型 ${type}（支持 Point、Polygon、MultiPolygon）`, `geometry type ${type} is not supported (Point, Polygon, MultiPolygon)`);
}

/** Is [lng, lat] inside a Polygon or MultiPolygon (holes honoured)? */
export function containsPoint(geometry: { type: string; coordinates: unknown }, lng: number, lat: number): boolean {
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return false;
  return booleanPointInPolygon([lng, lat], geometry as Polygon | MultiPolygon);
}
