/**
 * The staff event stream (GET /events/stream, SSE). Events are hints — "case
 * X changed" — and screens refetch what they show, so a missed event costs
 * freshness only. EventSource cannot send headers, hence `?accessToken=`.
 * The browser reconnects by itself; `onReconnect` lets screens refetch what
 * they may have missed while the stream was down.
 */
import { useEffect, useRef, useState } from 'react';
import { API_BASE } from './api.js';

export interface LiveEvent {
  name: string;
  caseId?: string;
  data?: Record<string, string | number | boolean>;
}

/** Named events the server publishes today (EventSource needs each name). */
const CASE_ACTIONS = [
  'respond', 'accept', 'reject', 'dispatch', 'transfer', 'escalate', 'start', 'resolve', 'confirm', 'reopen', 'close', 'suspend',
  'resume', 'merge', 'comment', 'regrade', 'add_info',
];
export const EVENT_NAMES = [
  'case.created', 'case.red', 'case.warning', 'case.overdue', 'case.escalated',
  ...CASE_ACTIONS.map((a) => `case.${a}`),
  'order.issued', 'order.acknowledged', 'order.checked_in', 'order.arrived', 'order.completed', 'order.confirmed', 'order.overdue',
  'supervision.notice', 'supervision.answered', 'notification', 'notification.created',
];

type Listener = (event: LiveEvent) => void;
type Status = 'connecting' | 'open' | 'closed';

/** One shared connection per tab, opened while any component listens. */
let source: EventSource | null = null;
let sourceToken: string | null = null;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: Status) => void>();
let status: Status = 'closed';
let wasOpen = false;

function setStatus(next: Status) {
  status = next;
  for (const l of statusListeners) l(next);
}

function connect(token: string) {
  if (source && sourceToken === token) return;
  source?.close();
  sourceToken = token;
  setStatus('connecting');
  const es = new EventSource(`${API_BASE}/events/stream?accessToken=${encodeURIComponent(token)}`);
  source = es;
  es.onopen = () => {
    // A re-open after a drop: tell listeners to refetch.
    if (wasOpen) for (const l of listeners) l({ name: 'stream.reconnected' });
    wasOpen = true;
    setStatus('open');
  };
  es.onerror = () => setStatus(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  for (const name of EVENT_NAMES) {
    es.addEventListener(name, (e) => {
      let parsed: Omit<LiveEvent, 'name'> = {};
      try {
        parsed = JSON.parse((e as MessageEvent<string>).data) as Omit<LiveEvent, 'name'>;
      } catch {
        /* a malformed hint is just a refetch trigger */
      }
      for (const l of listeners) l({ ...parsed, name });
    });
  }
}

export function disconnectEvents(): void {
  source?.close();
  source = null;
  sourceToken = null;
  wasOpen = false;
  setStatus('closed');
}

/** Subscribes while mounted; `handler` may change between renders without reconnecting. */
export function useLiveEvents(token: string | null, handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!token) return;
    connect(token);
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, [token]);
}

export function useLiveStatus(): Status {
  const [s, setS] = useState<Status>(status);
  useEffect(() => {
    statusListeners.add(setS);
    setS(status);
    return () => {
      statusListeners.delete(setS);
    };
  }, []);
  return s;
}
