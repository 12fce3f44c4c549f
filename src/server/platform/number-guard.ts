/**
 * Ajv with `coerceTypes` turns a numeric string that overflows ("1e400", "-9e999", "Infinity") into
 * ±Infinity and then skips the type, minimum and maximum checks, so `?page=1e400` or
 * `{"peopleInvolved": "1e400"}` passed validation and failed in the database as a 500, and
 * `{"location": {"lat": "Infinity"}}` was stored (ajv-validator/ajv#2212, fastify/fastify#6718; still so
 * in ajv 8.20). After validation a non-finite number can only come from that coercion, so this check,
 * run just after validation, gives the 400 the schema meant, naming the field. Each route's numeric
 * fields are found once from its schema; a request costs one look-up per numeric field.
 */
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AppError, type FieldIssue } from './errors.js';

interface NumericSchema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, NumericSchema>;
  items?: NumericSchema;
  anyOf?: NumericSchema[];
  oneOf?: NumericSchema[];
  allOf?: NumericSchema[];
}

/** A place a number may be: property names, `*` for every item of an array. */
export interface NumberSlot {
  path: string[];
  schema: NumericSchema;
}

/** Every place in data valid against `schema` that may hold a number (through unions, objects and arrays). */
export function numberSlots(schema: unknown, path: string[] = []): NumberSlot[] {
  if (schema === null || typeof schema !== 'object' || path.length > 10) return [];
  const s = schema as NumericSchema;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const slots: NumberSlot[] = types.includes('number') || types.includes('integer') ? [{ path, schema: s }] : [];
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) slots.push(...numberSlots(branch, path));
  for (const [key, property] of Object.entries(s.properties ?? {})) slots.push(...numberSlots(property, [...path, key]));
  if (s.items) slots.push(...numberSlots(s.items, [...path, '*']));
  return slots;
}

/** The concrete path (`['location', 'lat']`, `['ids', '2']`) of a non-finite number at `path` in `value`; null if none. */
function nonFinite(value: unknown, path: string[]): string[] | null {
  if (path.length === 0) return typeof value === 'number' && !Number.isFinite(value) ? [] : null;
  if (value === null || typeof value !== 'object') return null;
  const [head, ...rest] = path;
  if (head === '*') {
    if (!Array.isArray(value)) return null;
    for (const [i, item] of value.entries()) {
      const found = nonFinite(item, rest);
      if (found) return [String(i), ...found];
    }
    return null;
  }
  if (!Object.hasOwn(value, head)) return null;
  const found = nonFinite((value as Record<string, unknown>)[head], rest);
  return found ? [head, ...found] : null;
}

/** The field issue for the first non-finite number in `data` at one of `slots`: the bound it broke, else its type. */
export function nonFiniteIssue(data: unknown, slots: NumberSlot[], context: string): FieldIssue | null {
  for (const { path, schema } of slots) {
    const at = nonFinite(data, path);
    if (!at) continue;
    const value = at.reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], data) as number;
    const fieldPath = [context, ...at].join('.');
    if (value === Infinity && schema.maximum !== undefined) return { path: fieldPath, keyword: 'maximum', params: { limit: schema.maximum } };
    if (value === -Infinity && schema.minimum !== undefined) return { path: fieldPath, keyword: 'minimum', params: { limit: schema.minimum } };
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    return { path: fieldPath, keyword: 'type', params: { type: types.includes('integer') ? 'integer' : 'number' } };
  }
  return null;
}

const PARTS = [
  ['params', 'params'],
  ['querystring', 'query'],
  ['body', 'body'],
] as const;

/** Adds the check to every route registered after this call whose schemas have numbers. */
export function installNumberGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    const parts = PARTS.map(([context, property]) => ({ context, property, slots: numberSlots(schema?.[context]) })).filter((p) => p.slots.length > 0);
    if (parts.length === 0) return;
    const check: preHandlerHookHandler = (request: FastifyRequest, _reply, done) => {
      for (const { context, property, slots } of parts) {
        const issue = nonFiniteIssue(request[property], slots, context);
        if (issue) return done(AppError.invalid([issue]));
      }
      done();
    };
    // First among the route's own pre-handlers: nothing may see the value before it is refused.
    const existing = route.preHandler;
    route.preHandler = [check, ...(Array.isArray(existing) ? existing : existing ? [existing] : [])];
  });
}
