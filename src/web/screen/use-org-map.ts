import { useCallback, useEffect, useState } from 'react';
import { api } from '../shared/api.js';
import type { MapFeature, OrgMap } from './dashboard-types.js';

/**
 * The boundaries of `GET /orgs/map`, loaded once and again after an upload. `version` changes with each
 * load, so the map registers the new shapes under a new name (ECharts caches maps by name).
 */
export function useOrgMap() {
  const [features, setFeatures] = useState<MapFeature[]>([]);
  const [version, setVersion] = useState(0);
  const reload = useCallback(
    () =>
      api.get<OrgMap>('/orgs/map').then((fc) => {
        setFeatures(fc.features);
        setVersion((v) => v + 1);
      }),
    [],
  );
  useEffect(() => {
    reload().catch(() => undefined);
  }, [reload]);
  return { features, version, reload };
}
