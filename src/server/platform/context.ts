import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { Clock } from './clock.js';
import type { Realtime } from './realtime.js';

/** What every service needs, created once per server and passed down explicitly. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Event bus behind the SSE stream; publish after commit only. */
  realtime: Realtime;
  /** The background work composed from every module's definitions (timers, outbox, own sweepers), in order. */
  sweepers: readonly Sweeper[];
}

/** A unit of background work: processes one bounded batch, returns how many rows it handled. */
export type Sweeper = (ctx: AppContext) => Promise<number>;


/** The Fastify instance modules register their routes on (under /api/v1). */
export type Api = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A module's route registration. */
export type ApiModule = (api: Api, ctx: AppContext) => Promise<void>;
