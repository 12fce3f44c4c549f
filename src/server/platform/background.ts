/**
 * Background work as definitions (ENGINEERING convention 12). A timer kind or
 * an outbox topic is a name and a TypeBox schema of its payload; a module
 * pairs each with its handler and exports the definitions, and the app
 * composes every module's definitions into ONE registry (`composeBackground`).
 * Nothing registers itself by being imported.
 *
 * A payload is checked twice: when it is scheduled or enqueued (a producer's
 * bug fails at its call site, in its transaction) and when it fires or is
 * delivered (a row written by an older version, or by hand, that fails its
 * schema is a dead letter at once, with the reason in `last_error`: retrying
 * cannot fix it).
 *
 * This file is how modules write timers and outbox messages: every function
 * here takes a kind's or topic's definition, and a timer or message built
 * here is branded as checked, so the fast paths that write many rows at once
 * (intake, the orphan sweep) accept nothing else. The raw writers, which take
 * a bare string, are internal to the platform (timers.internal.ts,
 * outbox.internal.ts; the import rule `platform-internals`).
 */
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { DB } from '../db/schema.js';
import type { AppContext, Sweeper } from './context.js';
import { PermanentJobError } from './jobs.js';
import { createOutboxSweeper, type Deliverer, type Deliverers, type OutboxRow } from './outbox.js';
import { insertOutboxQuery, outboxMessage, type OutboxMessage } from './outbox.internal.js';
import { createTimerSweeper, type TimerHandlers, type TimerRow } from './timers.js';
import { newTimerRows, scheduleRawTimer, scheduleRawTimers, type NewTimerRow, type ScheduleTimerInput } from './timers.internal.js';
import type { AfterCommit } from './tx.js';

/** What a timer kind and an outbox topic share: a name and the schema of its payload. */
export interface PayloadKind<S extends TSchema = TSchema> {
  readonly name: string;
  readonly payload: S;
}

export type TimerKind<S extends TSchema = TSchema> = PayloadKind<S>;
export type OutboxTopic<S extends TSchema = TSchema> = PayloadKind<S>;

/** A timer row whose payload has passed its kind's schema. */
export type CheckedTimerRow<P> = Omit<TimerRow, 'payload'> & { payload: P };

/** What happens when a timer of a kind fires (same contract as `TimerHandler`: idempotent, in the firing transaction). */
export type TypedTimerHandler<P> = (trx: Transaction<DB>, ctx: AppContext, timer: CheckedTimerRow<P>, afterCommit: AfterCommit) => Promise<void>;

/** A timer kind with its handler: what a module exports for the registry. */
export interface TimerDefinition<S extends TSchema = TSchema> extends TimerKind<S> {
  // A method, so that definitions of different payloads form one list.
  handler(...args: Parameters<TypedTimerHandler<Static<S>>>): Promise<void>;
}

/** An outbox topic with its deliverer (plain, `batchDeliverer` or `externalDeliverer`). */
export interface OutboxTopicDefinition<S extends TSchema = TSchema> extends OutboxTopic<S> {
  readonly handler: Deliverer;
}

/** Validators compiled once per schema: payloads are checked on every schedule, enqueue, firing and delivery. */
const validators = new WeakMap<TSchema, Validator>();

function validator(schema: TSchema): Validator {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = Compile(schema)));
  return v;
}

function problems(kind: PayloadKind, value: unknown): string | null {
  const v = validator(kind.payload);
  if (v.Check(value)) return null;
  const found = v
    .Errors(value)
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
  return `invalid ${kind.name} payload: ${found}`;
}

/** Throws (a plain error: the producer's bug) unless `value` fits the kind's schema. */
export function checkedPayload<S extends TSchema>(kind: PayloadKind<S>, value: unknown): Static<S> {
  const problem = problems(kind, value);
  if (problem) throw new Error(problem);
  return value as Static<S>;
}

/** Throws a PermanentJobError (dead letter at once) unless a stored payload fits the kind's schema. */
function storedPayload<S extends TSchema>(kind: PayloadKind<S>, value: unknown): Static<S> {
  const problem = problems(kind, value);
  if (problem) throw new PermanentJobError(problem);
  return value as Static<S>;
}

/** The payload of a kind that carries nothing (the timer's subject and due time say it all). */
export const EMPTY_PAYLOAD = Type.Object({});

export function timerKind<S extends TSchema>(name: string, payload: S): TimerKind<S> {
  return { name, payload };
}

export function outboxTopic<S extends TSchema>(name: string, payload: S): OutboxTopic<S> {
  return { name, payload };
}

export function defineTimer<S extends TSchema>(kind: TimerKind<S>, handler: TypedTimerHandler<Static<S>>): TimerDefinition<S> {
  return { name: kind.name, payload: kind.payload, handler };
}

export function defineTopic<S extends TSchema>(topic: OutboxTopic<S>, handler: Deliverer): OutboxTopicDefinition<S> {
  return { name: topic.name, payload: topic.payload, handler };
}

declare const checked: unique symbol;
/** Built here from a definition, its payload checked: the only timers and messages a module can write. */
type Checked<T> = T & { readonly [checked]: true };

/** A timer of a defined kind, its payload checked (`timerInput`). */
export type CheckedTimer = Checked<ScheduleTimerInput>;
/** A checked timer in column form, for a caller that inserts rows itself (`timerInserts`). */
export type CheckedTimerInsert = Checked<NewTimerRow>;
/** An outbox message of a defined topic, its payload checked (`topicMessage`). */
export type CheckedMessage = Checked<OutboxMessage>;

type TimerInputOf<S extends TSchema> = { subjectId: string; dueAt: Date; now: Date } & ({} extends Static<S> ? { payload?: Static<S> } : { payload: Static<S> });

/** A timer of a kind, its payload checked now, for `scheduleTimers` or intake's insert. */
export function timerInput<S extends TSchema>(kind: TimerKind<S>, input: TimerInputOf<S>): CheckedTimer {
  const payload = checkedPayload(kind, input.payload ?? {}) as Record<string, unknown>;
  return { kind: kind.name, subjectId: input.subjectId, dueAt: input.dueAt, payload, now: input.now } as CheckedTimer;
}

/**
 * Schedules a timer of a kind in the caller's transaction, its payload checked
 * now. Idempotent on (kind, subject, due time); an identical cancelled timer is
 * revived. Returns true when the timer is now pending because of this call.
 */
export function scheduleTimer<S extends TSchema>(trx: Kysely<DB>, kind: TimerKind<S>, input: TimerInputOf<S>): Promise<boolean> {
  return scheduleRawTimer(trx, timerInput(kind, input));
}

/** `scheduleTimer` for several checked timers (of any kinds) in one statement. Returns how many are now pending because of this call. */
export function scheduleTimers(trx: Kysely<DB>, timers: readonly CheckedTimer[]): Promise<number> {
  return scheduleRawTimers(trx, timers);
}

/**
 * Checked timers as rows, for a caller that inserts them itself in a larger
 * statement (intake: a brand-new case has no timers to revive). Of timers
 * repeating a (kind, subject, due time) the first wins.
 */
export function timerInserts(timers: readonly CheckedTimer[]): CheckedTimerInsert[] {
  return newTimerRows(timers) as CheckedTimerInsert[];
}

/** An outbox message of a topic, its payload checked now, for `enqueueMessages` or intake's insert. */
export function topicMessage<S extends TSchema>(topic: OutboxTopic<S>, payload: Static<S>, now: Date, opts: { availableAt?: Date } = {}): CheckedMessage {
  return outboxMessage(topic.name, checkedPayload(topic, payload) as Record<string, unknown>, now, opts) as CheckedMessage;
}

/** Enqueues a message of a topic in the caller's transaction, its payload checked now. Returns the outbox id. */
export async function enqueueTopic<S extends TSchema>(trx: Kysely<DB>, topic: OutboxTopic<S>, payload: Static<S>, now: Date, opts: { availableAt?: Date } = {}): Promise<number> {
  const [id] = await enqueueMessages(trx, [topicMessage(topic, payload, now, opts)]);
  return id;
}

/** Enqueues checked messages (of any topics) in one statement, in the caller's transaction. Returns their outbox ids. */
export async function enqueueMessages(trx: Kysely<DB>, messages: readonly CheckedMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await insertOutboxQuery(trx, messages).execute();
  return rows.map((r) => r.id);
}

function uniqueNames(what: string, definitions: readonly PayloadKind[]): void {
  const seen = new Set<string>();
  for (const d of definitions) {
    // Two modules claiming one name is a bug that would otherwise fire only one of them.
    if (seen.has(d.name)) throw new Error(`${what} "${d.name}" is defined twice`);
    seen.add(d.name);
  }
}

/** The timer sweeper's handlers for these definitions, each checking the stored payload before it runs. */
export function timerHandlersOf(definitions: readonly TimerDefinition[]): TimerHandlers {
  uniqueNames('timer kind', definitions);
  const handlers: TimerHandlers = {};
  for (const d of definitions) {
    handlers[d.name] = (trx, ctx, timer, afterCommit) => d.handler(trx, ctx, { ...timer, payload: storedPayload(d, timer.payload) }, afterCommit);
  }
  return handlers;
}

/** The outbox sweeper's deliverers for these definitions, each checking every row's payload before delivery. */
export function deliverersOf(definitions: readonly OutboxTopicDefinition[]): Deliverers {
  uniqueNames('outbox topic', definitions);
  const deliverers: Deliverers = {};
  for (const d of definitions) {
    const inner = d.handler;
    const check = (row: OutboxRow) => void storedPayload(d, row.payload);
    const one = (...[trx, ctx, row, afterCommit]: Parameters<Deliverer>) => {
      check(row);
      return inner(trx, ctx, row, afterCommit);
    };
    const many = inner.many;
    deliverers[d.name] = Object.assign(one, {
      ...(inner.external ? { external: true } : {}),
      ...(many
        ? {
            many: (trx: Transaction<DB>, ctx: AppContext, rows: OutboxRow[], afterCommit: AfterCommit) => {
              // One bad row fails the batch; the sweeper then delivers row by row and only that row fails.
              for (const row of rows) check(row);
              return many(trx, ctx, rows, afterCommit);
            },
          }
        : {}),
    });
  }
  return deliverers;
}

/** Everything one module contributes to the background: its timer kinds, its outbox topics, any sweepers of its own. */
export interface BackgroundDefinitions {
  timers?: readonly TimerDefinition[];
  topics?: readonly OutboxTopicDefinition[];
  sweepers?: readonly Sweeper[];
}

/**
 * The one registry: every module's timer kinds and outbox topics, and the
 * sweepers that run them, in order — timers first (a firing timer often
 * enqueues notifications, which the outbox sweeper then delivers in the same
 * round), then the outbox, then the modules' own sweepers in module order.
 */
export function composeBackground(parts: readonly BackgroundDefinitions[]): Sweeper[] {
  const timers = parts.flatMap((p) => p.timers ?? []);
  const topics = parts.flatMap((p) => p.topics ?? []);
  return [createTimerSweeper(timerHandlersOf(timers)), createOutboxSweeper(deliverersOf(topics)), ...parts.flatMap((p) => p.sweepers ?? [])];
}
