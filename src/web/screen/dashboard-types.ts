/**
 * What the big screen reads from the API: the summary, the map's boundaries
 * and (through shared/case-types.ts) the case look-ups are the server's
 * response schemas, imported as types only (nothing of the server is bundled).
 */
import type { Static } from 'typebox';
import type { SummarySchema } from '../../server/modules/dashboard/dashboard.schemas.js';
import type { OrgMapSchema } from '../../server/modules/orgs/orgs.schemas.js';
import type { CaseView } from '../shared/case-types.js';

/** `GET /dashboard/summary`. */
export type Summary = Static<typeof SummarySchema>;
/** One unit's figures (a child unit or a community of the summarised unit). */
export type UnitFigures = Summary['communities'][number];
export type RiskLevel = UnitFigures['level'];

/** `GET /orgs/map`: the units' boundaries as GeoJSON. */
export type OrgMap = Static<typeof OrgMapSchema>;
export type MapFeature = OrgMap['features'][number];

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
