/**
 * The one settings registry (ENGINEERING convention 13). Every editable policy — grading rules, SLA policy,
 * office hours, the order matrix, assessment weights, and whatever comes next — is a definition: a key in the
 * `settings` table, the URL it is edited at, its default (written by a migration, so a fresh database holds
 * every policy as a row an admin can read and change), and its rule check. One read path (cached for a few
 * seconds, since intake reads policies on every case) and one write path (district-wide permission, check,
 * store, audit, forget the cache) serve them all. Modules define their settings; the platform knows none.
 */
import { sql, type Kysely } from 'kysely';
import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { DB } from '../db/schema.js';
import { appendAudit } from './audit.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import type { Localised } from './messages.js';
import type { Actor } from './policies.js';
import { cachedRead, forget } from './read-cache.js';
import { requireDistrictWide } from './scope.js';

/** A rule check's verdict: the value as it will be stored, or every problem with its path inside the value. */
export type SettingCheck<T> = { ok: true; value: T } | { ok: false; issues: readonly { path: string; reason: Localised }[] };

/** Reads another setting while checking this one (the order matrix is checked against the office hours). */
export type SettingReader = <U>(definition: SettingDefinition<U>) => Promise<U>;

export interface SettingDefinition<T> {
  /** The row's key in `settings`. */
  key: string;
  /** Edited at `GET|PUT /api/v1/config/{path}`. */
  path: string;
  /**
   * The value's shape as a TypeBox schema: the response schema of `GET/PUT /config/{path}` and the OpenAPI
   * documentation. The rule check below stays the gate on write (its reasons are the localised sentences an
   * admin reads); what it accepts must fit this schema, which `writeSetting` asserts.
   */
  schema: TSchema;
  /** The policy a fresh district starts with (SPEC defaults); migration 0015 writes it as the row. */
  defaults: T;
  /** The rule check on write: shape, ranges and cross-field rules, each problem localised with its path. */
  check(value: unknown, read: SettingReader): SettingCheck<T> | Promise<SettingCheck<T>>;
  /** Completes a row stored before a field was added (the field's default), so readers always get a whole value. */
  upgrade?(stored: T): T;
}

const CACHE_MS = 5000;
const CACHE_NS = 'settings';

/** The current value of a setting: its row (upgraded when older than the definition), or the default without one. */
export function readSetting<T>(db: Kysely<DB>, definition: SettingDefinition<T>): Promise<T> {
  return cachedRead(db, CACHE_NS, definition.key, CACHE_MS, async () => {
    const row = await db.selectFrom('settings').select('value').where('key', '=', definition.key).executeTakeFirst();
    if (!row) return definition.defaults;
    const stored = row.value as T;
    return definition.upgrade ? definition.upgrade(stored) : stored;
  });
}

const validators = new WeakMap<TSchema, Validator>();

/** Whether a value fits the definition's schema (compiled once per schema). */
export function fitsSchema(definition: SettingDefinition<unknown>, value: unknown): boolean {
  let v = validators.get(definition.schema);
  if (!v) validators.set(definition.schema, (v = Compile(definition.schema)));
  return v.Check(value);
}

/** Checks and stores a setting (district-wide permission), audits the change and forgets cached copies; 400 lists every problem. */
export async function writeSetting<T>(ctx: AppContext, actor: Actor, definition: SettingDefinition<T>, value: unknown): Promise<T> {
  requireDistrictWide(actor, 'config:write');
  const checked = await definition.check(value, (other) => readSetting(ctx.db, other));
  if (!checked.ok) throw AppError.brokenRules(checked.issues);
  // The rule check and the schema describe one shape; a value one accepts and the other not is this code's bug.
  if (!fitsSchema(definition as SettingDefinition<unknown>, checked.value)) throw new Error(`setting ${definition.key}: the checked value does not fit its schema`);
  const now = ctx.clock.now();
  const json = JSON.stringify(checked.value);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: definition.key, value: json, updated_at: now, updated_by: actor.id })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: actor.id }))
      .execute();
    await appendAudit(trx, ctx.clock, { action: 'config.update', actor, targetType: 'setting', targetId: definition.key, data: { value: checked.value } });
  });
  forget(ctx.db, CACHE_NS, definition.key);
  return checked.value;
}

/**
 * Writes each definition's default as its row where none exists yet: a migration's step, so it never overwrites
 * an edit, and its time is the database's (migrations run before any clock is injected).
 */
export async function writeSettingDefaults(db: Kysely<DB>, definitions: readonly SettingDefinition<unknown>[]): Promise<void> {
  if (definitions.length === 0) return;
  await db
    .insertInto('settings')
    .values(definitions.map((d) => ({ key: d.key, value: JSON.stringify(d.defaults), updated_at: sql<Date>`now()`, updated_by: null })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
