/**
 * The signed-in big screen: one unit's figures (left), its map and trend (centre), the live feed, categories
 * and units (right). Every pushed case change refetches the figures; clicking a unit or a community drills down.
 */
import { useCallback } from 'react';
import { BoundaryUpload } from './BoundaryUpload.js';
import { CategoryChart } from './CategoryChart.js';
import { CommunityMap } from './CommunityMap.js';
import { FiguresPanel } from './FiguresPanel.js';
import { LiveFeed } from './LiveFeed.js';
import { ScreenHeader } from './ScreenHeader.js';
import { ServicesPanel } from './ServicesPanel.js';
import { TrendChart } from './TrendChart.js';
import { UnitsTable } from './UnitsTable.js';
import { useDashboardStream } from './use-dashboard-stream.js';
import { useLiveFeed } from './use-live-feed.js';
import { useMayUploadBoundaries } from './use-may-upload-boundaries.js';
import { useOrgMap } from './use-org-map.js';
import { useSelectedUnit } from './use-selected-unit.js';
import { useSummary } from './use-summary.js';

export function Screen({ onSignOut }: { onSignOut: () => void }) {
  const [orgId, setOrgId] = useSelectedUnit();
  const { summary, error, reload } = useSummary(orgId, onSignOut);
  const { features, version, reload: loadMap } = useOrgMap();
  const { feed, add } = useLiveFeed(orgId);
  const live = useDashboardStream(orgId, () => void reload(), add);
  const mayUpload = useMayUploadBoundaries();
  const reloadMap = useCallback(() => void loadMap().catch(() => undefined), [loadMap]);

  if (!summary) return <div className="loading">{error ?? '正在加载… Loading…'}</div>;
  return (
    <div className="screen">
      <ScreenHeader org={summary.org} live={live} onUp={setOrgId} />
      {error && <div className="banner" role="alert">{error}</div>}
      <main>
        <section className="col left">
          <FiguresPanel summary={summary} />
          <ServicesPanel services={summary.services} />
        </section>
        <section className="col center">
          <CommunityMap summary={summary} features={features} version={version} onPick={setOrgId}>
            {mayUpload && <BoundaryUpload onDone={reloadMap} />}
          </CommunityMap>
          <TrendChart trend={summary.trend} />
        </section>
        <section className="col right">
          <LiveFeed feed={feed} />
          <CategoryChart categories={summary.categories} />
          <UnitsTable units={summary.children} onPick={setOrgId} />
        </section>
      </main>
    </div>
  );
}
