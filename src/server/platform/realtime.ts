/**
 * Realtime event bus behind the SSE stream. Events are small hints ("case X
 * changed", "you have a notification"); clients refetch what they show, so a
 * missed event costs freshness, never data.
 *
 * - PGlite (one process): an in-process bus.
 * - PostgreSQL (possibly several processes): publish is `pg_notify` on channel
 *   `fengqiao_events`; every process, the publisher included, hears it on a
 *   dedicated LISTEN connection and hands it to its local subscribers. The
 *   connection reconnects with backoff; events sent while it is down are lost
 *   for that process (see above: clients refetch on reconnect).
 *   Publishes are coalesced: events published while the previous NOTIFY query
 *   is in flight (or in the same event-loop turn) go out together in ONE
 *   query, in publish order, so a burst costs one round trip instead of one
 *   per event; and they are packed, as a JSON array, into as few
 *   notifications as the 8000-byte payload limit allows, because every
 *   notification costs PostgreSQL a queue entry and a signal per listener and
 *   costs each listening process a message to parse.
 *
 * Publish only after commit (`afterCommit`), never inside a transaction.
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';

/** The LISTEN/NOTIFY channel shared by every process of one database. */
export const REALTIME_CHANNEL = 'fengqiao_events';

/** NOTIFY payloads must stay under 8000 bytes; keep a margin. */
const MAX_PAYLOAD_BYTES = 7900;

/** At most this many notifications per coalesced NOTIFY query (bounds one query's parameter size, ~8 MB worst case). */
const MAX_NOTIFICATIONS_PER_QUERY = 1000;

/** The SSE message contract. `orgPath` scopes delivery; `userId` targets one user. */
export const RealtimeEventSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
    caseId: Type.Optional(Type.String({ maxLength: 100 })),
    /** Org path the event belongs to; delivered to users whose case:read scope contains it. */
    orgPath: Type.Optional(Type.String({ maxLength: 1000 })),
    /** When set, only this user receives the event (e.g. a new notification). */
    userId: Type.Optional(Type.String({ maxLength: 100 })),
    data: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  },
  { additionalProperties: false },
);
export type RealtimeEvent = Static<typeof RealtimeEventSchema>;

export type RealtimeListener = (event: RealtimeEvent) => void;

/** The bus every process has one of (`ctx.realtime`). */
export interface Realtime {
  /** 'local' on PGlite, 'postgres' when fanned out with LISTEN/NOTIFY. */
  readonly mode: 'local' | 'postgres';
  /** Sends an event to every subscriber of every process. Call after commit. Rejects on an invalid event. */
  publish(event: RealtimeEvent): Promise<void>;
  /** Adds a listener; returns the function that removes it. Listener errors are logged, not thrown. */
  subscribe(listener: RealtimeListener): () => void;
  /** Stops listening and releases the connection. */
  close(): Promise<void>;
}

/**
 * Creates the bus for this database. On PostgreSQL it resolves once the first
 * LISTEN attempt has finished; if that failed it keeps retrying in the
 * background rather than refusing to start, since realtime is an enhancement.
 */
export async function createRealtime(database: Pick<Database, 'engine' | 'pool' | 'db'>, log: FastifyBaseLogger): Promise<Realtime> {
  if (database.engine !== 'postgres') return new LocalRealtime(log);
  const bus = new PgRealtime(database.db, database.pool.options, log);
  await bus.start();
  return bus;
}

/** Compiled once: events are checked on every publish and every receipt (≈0.3 µs instead of ≈11 µs each). */
const eventValidator = Compile(RealtimeEventSchema);

function validate(event: RealtimeEvent): void {
  const value: unknown = event;
  if (!eventValidator.Check(value)) {
    const first = eventValidator.Errors(value)[0];
    throw new Error(`invalid realtime event "${event.name}": ${first ? `${first.instancePath} ${first.message}` : 'schema mismatch'}`);
  }
}

/** Fan-out to this process's listeners. */
class LocalRealtime implements Realtime {
  readonly mode: 'local' | 'postgres' = 'local';
  private readonly listeners = new Set<RealtimeListener>();

  constructor(protected readonly log: FastifyBaseLogger) {}

  async publish(event: RealtimeEvent): Promise<void> {
    validate(event);
    this.dispatch(event);
  }

  subscribe(listener: RealtimeListener): () => void {
    // Wrap so subscribing the same function twice yields two independent subscriptions.
    const entry: RealtimeListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  protected dispatch(event: RealtimeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err, event: event.name }, 'realtime listener failed');
      }
    }
  }
}

/** An event accepted by `publish`, waiting for its NOTIFY query. */
interface PendingNotify {
  /** The event as JSON; at most MAX_PAYLOAD_BYTES - 2 bytes, so it fits a notification as a one-element array. */
  payload: string;
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One notification's worth of events: their JSON array, and the publishes it settles. */
interface Packed {
  payload: string;
  events: PendingNotify[];
}

/**
 * Packs queued events, in order, into notifications of at most
 * MAX_PAYLOAD_BYTES (a JSON array each), for at most `maxNotifications`
 * notifications; returns them and how many events they hold. PostgreSQL
 * folds identical payloads on one channel within a transaction into one
 * notification, so a query stops before a notification identical to one it
 * already carries (the next query sends it).
 */
export function packEvents(queue: readonly Pick<PendingNotify, 'payload' | 'bytes'>[], maxNotifications: number) {
  const packs: { payload: string; count: number }[] = [];
  const seen = new Set<string>();
  let taken = 0;
  while (taken < queue.length && packs.length < maxNotifications) {
    let bytes = 2;
    let count = 0;
    while (taken + count < queue.length && bytes + queue[taken + count].bytes + (count > 0 ? 1 : 0) <= MAX_PAYLOAD_BYTES) {
      bytes += queue[taken + count].bytes + (count > 0 ? 1 : 0);
      count++;
    }
    const payload = `[${queue.slice(taken, taken + count).map((e) => e.payload).join(',')}]`;
    if (seen.has(payload)) break;
    seen.add(payload);
    packs.push({ payload, count });
    taken += count;
  }
  return { packs, taken };
}

/** LISTEN/NOTIFY fan-out across processes. */
class PgRealtime extends LocalRealtime {
  override readonly mode: 'local' | 'postgres' = 'postgres';
  private client: pg.Client | null = null;
  private closed = false;
  private reconnectDelayMs = 500;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Validated events waiting for the next NOTIFY query, in publish order. */
  private readonly queue: PendingNotify[] = [];
  /** The running drain, if any; settles when the queue is empty. */
  private draining: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    /** Connection settings of the app's pool, reused for the LISTEN connection. */
    private readonly connection: pg.ClientConfig,
    log: FastifyBaseLogger,
  ) {
    super(log);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  /**
   * Validates the event at once (an invalid or oversized one rejects alone and
   * never joins a batch), then queues it for the next coalesced NOTIFY query.
   * Resolves once the query carrying it has run; rejects if that query fails.
   */
  override async publish(event: RealtimeEvent): Promise<void> {
    validate(event);
    const payload = JSON.stringify(event);
    const bytes = Buffer.byteLength(payload);
    // 2 bytes for the brackets of the array it travels in.
    if (bytes > MAX_PAYLOAD_BYTES - 2) {
      throw new Error(`realtime event "${event.name}" is too large for NOTIFY (${bytes} bytes)`);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ payload, bytes, resolve, reject });
      this.scheduleFlush();
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    // Events already accepted still go out (the pool outlives the bus).
    await this.draining;
    const client = this.client;
    this.client = null;
    await super.close();
    if (client) await client.end().catch(() => undefined);
  }

  /**
   * Starts a drain on the next turn of the event loop unless one is already
   * running. Waiting for `setImmediate` lets every publish of the current turn
   * (e.g. several requests finishing together) join the first query; while a
   * query is in flight, new events simply queue for the next one. Only one
   * NOTIFY query is in flight at a time, so events leave in publish order
   * (PostgreSQL serialises NOTIFY commits on a global lock anyway).
   */
  private scheduleFlush(): void {
    if (this.draining) return;
    this.draining = new Promise<void>((resolve) => setImmediate(() => void this.drain().finally(resolve)));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const { packs, taken } = packEvents(this.queue, MAX_NOTIFICATIONS_PER_QUERY);
        const batch = this.queue.splice(0, taken);
        try {
          // unnest … WITH ORDINALITY and ORDER BY: PostgreSQL evaluates a volatile
          // target (pg_notify) after the sort, so notifications queue in array order,
          // and the notifications of one statement are delivered in the order queued.
          await sql`SELECT pg_notify(${REALTIME_CHANNEL}, e.payload) FROM unnest(${packs.map((p) => p.payload)}::text[]) WITH ORDINALITY AS e(payload, n) ORDER BY e.n`.execute(
            this.db,
          );
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    // A connection of its own, outside the pool: LISTEN is per session and must stay open.
    const client = new pg.Client(this.connection);
    client.on('notification', (message) => {
      if (message.channel === REALTIME_CHANNEL && message.payload) this.receive(message.payload);
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'realtime LISTEN connection failed; reconnecting');
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REALTIME_CHANNEL}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.reconnectDelayMs = 500;
    } catch (err) {
      this.log.warn({ err }, 'realtime LISTEN connection could not be opened; retrying');
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    // Reconnecting must never keep a finished process alive.
    this.reconnectTimer.unref();
  }

  /** A notification carries an array of events (or, from an older process, one event). */
  private receive(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.log.warn('ignoring a realtime notification that is not JSON');
      return;
    }
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
      // Anything on the channel could have been sent by any session: check before trusting it.
      if (!eventValidator.Check(event)) {
        this.log.warn('ignoring a realtime event that does not match the event schema');
        continue;
      }
      this.dispatch(event);
    }
  }
}
