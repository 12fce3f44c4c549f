import { useCallback, useEffect, useState } from 'react';
import { api } from '../shared/api.js';
import type { CaseList } from '../shared/case-types.js';
import type { LiveEvent } from '../shared/sse.js';
import type { FeedCase, FeedItem } from './dashboard-types.js';

const FEED_LENGTH = 12;
const FEED_KINDS: Record<string, FeedItem['kind']> = { 'case.red': 'red', 'case.overdue': 'overdue', 'case.escalated': 'escalated' };

/**
 * The live feed: it starts with the unit's latest red cases, and each pushed red case, breach or escalation
 * is put on top at once, its tracking number and title filled in when the case has been read.
 */
export function useLiveFeed(orgId: string | null) {
  const [feed, setFeed] = useState<FeedItem[]>([]);
  useEffect(() => {
    api.get<CaseList>('/cases', { riskLevel: 'red', orgId: orgId ?? undefined, pageSize: 8 }).then(
      (page) => setFeed(page.items.map((c: FeedCase) => ({ key: `init:${c.id}`, at: new Date(c.createdAt), kind: 'red', caseId: c.id, riskLevel: c.riskLevel, trackingNo: c.trackingNo, title: c.title }))),
      () => undefined,
    );
  }, [orgId]);

  const add = useCallback((event: LiveEvent) => {
    const kind = FEED_KINDS[event.name];
    const caseId = event.caseId;
    if (!kind || !caseId) return;
    const riskLevel = typeof event.data?.riskLevel === 'string' ? event.data.riskLevel : 'red';
    const item: FeedItem = { key: `${event.name}:${caseId}:${Date.now()}`, at: new Date(), kind, caseId, riskLevel };
    setFeed((f) => [item, ...f].slice(0, FEED_LENGTH));
    api.get<FeedCase>(`/cases/${caseId}`).then(
      (c) => setFeed((f) => f.map((x) => (x.key === item.key ? { ...x, trackingNo: c.trackingNo, title: c.title } : x))),
      () => undefined,
    );
  }, []);
  return { feed, add };
}
