/**
 * Server-Sent Events for the web entries. Events are hints — "case X
 * changed" — and screens refetch what they show, so a missed event costs
 * freshness only. EventSource cannot send headers, hence `?accessToken=`.
 * The browser reconnects by itself; each (re)open is reported so screens
 * refetch what they may have missed while the stream was down (the server
 * sends no event ids, so there is no Last-Event-ID to resume from).
 *
 * Two ways in: the staff workbench shares one connection to
 * `/events/stream` per tab (`useLiveEvents`, `useLiveStatus`); the big screen
 * opens its own stream of one unit (`useEventStream` on `/dashboard/stream`).
 */
import { useEffect, useRef, useState } from 'react';
import { API_BASE } from './api.js';

export interface LiveEvent {
  name: string;
  caseId?: string;
  data?: Record<string, string | number | boolean>;
}

/** Case state changes, worded as the events the server publishes (`case.<action>`). */
const CASE_ACTIONS = [
  'respond', 'accept', 'reject', 'dispatch', 'transfer', 'escalate', 'start', 'resolve', 'confirm', 'reopen', 'close', 'suspend',
  'resume', 'merge', 'comment', 'regrade', 'add_info',
];
/** Case events the server raises itself (intake, grading, clocks). */
const CASE_SIGNALS = ['case.created', 'case.red', 'case.warning', 'case.overdue', 'case.escalated'];

/** Named events of the staff stream (EventSource needs each name). */
export const EVENT_NAMES = [
  ...CASE_SIGNALS,
  ...CASE_ACTIONS.map((a) => `case.${a}`),
  'order.issued', 'order.acknowledged', 'order.checked_in', 'order.arrived', 'order.completed', 'order.confirmed', 'order.overdue',
  'supervision.notice', 'supervision.answered', 'notification', 'notification.created',
];

/** Case events that change the command-centre figures (a comment does not). */
export const FIGURE_EVENT_NAMES = [...CASE_SIGNALS, ...CASE_ACTIONS.filter((a) => a !== 'comment').map((a) => `case.${a}`)];

type Listener = (event: LiveEvent) => void;
export type StreamStatus = 'connecting' | 'open' | 'closed';

export interface StreamOptions {
  /** Under the API base, e.g. `/events/stream`. */
  path: string;
  token: string;
  /** More query parameters (the unit of a dashboard stream). */
  query?: Record<string, string | null | undefined>;
  /** The event names to listen to. */
  names: readonly string[];
  onEvent: Listener;
  /** Each time the stream opens; `reopened` after a drop. */
  onOpen?: (reopened: boolean) => void;
  onStatus?: (status: StreamStatus) => void;
}

/** Opens one EventSource; returns the function that closes it. */
export function openStream(opts: StreamOptions): () => void {
  const query = new URLSearchParams({ accessToken: opts.token });
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v) query.set(k, v);
  const es = new EventSource(`${API_BASE}${opts.path}?${query}`);
  let opened = false;
  opts.onStatus?.('connecting');
  es.onopen = () => {
    opts.onOpen?.(opened);
    opened = true;
    opts.onStatus?.('open');
  };
  es.onerror = () => opts.onStatus?.(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  for (const name of opts.names) {
    es.addEventListener(name, (e) => {
      let parsed: Omit<LiveEvent, 'name'> = {};
      try {
        parsed = JSON.parse((e as MessageEvent<string>).data) as Omit<LiveEvent, 'name'>;
      } catch {
        /* a malformed hint is just a refetch trigger */
      }
      opts.onEvent({ ...parsed, name });
    });
  }
  return () => es.close();
}

/**
 * A stream owned by one component: opened while mounted, reopened when the
 * path, token or query changes; the handlers may change between renders
 * without reconnecting. Returns the connection's status.
 */
export function useEventStream(opts: Omit<StreamOptions, 'onStatus' | 'token'> & { token: string | null }): StreamStatus {
  const [state, setState] = useState<StreamStatus>('connecting');
  const handlers = useRef(opts);
  handlers.current = opts;
  const queryKey = JSON.stringify(opts.query ?? {});
  const namesKey = opts.names.join(',');
  const { path, token } = opts;
  useEffect(() => {
    if (!token) return;
    return openStream({
      path,
      token,
      query: JSON.parse(queryKey) as StreamOptions['query'],
      names: namesKey.split(','),
      onEvent: (e) => handlers.current.onEvent(e),
      onOpen: (reopened) => handlers.current.onOpen?.(reopened),
      onStatus: setState,
    });
  }, [path, token, queryKey, namesKey]);
  return state;
}

// ---- the staff workbench's shared connection ----

/** One shared connection per tab, opened while any component listens. */
let closeSource: (() => void) | null = null;
let sourceToken: string | null = null;
const listeners = new Set<Listener>();
const statusListeners = new Set<(s: StreamStatus) => void>();
let status: StreamStatus = 'closed';
let wasOpen = false;

function setStatus(next: StreamStatus) {
  status = next;
  for (const l of statusListeners) l(next);
}

function connect(token: string) {
  if (closeSource && sourceToken === token) return;
  closeSource?.();
  sourceToken = token;
  closeSource = openStream({
    path: '/events/stream',
    token,
    names: EVENT_NAMES,
    onEvent: (e) => {
      for (const l of listeners) l(e);
    },
    onOpen: () => {
      // A re-open after a drop: tell listeners to refetch.
      if (wasOpen) for (const l of listeners) l({ name: 'stream.reconnected' });
      wasOpen = true;
    },
    onStatus: setStatus,
  });
}

export function disconnectEvents(): void {
  closeSource?.();
  closeSource = null;
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

export function useLiveStatus(): StreamStatus {
  const [s, setS] = useState<StreamStatus>(status);
  useEffect(() => {
    statusListeners.add(setS);
    setS(status);
    return () => {
      statusListeners.delete(setS);
    };
  }, []);
  return s;
}
