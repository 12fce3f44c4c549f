/**
 * Server-Sent Events over the realtime bus, reusable by any stream (the staff
 * event stream now, the big screen later): the caller decides which events a
 * connection may see; this file owns the wire format, heartbeats, slow-client
 * protection and clean-up.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { scopeRoots, type Actor } from '../../platform/policies.js';
import type { Realtime, RealtimeEvent } from '../../platform/realtime.js';

/** Proxies and browsers drop idle connections; a comment line every 15 s keeps them open. */
export const HEARTBEAT_MS = 15_000;

/** A client that stops reading is cut off once this much output is queued for it, instead of growing memory. */
const MAX_BUFFERED_BYTES = 1_048_576;

/**
 * True when `actor` may see `event`: an event for one user goes to that user
 * only; an event with an org path goes to actors whose case:read scope
 * contains it; an event without either goes to all staff (anyone with case:read).
 */
export function eventVisibleTo(event: RealtimeEvent, actor: Actor): boolean {
  if (event.userId !== undefined) return event.userId === actor.id;
  const roots = scopeRoots(actor, 'case:read');
  if (event.orgPath === undefined) return roots.length > 0;
  const orgPath = event.orgPath;
  return roots.some((root) => orgPath.startsWith(root));
}

/** One SSE message: `event: <name>` and the event as JSON without its routing fields (orgPath, userId). */
export function formatEvent(event: RealtimeEvent): string {
  const { orgPath: _orgPath, userId: _userId, ...visible } = event;
  // JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
  return `event: ${event.name}\ndata: ${JSON.stringify(visible)}\n\n`;
}

export interface EventStreamOptions {
  realtime: Realtime;
  /** Which events this connection receives; may change over time (e.g. after `revalidate`). */
  accept: (event: RealtimeEvent) => boolean;
  /** Override the wire format (default `formatEvent`). */
  format?: (event: RealtimeEvent) => string;
  heartbeatMs?: number;
  /** Called at each heartbeat; resolving false ends the stream (e.g. the session was revoked). */
  revalidate?: () => Promise<boolean>;
}

/** A live stream; `end()` closes it from the server side. */
export interface EventStream {
  end(): void;
  /** Resolves once the stream is closed, by either side. */
  readonly closed: Promise<void>;
}

/**
 * Takes over the response and streams accepted events until the client
 * disconnects or `end()` is called; then unsubscribes and stops the heartbeat.
 * Headers already set on the reply (security headers, CORS) are kept.
 */
export function openEventStream(_request: FastifyRequest, reply: FastifyReply, opts: EventStreamOptions): EventStream {
  const raw = reply.raw;
  reply.hijack();
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Tell nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
  // `retry` sets the browser's reconnect delay; the comment flushes the headers so clients see the stream open.
  raw.write('retry: 5000\n: connected\n\n');

  const format = opts.format ?? formatEvent;
  let finished = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const write = (chunk: string) => {
    if (finished) return;
    raw.write(chunk);
    if (raw.writableLength > MAX_BUFFERED_BYTES) end();
  };

  const unsubscribe = opts.realtime.subscribe((event) => {
    if (opts.accept(event)) write(format(event));
  });

  let checking = false;
  const heartbeat = setInterval(() => {
    write(': heartbeat\n\n');
    if (!opts.revalidate || checking) return;
    checking = true;
    opts
      .revalidate()
      .then((ok) => {
        if (!ok) end();
      })
      // A failed check (e.g. the database is briefly away) is not a revoked session: keep streaming.
      .catch(() => undefined)
      .finally(() => (checking = false));
  }, opts.heartbeatMs ?? HEARTBEAT_MS);

  function cleanup() {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    unsubscribe();
    resolveClosed();
  }

  function end() {
    if (finished) return;
    cleanup();
    // Close the connection too: a kept-alive idle socket would hold up server shutdown,
    // and the browser's EventSource reconnects on a fresh one anyway.
    raw.end(() => raw.destroy());
  }

  raw.on('close', cleanup);
  raw.on('error', cleanup);
  return { end, closed };
}
