/**
 * What the big screen reads from the API. The summary comes from the
 * server's response schema (type-only: nothing of the server is bundled);
 * the map and the case look-ups have no response schema yet and are stated
 * here and in shared/case-types.ts.
 */
import type { Static } from 'typebox';
import type { SummarySchema } from '../../server/modules/dashboard/dashboard.schemas.js';
import type { CaseView } from '../shared/case-types.js';

/** `GET /dashboard/summary`. */
export type Summary = Static<typeof SummarySchema>;
/** One unit's figures (a child unit or a community of the summarised unit). */
export type UnitFigures = Summary['communities'][number];
export type RiskLevel = UnitFigures['level'];

/** A feature of `GET /orgs/map` (no response schema on that route yet). */
export interface MapFeature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: { id: string; name: string; type: string; parentId: string | null; sample: boolean };
}

/** The parts of a case the live feed shows. */
export type FeedCase = Pick<CaseView, 'id' | 'trackingNo' | 'title' | 'riskLevel' | 'createdAt'>;

/** One line of the live feed: a red case, a breach or an escalation; the case's number and title arrive after. */
export interface FeedItem {
  key: string;
  at: Date;
  kind: 'red' | 'overdue' | 'escalated';
  caseId: string;
  riskLevel: string;
  trackingNo?: string;
  title?: string;
}
