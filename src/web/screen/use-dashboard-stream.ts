import { getToken } from '../shared/api.js';
import { FIGURE_EVENT_NAMES, useEventStream, type LiveEvent, type StreamStatus } from '../shared/sse.js';
import { useThrottled } from '../shared/use-throttled.js';

const COALESCE_MS = 300;

/**
 * The unit's case events over `GET /dashboard/stream` (SSE): any of them, and every (re)connection, asks for
 * fresh figures — coalesced to one `onStale` per 300 ms, so a burst costs one summary request — and each event
 * goes to `onEvent` (the live feed). Returns the connection status for the header.
 */
export function useDashboardStream(orgId: string | null, onStale: () => void, onEvent: (event: LiveEvent) => void): StreamStatus {
  const refresh = useThrottled(onStale, COALESCE_MS);
  return useEventStream({
    path: '/dashboard/stream',
    token: getToken(),
    query: { orgId },
    names: FIGURE_EVENT_NAMES,
    onOpen: refresh,
    onEvent: (event) => {
      refresh();
      onEvent(event);
    },
  });
}
