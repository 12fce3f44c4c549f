/**
 * Property-based robustness test of the whole HTTP API (SPEC §12, §13): bad input gets a clear 4xx in the
 * one error shape, with field paths and a localised message; never a 5xx, never a half-written case.
 *
 * The routes come from the app's own OpenAPI document, so a route added later is fuzzed without touching
 * this file. For each route and run fast-check builds a plausible request from the route's schemas (path
 * parameters, query string, body; ids often of real records, so checks after the look-up run too), then
 * - breaks it in one or two random ways: wrong JSON types, oversized strings, NUL, ill-formed UTF-16 (lone
 *   high or low surrogates, reversed pairs) in values, keys and query values, strings that are not UUIDs or
 *   dates, extreme numbers (also as JSON literals such as 1e400), unknown fields, a scalar or an array for
 *   the whole body, bodies and fields nested hundreds to tens of thousands of levels deep, no body,
 *   malformed JSON, the wrong content type, junk path parameters and query strings (repeated keys, bad
 *   percent-encoding), junk headers;
 * - and, because one random mutation rarely hits one particular field, breaks every number, UUID and date
 *   parameter and field alone with a value aimed at its schema (out of bounds, past bigint, 1e400 as a
 *   string, a day that does not exist); and sends each body once with a lone surrogate in one of its
 *   strings (or keys), and once nested far too deep, which must both be a 400 (the first naming the field).
 *
 * Deterministic for CI: a fixed seed. For a longer hunt locally, FENGQIAO_FUZZ_RUNS (runs per route) and
 * FENGQIAO_FUZZ_SEED override the defaults; FENGQIAO_FUZZ_STATS=1 prints the answers seen per route. On
 * failure fast-check prints the seed, the path and the shrunk draft; the assertion names request and answer.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/test-app.js';
import { TEST_PASSWORD } from '../testing/templates.js';

const SEED = Number(process.env.FENGQIAO_FUZZ_SEED ?? 20261123);
const RUNS_PER_ROUTE = Number(process.env.FENGQIAO_FUZZ_RUNS ?? 12);

// ---------------------------------------------------------------------------------------------------
// The routes, from the OpenAPI document the app serves
// ---------------------------------------------------------------------------------------------------

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  /** OpenAPI form: `/api/v1/cases/{id}`. */
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
}

const t = await createTestApp();
afterAll(async () => t.close());

const documentAnswer = await t.app.inject({ method: 'GET', url: '/docs/json' });
const document = documentAnswer.json<OpenApiDocument>();

/**
 * Streams are skipped: an accepted request holds the connection open for as long as the session lives,
 * which `inject` cannot end; their query parameters are checked by the same validator as every other route.
 */
const isStream = (path: string) => path.endsWith('/stream');

const operations: Operation[] = Object.entries(document.paths)
  .filter(([path]) => path.startsWith('/api/v1/') && !isStream(path))
  .flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );

const CASE_SUBMISSIONS = new Set(['POST /api/v1/cases', 'POST /api/v1/public/cases']);

/**
 * Valid bodies for the case submissions, the base of half their runs: a random body is almost never a
 * whole valid submission, so without these no rejection would come from the checks just before the write,
 * where a half-written case would come from.
 */
const EXEMPLARS = new Map<string, Record<string, unknown>>([
  [
    'POST /api/v1/cases',
    {
      channel: 'hotline', category: 'labor.wage_arrears', title: '工地拖欠工资', description: '光明大道某工地15名工人被拖欠三个月工资',
      location: { address: '碧眼社区某工地' }, reporter: { name: '张三', phone: '13812345678' }, peopleInvolved: 15, amountInvolved: 120000,
    },
  ],
  // A category residents may report anonymously: no verification token needed.
  ['POST /api/v1/public/cases', { category: 'environment.pollution', title: '河道有异味', description: '茅洲河支流有刺鼻气味，水面发黑', anonymous: true }],
]);

/**
 * Who sends each request: two high-privilege users and one community-level user; the resident portal
 * anonymously. The test clock is the exception: sysadmin (the only role with clock:control) would move the
 * clock for every later request and fire a year of timers on a lucky valid body, so it is sent by users
 * the route refuses after validation, which still puts every malformed body through its schema.
 */
function sendersOf(op: Operation): (string | null)[] {
  if (op.path === '/api/v1/admin/clock') return ['district.admin', 'biyan.secretary', null];
  if (op.path.startsWith('/api/v1/public/')) return [null];
  return ['sysadmin', 'district.admin', 'biyan.secretary'];
}

// ---------------------------------------------------------------------------------------------------
// Plausible values from a schema
// ---------------------------------------------------------------------------------------------------

const LIMIT = 1_000_000;
const typeOf = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type[0] : s.type);

/**
 * Real identifiers (cases, an order, org units, a tracking number, categories), filled before the runs: with random
 * UUIDs alone every request about a record stops at 404 and the checks after the look-up never run.
 */
const known: string[] = [];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const fits = (s: Schema, v: string) => (s.format === 'uuid' ? UUID.test(v) : s.format === undefined && s.pattern !== undefined && new RegExp(s.pattern).test(v));

function validString(s: Schema): fc.Arbitrary<string> {
  const real = known.filter((v) => fits(s, v));
  return real.length > 0 ? fc.oneof(fc.constantFrom(...real), anyString(s)) : anyString(s);
}

function anyString(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time' || s.format === 'date') {
    const day = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });
    return day.map((d) => (s.format === 'date' ? d.toISOString().slice(0, 10) : d.toISOString()));
  }
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).map((v) => (s.maxLength ? v.slice(0, s.maxLength) : v));
  const min = s.minLength ?? 0;
  return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 20, 20)) });
}

function valid(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return fc.jsonValue({ maxDepth: 1 });
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...branches.map((b) => valid(b, depth + 1)));
  switch (typeOf(s)) {
    case 'string':
      return validString(s);
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -LIMIT, -LIMIT), max: Math.min(s.maximum ?? LIMIT, LIMIT) });
    case 'number':
      return fc.double({ min: Math.max(s.minimum ?? -LIMIT, -LIMIT), max: Math.min(s.maximum ?? LIMIT, LIMIT), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = valid(s.items, depth + 1);
      const min = s.minItems ?? 0;
      const bounds = { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)) };
      return s.uniqueItems ? fc.uniqueArray(item, { ...bounds, selector: (v) => JSON.stringify(v) }) : fc.array(item, bounds);
    }
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (props.length === 0) {
        return s.additionalProperties === false ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      }
      return fc.record(Object.fromEntries(props.map(([k, p]) => [k, valid(p, depth + 1)])), { requiredKeys: s.required ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Every property reachable in a body schema (nested objects and the first item of arrays), with its schema. */
function fieldsOf(s: Schema, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  if (prefix.length > 3) return [];
  const out: { path: string[]; schema: Schema }[] = [];
  for (const [key, p] of Object.entries(s.properties ?? {})) {
    const path = [...prefix, key];
    out.push({ path, schema: p });
    const object = [p, ...(p.anyOf ?? [])].find((b) => typeOf(b) === 'object');
    if (object) out.push(...fieldsOf(object, path));
    if (typeOf(p) === 'array' && p.items) out.push({ path: [...path, '0'], schema: p.items }, ...fieldsOf(p.items, [...path, '0']));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Bad values
// ---------------------------------------------------------------------------------------------------

/** A number literal written into the JSON text as is: JSON.parse turns 1e400 into Infinity. */
class RawNumber {
  constructor(readonly text: string) {}
  toJSON() {
    return `\u0001raw:${this.text}`;
  }
}
/**
 * JSON text written into the body as is: nesting tens of thousands of levels deep, which is built as text
 * because JSON.stringify itself runs out of stack at such depths.
 */
class RawJson {
  constructor(readonly text: string) {}
}
function serialise(value: unknown): string {
  const raw: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0001json:${raw.push(v.text) - 1}` : v));
  return text.replace(/"\\u0001raw:([^"]*)"/g, '$1').replace(/"\\u0001json:(\d+)"/g, (_m, i: string) => raw[Number(i)]);
}

const deep = (n: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

/**
 * Ill-formed UTF-16 at a random place in a string: a lone high or low surrogate, a reversed pair or two
 * high halves. JSON.stringify writes each lone half as a `\udXXX` escape (ES2019's well-formed stringify),
 * so the server gets the escape a hand-built JSON client would send (a lone surrogate has no UTF-8 bytes).
 */
const HIGH = fc.integer({ min: 0xd800, max: 0xdbff });
const LOW = fc.integer({ min: 0xdc00, max: 0xdfff });
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();
const brokenUnits = fc.oneof(
  HIGH.map((h) => String.fromCharCode(h)),
  LOW.map((lo) => String.fromCharCode(lo)),
  fc.tuple(HIGH, LOW).map(([h, lo]) => String.fromCharCode(lo, h)),
  fc.tuple(HIGH, HIGH).map(([a, b]) => String.fromCharCode(a, b)),
);
const illFormed = fc
  .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), brokenUnits, fc.nat())
  .map(([text, broken, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + broken + text.slice(i);
  })
  // Reversed halves inserted into a real pair could pair up again; only a string that stays ill-formed counts.
  .filter((text) => !isWellFormed(text));
/** A `\u` escape of a surrogate or of NUL: a body with one is walked by the text guard. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

const LEAVES = ['1', '"x"', '"\\ud800"', '"\\u0000"', '{}', '[]', 'null'];
/**
 * Arrays, objects or both, nested hundreds to tens of thousands of levels deep, around a leaf; with `poisoned`
 * the leaf may also be a `__proto__` key, which the JSON parser refuses as a whole (a 400 naming no field).
 */
const nestedDeeply = (poisoned: boolean) =>
  fc
    .record({
      // Mostly hundreds: each request of tens of thousands of levels costs the parser milliseconds.
      depth: fc.oneof({ arbitrary: fc.integer({ min: 100, max: 1_000 }), weight: 3 }, { arbitrary: fc.constantFrom(5_000, 20_000, 50_000), weight: 1 }),
      shape: fc.constantFrom('array', 'object', 'mixed'),
      leaf: fc.constantFrom(...LEAVES, ...(poisoned ? ['{"__proto__":{"polluted":true}}'] : [])),
    })
    .map(({ depth, shape, leaf }) => {
      const [open, close, n] = shape === 'array' ? ['[', ']', depth] : shape === 'object' ? ['{"a":', '}', depth] : ['[{"a":', '}]', Math.ceil(depth / 2)];
      return new RawJson(open.repeat(n) + leaf + close.repeat(n));
    });

const wrongTypes = fc.constantFrom<unknown>('', 'text', '123', 'true', 'null', 0, -1, 1.5, true, false, null, [], ['x'], [1, 2], [null], {}, { a: 1 }, { '': null }, deep(2000));
const nasty = fc.oneof(
  fc.constantFrom(
    '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uD83D', '\uFFFF', '\uFEFF', '\u202E', '😀'.repeat(20), "'; DROP TABLE cases; --",
    '%00', '%ZZ', '../../etc/passwd', '\\u0000', ' ', '\r\n', '<script>alert(1)</script>', '{{7*7}}', '$1', 'NaN', '-0', '1e400', '*', '%', '_',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  illFormed,
);
const oversized = fc.tuple(fc.constantFrom(1_000, 10_000, 100_000, 300_000), fc.constantFrom('x', '长', '😀', '\u0000')).map(([n, c]) => c.repeat(n));
const notUuid = fc.constantFrom(
  'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '0000000-0000-0000-0000-000000000000',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', '{00000000-0000-0000-0000-000000000000}', '550E8400-E29B-41D4-A716-446655440000',
  '550e8400e29b41d4a716446655440000', '550e8400-e29b-41d4-a716-446655440000 ', '1',
);
const notDate = fc.constantFrom(
  '2026-13-45', '2026-02-30', '2026-00-00', '0000-01-01', '9999-12-31', '2026-02-30T10:00:00Z', '2026-11-23T25:61:61Z', '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z', '2026-11-23T10:00:00', '2026-11-23 10:00', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', 'yesterday',
  '2026-11-23T10:00:00.123456789+14:00', '2026-11-23T10:00:00-23:59', '99999-01-01', '1970-01-01',
);
const extremeNumbers = fc.oneof(
  fc.constantFrom<unknown>(-1, 0, -0, 0.5, 1.5, -1.5, 1e-9, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e21, 1e308, -1e308, 5e-324),
  fc.constantFrom('1e400', '-1e400', '1' + '0'.repeat(400), '123456789012345678901234567890', '0.' + '0'.repeat(300) + '1').map((x) => new RawNumber(x)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** Numbers as a client may type them into a URL: beyond every integer type, not integers, not numbers. */
const numberTexts = fc.constantFrom(
  '-1', '0', '-0', '1.5', '.5', '5.', '+1', ' 1', '0x10', '1_000', '1e3', '1e300', '1e400', '-1e400', 'Infinity', 'NaN', '2147483648', '99999999999',
  '9007199254740993', '9223372036854775808', '-9223372036854775809', '99999999999999999999', '9'.repeat(400),
);

/** The values just outside a numeric schema's bounds, which validation must refuse. */
const outOfBounds = (s: Schema): number[] =>
  [s.minimum !== undefined ? [s.minimum - 1, s.minimum - 0.5] : [], s.maximum !== undefined ? [s.maximum + 1, s.maximum + 0.5] : []].flat();

/**
 * The sharpest bad values for a schema, or null when it has none: numbers just out of bounds and beyond
 * every integer type the database has, ids that are not UUIDs, dates that do not exist.
 */
function sharpValue(s: Schema): fc.Arbitrary<unknown> | null {
  const type = typeOf(s);
  if (type === 'integer' || type === 'number') {
    return fc.constantFrom<unknown>(
      ...outOfBounds(s), ...(type === 'integer' ? [1.5] : []), -1, 2 ** 31, 2 ** 53 + 2, 2 ** 63, 1e21, 1e300, -1e300,
      new RawNumber('1e400'), new RawNumber('99999999999999999999'),
      // As strings too: Ajv's type coercion turns "1e400" into Infinity (see platform/number-guard.ts).
      '99999999999999999999', '1e300', '1e400', '-1e400', 'Infinity', '-Infinity',
    );
  }
  if (s.format === 'uuid') return notUuid;
  if (s.format?.startsWith('date') || s.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) return notDate;
  return null;
}

/** A bad value aimed at the field's own schema half of the time, anything else the other half. */
function badValue(s: Schema): fc.Arbitrary<unknown> {
  const aimed: fc.Arbitrary<unknown>[] = [];
  const type = typeOf(s);
  if (type === 'integer' || type === 'number') aimed.push(extremeNumbers, numberTexts, ...(outOfBounds(s).length > 0 ? [fc.constantFrom(...outOfBounds(s))] : []));
  if (s.format === 'uuid') aimed.push(notUuid);
  if (s.format?.startsWith('date') || s.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) aimed.push(notDate);
  if (type === 'string') aimed.push(nasty, oversized);
  const anything = fc.oneof(wrongTypes, nasty, oversized, extremeNumbers);
  return aimed.length > 0 ? fc.oneof(fc.oneof(...aimed), anything) : anything;
}

/** As text, for path parameters, query values and headers. */
const badText = fc.oneof(
  nasty,
  notUuid,
  notDate,
  numberTexts,
  fc.constantFrom('abc', '', 'true', 'yes', 'TRUE', '[]', '{}', 'null', 'undefined'),
  fc.constantFrom(200, 10_000).map((n) => 'x'.repeat(n)),
);
const asText = (v: unknown): string => (typeof v === 'string' ? v : v instanceof RawNumber ? v.text : (JSON.stringify(v) ?? ''));
/** A bad parameter value for a schema: aimed at it half of the time. */
const badParam = (s: Schema | undefined): fc.Arbitrary<string> => fc.oneof(badValue(s ?? {}).map(asText), badText);

// ---------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------

interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Percent-encodes anything, lone surrogates included (as their three WTF-8 bytes, which are not valid UTF-8). */
function encodeLoose(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** Header values must be visible Latin-1: an HTTP client cannot send anything else. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

type Mutation =
  | { kind: 'field'; path: string[]; value: unknown }
  | { kind: 'extra field'; path: string[]; key: string; value: unknown }
  | { kind: 'whole body'; value: unknown }
  | { kind: 'raw body'; text: string; contentType?: string }
  | { kind: 'no body'; contentType?: string }
  | { kind: 'content type'; contentType: string }
  | { kind: 'path param'; name: string; raw: string }
  | { kind: 'query param'; name: string; raw: string[] }
  | { kind: 'raw query'; text: string }
  | { kind: 'header'; name: string; value: string };

interface Draft {
  params: Record<string, string>;
  query: [string, string][];
  body: unknown;
  /** Broken in one or two random ways, sent as every sender of the route. */
  mutations: Mutation[];
  /** One request per number, UUID or date parameter and field, breaking that one alone, each sent as one sender. */
  aimed: (Aimed & { sender: string | null })[];
}

/** What an aimed request must get beyond "no 5xx": a 400, naming `path` (exactly, or a field under it) when given. */
interface Expected {
  path?: string;
  exact: boolean;
  /** The body must carry a `\udXXX` escape: the ill-formed text reached the server as sent. */
  escaped?: boolean;
}

interface Aimed {
  mutation: Mutation;
  expected?: Expected;
}

/** A copy of `root` with `value` at `path`, creating objects (or arrays, for numeric keys) on the way. */
function setAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const copy: object = Array.isArray(root) ? [...root] : root !== null && typeof root === 'object' ? { ...root } : /^\d+$/.test(key) ? [] : {};
  const inner = Object.hasOwn(copy, key) ? (copy as Record<string, unknown>)[key] : undefined;
  // defineProperty, not assignment: `__proto__` must become a key of the JSON, not the object's prototype.
  Object.defineProperty(copy, key, { value: setAt(inner, rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}

const invalidJson = fc.constantFrom(
  '{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":1}garbage', '\uFEFF{}', 'undefined', 'NaN', '[1,]', '{"a":"\\x00"}', '"\\u0000"', '{"a":"\\ud800"}',
  '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}', '['.repeat(5000) + ']'.repeat(5000),
  '{"a":' + '{"b":'.repeat(3000) + '1' + '}'.repeat(3001), '\u0000', '{"a":"' + 'x'.repeat(1_100_000) + '"}',
);
const wrongContentTypes = fc.constantFrom(
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'APPLICATION/JSON', 'application/merge-patch+json',
  '*/*', 'text/html; charset=utf-8', 'application/json; boundary=";', ';',
);

function mutationsFor(op: Operation): fc.Arbitrary<Mutation> {
  const options: fc.WeightedArbitrary<Mutation>[] = [];
  const once = (arbitrary: fc.Arbitrary<Mutation>) => options.push({ arbitrary, weight: 1 });
  if (op.body) {
    const fields = fieldsOf(op.body);
    if (fields.length > 0) {
      const field = fc.constantFrom(...fields).chain((f) => badValue(f.schema).map((value): Mutation => ({ kind: 'field', path: f.path, value })));
      options.push({ arbitrary: field, weight: 3 });
    }
    const objects = [[] as string[], ...fields.filter((f) => typeOf(f.schema) === 'object').map((f) => f.path)];
    once(
      fc.record({
        path: fc.constantFrom(...objects),
        key: fc.oneof(fc.constantFrom('junk', '__proto__', 'constructor', '', 'a\u0000b', '\uD800', 'x'.repeat(300)), illFormed),
        value: fc.oneof(wrongTypes, nasty, extremeNumbers),
      }).map((m): Mutation => ({ kind: 'extra field', ...m })),
    );
    const deepAt = fields.length > 0 ? fc.oneof(fc.constant<string[]>([]), fc.constantFrom(...fields.map((f) => f.path))) : fc.constant<string[]>([]);
    once(fc.record({ path: deepAt, value: nestedDeeply(true) }).map((m): Mutation => ({ kind: 'field', ...m })));
  }
  once(fc.constantFrom<unknown>([], [1], [{}], 'text', 42, true, null, '', {}).map((value): Mutation => ({ kind: 'whole body', value })));
  once(fc.record({ text: invalidJson, contentType: fc.constantFrom('application/json', undefined) }).map((m): Mutation => ({ kind: 'raw body', ...m })));
  once(fc.constantFrom('application/json', undefined).map((contentType): Mutation => ({ kind: 'no body', contentType })));
  once(wrongContentTypes.map((contentType): Mutation => ({ kind: 'content type', contentType })));
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  if (pathParams.length > 0) {
    const rawJunk = fc.constantFrom('%ZZ', '%', '%00', '%C0%AF', '%FF%FE', '%E4%B8', '%ED%A0%80', '%2F', '%2e%2e', '..', '%20', '%EF%BF%BF', '00001');
    const junk = fc.constantFrom(...pathParams).chain((p) => fc.record({ name: fc.constant(p.name), raw: fc.oneof(badParam(p.schema).map(encodeLoose), rawJunk) }));
    options.push({ arbitrary: junk.map((m): Mutation => ({ kind: 'path param', ...m })), weight: 2 });
  }
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const queryNames = queryParams.map((p) => p.name);
  const queryValue = fc.oneof(badText, fc.string({ maxLength: 10 })).map(encodeLoose);
  if (queryParams.length > 0) {
    const aimed = fc.constantFrom(...queryParams).chain((p) =>
      fc.record({ name: fc.constant(p.name), raw: fc.array(badParam(p.schema).map(encodeLoose), { minLength: 1, maxLength: 3 }) }),
    );
    options.push({ arbitrary: aimed.map((m): Mutation => ({ kind: 'query param', ...m })), weight: 2 });
  }
  once(
    fc.oneof(
      fc.constantFrom('junk=1', '__proto__=x', 'constructor=x', 'a[b]=c', '=', '&&&', '%ZZ', '%', '%00', '%E4=1', 'a=%FF', 'a=1;b=2', '?', 'x='.repeat(5000)),
      fc.record({ name: fc.constantFrom('page', 'pageSize', 'orgId', 'q', 'id', ...queryNames), value: queryValue }).map(({ name, value }) => `${name}=${value}&${name}=${value}`),
    ).map((text): Mutation => ({ kind: 'raw query', text })),
  );
  const headers = ['authorization', 'accept-language', ...op.parameters.filter((p) => p.in === 'header').map((p) => p.name)];
  once(
    fc.record({
      name: fc.constantFrom(...headers),
      value: fc.oneof(badText.map(headerSafe), fc.constantFrom('Bearer', 'Bearer ', 'Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'x'.repeat(5000), 'Bearer \xff\xfe', '*', 'en;q=abc', 'zh-CN,en;q=0.5')),
    }).map((m): Mutation => ({ kind: 'header', ...m })),
  );
  return fc.oneof(...options);
}

function draftsFor(op: Operation): fc.Arbitrary<Draft> {
  const params = Object.fromEntries(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, valid(p.schema).map((v) => encodeLoose(String(v)))]));
  const query = op.parameters
    .filter((p) => p.in === 'query')
    .map((p) => {
      const pair = valid(p.schema).map((v): [string, string] | undefined => [p.name, encodeLoose(String(v))]);
      return p.required ? pair : fc.option(pair, { nil: undefined });
    });
  return fc.record({
    params: fc.record(params),
    query: fc.tuple(...query).map((pairs) => pairs.filter((x): x is [string, string] => x !== undefined)),
    body: op.body ? (EXEMPLARS.has(`${op.method} ${op.path}`) ? fc.oneof(fc.constant(EXEMPLARS.get(`${op.method} ${op.path}`)), valid(op.body)) : valid(op.body)) : fc.constant(undefined),
    mutations: fc.array(mutationsFor(op), { minLength: 1, maxLength: 2 }),
    aimed: fc.tuple(...aimedMutationsFor(op).map((m) => fc.record({ aimed: m, sender: fc.constantFrom(...sendersOf(op)) }).map(({ aimed, sender }) => ({ ...aimed, sender })))),
  });
}

function aimedMutationsFor(op: Operation): fc.Arbitrary<Aimed>[] {
  const out: fc.Arbitrary<Aimed>[] = [];
  const aimed = (mutation: Mutation, expected?: Expected): Aimed => ({ mutation, expected });
  for (const p of op.parameters) {
    const sharp = p.schema ? sharpValue(p.schema) : null;
    if (!sharp) continue;
    const raw = sharp.map((v) => encodeLoose(asText(v)));
    if (p.in === 'path') out.push(raw.map((r) => aimed({ kind: 'path param', name: p.name, raw: r })));
    if (p.in === 'query') out.push(raw.map((r) => aimed({ kind: 'query param', name: p.name, raw: [r] })));
  }
  const fields = op.body ? fieldsOf(op.body) : [];
  for (const f of fields) {
    const sharp = sharpValue(f.schema);
    if (sharp) out.push(sharp.map((value) => aimed({ kind: 'field', path: f.path, value })));
  }
  // Ill-formed UTF-16 in a query value: its bytes are not UTF-8, so it stays literal text; no 5xx.
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  if (queryParams.length > 0) {
    out.push(fc.tuple(fc.constantFrom(...queryParams), illFormed).map(([p, text]) => aimed({ kind: 'query param', name: p.name, raw: [encodeLoose(text)] })));
  }
  if (op.body) {
    // A lone surrogate in one string field (a 400 naming it), else in a key of the body (a 400 naming a field under it).
    const strings = fields.filter((f) => typeOf(f.schema) === 'string');
    if (strings.length > 0) {
      out.push(fc.tuple(fc.constantFrom(...strings), illFormed).map(([f, value]) => aimed({ kind: 'field', path: f.path, value }, { path: ['body', ...f.path].join('.'), exact: true, escaped: true })));
    } else if (typeOf(op.body) === 'object') {
      out.push(illFormed.map((key) => aimed({ kind: 'extra field', path: [], key, value: 1 }, { path: 'body', exact: false, escaped: true })));
    }
    // The whole body, or one of its fields, nested hundreds to tens of thousands of levels deep: a 400 (never a crash).
    const at = fields.length > 0 ? fc.oneof(fc.constant<string[]>([]), fc.constantFrom(...fields.map((f) => f.path))) : fc.constant<string[]>([]);
    out.push(fc.tuple(at, nestedDeeply(false)).map(([path, value]) => aimed({ kind: 'field', path, value }, { path: ['body', ...path].join('.'), exact: false })));
  }
  return out;
}

function requestOf(op: Operation, draft: Draft): Request {
  const params = { ...draft.params };
  let query = draft.query.map(([k, v]) => `${k}=${v}`);
  let body = draft.body;
  let text: string | undefined;
  let contentType: string | undefined = op.body ? 'application/json' : undefined;
  let noBody = false;
  const headers: Record<string, string> = {};
  for (const m of draft.mutations) {
    switch (m.kind) {
      case 'field':
        body = setAt(body, m.path, m.value);
        break;
      case 'extra field':
        body = setAt(body, [...m.path, m.key], m.value);
        break;
      case 'whole body':
        body = m.value;
        contentType = 'application/json';
        break;
      case 'raw body':
        text = m.text;
        contentType = m.contentType;
        break;
      case 'no body':
        noBody = true;
        contentType = m.contentType;
        break;
      case 'content type':
        contentType = m.contentType;
        if (body === undefined) body = {};
        break;
      case 'path param':
        params[m.name] = m.raw;
        break;
      case 'query param':
        query = [...query.filter((q) => !q.startsWith(`${m.name}=`)), ...m.raw.map((v) => `${m.name}=${v}`)];
        break;
      case 'raw query':
        query.push(m.text);
        break;
      case 'header':
        headers[m.name] = m.value;
        break;
    }
  }
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name]);
  const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
  if (contentType !== undefined) headers['content-type'] = contentType;
  const payload = noBody ? undefined : (text ?? (body === undefined ? undefined : serialise(body)));
  return { method: op.method, url, headers, payload };
}

// ---------------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------------

/**
 * Own sessions rather than `t.as`: a fuzzed `POST /auth/logout` with a harmless mutation is a valid
 * logout, after which the session must be replaced, not reused.
 */
const sessions = new Map<string, { token: string; expiresAt: number }>();
async function authorization(user: string): Promise<string> {
  let s = sessions.get(user);
  if (!s || s.expiresAt <= t.clock.now().getTime()) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: TEST_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${user} failed: ${res.statusCode} ${res.body}`);
    const body = res.json<{ token: string; expiresAt: string }>();
    s = { token: body.token, expiresAt: new Date(body.expiresAt).getTime() };
    sessions.set(user, s);
  }
  return `Bearer ${s.token}`;
}

const countWrites = async () => {
  const { rows } = await sql<{ cases: string; events: string }>`SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_events) AS events`.execute(t.database.db);
  return { cases: Number(rows[0].cases), events: Number(rows[0].events) };
};

const clip = (text: string | undefined, n = 300) => (text === undefined ? '(none)' : text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text);

interface ErrorAnswer {
  error?: { code?: unknown; message?: unknown; details?: { fields?: { path?: unknown; message?: unknown }[] } };
}

/**
 * A 400 names its fields (VALIDATION_FAILED), except these, which have no single field to name: a body or
 * URL that cannot be parsed at all, an import (its message names the line and column), a wrong one-time code.
 */
const UNFIELDED_400 = ['BAD_REQUEST', 'IMPORT_FAILED', 'OTP_INVALID'];

/** Statuses seen per route, and rejected case submissions (the write check must have had work to do). */
const seen = new Map<string, Map<string, number>>();
let rejectedSubmissions = 0;
/** Aimed requests with an expectation (ill-formed text, deep nesting) that were checked. */
let aimedRefusals = 0;
const unfielded = new Set<string>();
let sent = 0;

async function sendAndCheck(op: Operation, request: Request, user: string | null, expected?: Expected): Promise<void> {
  const headers: Record<string, string> = { ...request.headers };
  if (user && headers.authorization === undefined) headers.authorization = await authorization(user);
  const key = `${op.method} ${op.path}`;
  const submission = CASE_SUBMISSIONS.has(key);
  const before = submission ? await countWrites() : undefined;
  // A new address each time: the resident portal's per-IP failure throttle would otherwise answer 429 to
  // everything after a few runs, and the checks behind it would go untested.
  const remoteAddress = `198.51.100.${(sent++ % 254) + 1}`;
  const res = await t.app.inject({ method: request.method as 'GET', url: request.url, headers, payload: request.payload, remoteAddress });
  const where = `${request.method} ${clip(request.url, 200)} as ${user ?? 'anonymous'}\n  headers: ${clip(JSON.stringify(request.headers))}\n  body: ${clip(request.payload)}\n  → ${res.statusCode} ${clip(res.body, 500)}`;

  const stats = seen.get(key) ?? new Map<string, number>();
  seen.set(key, stats);

  expect(res.statusCode, where).toBeLessThan(500);
  if (expected) {
    if (expected.escaped) expect(request.payload, where).toMatch(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/);
    expect(res.statusCode, where).toBe(400);
    const paths = (res.json<ErrorAnswer>().error?.details?.fields ?? []).map((f) => f.path);
    if (expected.path !== undefined && expected.exact) expect(paths, where).toContain(expected.path);
    else if (expected.path !== undefined) expect(paths.some((p) => p === expected.path || String(p).startsWith(`${expected.path}.`)), where).toBe(true);
    aimedRefusals++;
  }
  if (key === 'POST /api/v1/auth/logout' && res.statusCode < 300 && user) sessions.delete(user);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], where).toMatch(/^application\/json/);
    const answer = res.json<ErrorAnswer>();
    const error = answer.error;
    expect(typeof error?.code, where).toBe('string');
    expect(typeof error?.message === 'string' && error.message.length > 0, where).toBe(true);
    // Localised and filled in: no `{placeholder}` left, no stack trace.
    expect(error?.message, where).not.toMatch(/\{\w+\}/);
    expect(res.body, where).not.toMatch(/\n\s+at /);
    stats.set(`${res.statusCode} ${String(error?.code)}`, (stats.get(`${res.statusCode} ${String(error?.code)}`) ?? 0) + 1);
    if (res.statusCode === 400 && error?.code !== 'VALIDATION_FAILED') unfielded.add(`${String(error?.code)}: ${String(error?.message)}`);
    if (res.statusCode === 400) expect(['VALIDATION_FAILED', ...UNFIELDED_400], where).toContain(error?.code);
    if (error?.code === 'VALIDATION_FAILED') {
      const fields = error.details?.fields ?? [];
      expect(fields.length, where).toBeGreaterThan(0);
      for (const f of fields) {
        expect(f.path, where).toMatch(/^(body|querystring|params|headers)(\.|$)/);
        expect(typeof f.message === 'string' && f.message.length > 0, where).toBe(true);
      }
    }
    if (submission) {
      rejectedSubmissions++;
      expect(await countWrites(), `${where}\n  a rejected submission wrote rows`).toEqual(before);
    }
  } else stats.set(String(res.statusCode), (stats.get(String(res.statusCode)) ?? 0) + 1);
}

/** Two cases (one with an order) in the demo community, a few units and categories, for the runs to aim at. */
async function seedRecords(): Promise<void> {
  const intake = { channel: 'hotline', category: 'labor.wage_arrears', title: '工地拖欠工资', description: '15名工人被拖欠三个月工资', peopleInvolved: 15 };
  for (const user of ['biyan.reception', 'district.admin']) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: await authorization(user) }, payload: { ...intake, location: { address: '碧眼社区某工地' } } });
    if (res.statusCode !== 201) throw new Error(`seeding a case failed: ${res.statusCode} ${res.body}`);
    known.push(res.json<{ id: string }>().id, res.json<{ trackingNo: string }>().trackingNo);
  }
  // Real categories fit the category pattern (and nothing else), so submissions get past the look-up and
  // are refused, if at all, by the checks just before the write: that is where a half-written case would come from.
  const categories = await t.database.db.selectFrom('categories').select('code').where('code', 'in', ['labor.wage_arrears', 'neighbor.noise', 'family.elderly_care']).execute();
  known.push(...categories.map((c) => c.code));
  const units = await t.database.db.selectFrom('org_units').select(['id', 'code']).where('code', 'in', ['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.DEPT.HRSS']).execute();
  known.push(...units.map((u) => u.id));
  const hrss = units.find((u) => u.code === 'GM.DEPT.HRSS')!.id;
  const order = await t.app.inject({
    method: 'POST', url: `/api/v1/cases/${known[0]}/orders`, headers: { authorization: await authorization('biyan.secretary') },
    payload: { kind: 'routine', departmentIds: [hrss], instructions: '立即到现场协调处置' },
  });
  if (order.statusCode !== 201) throw new Error(`seeding an order failed: ${order.statusCode} ${order.body}`);
  known.push(order.json<{ items: { id: string }[] }>().items[0].id);
}
await seedRecords();

// ---------------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------------

describe('the API answers malformed input with a 4xx, never a 5xx', () => {
  it('fuzzes every /api/v1 route of the OpenAPI document', () => {
    expect(documentAnswer.statusCode).toBe(200);
    const keys = operations.map((op) => `${op.method} ${op.path}`);
    // Guards the enumeration itself: an empty or truncated route list would make every test below pass.
    expect(keys.length).toBeGreaterThan(50);
    expect(keys).toEqual(expect.arrayContaining([...CASE_SUBMISSIONS, 'POST /api/v1/cases/{id}/actions', 'GET /api/v1/public/cases/{trackingNo}', 'PATCH /api/v1/orgs/{id}']));
  });

  it.each(operations.map((op) => ({ name: `${op.method} ${op.path}`, op })))(
    '$name',
    async ({ op }) => {
      await fc.assert(
        fc.asyncProperty(draftsFor(op), async (draft) => {
          const request = requestOf(op, draft);
          for (const user of sendersOf(op)) await sendAndCheck(op, request, user);
          // An expectation about a field holds only if nothing else in the draft's own body is refused first.
          const clean = draft.body === undefined || !SUSPECT_ESCAPE.test(serialise(draft.body));
          for (const { mutation, sender, expected } of draft.aimed) {
            await sendAndCheck(op, requestOf(op, { ...draft, mutations: [mutation] }), sender, clean ? expected : expected && { ...expected, path: undefined });
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED },
      );
    },
    120_000,
  );

  it('rejected case submissions were sent and wrote nothing', () => {
    // The per-request row counts above compared before and after; this proves there were some.
    expect(rejectedSubmissions).toBeGreaterThan(RUNS_PER_ROUTE);
    // Every route with a body got its lone surrogate and its deep nesting on every run.
    expect(aimedRefusals).toBeGreaterThanOrEqual(2 * RUNS_PER_ROUTE * operations.filter((op) => op.body).length);
    if (process.env.FENGQIAO_FUZZ_STATS) {
      for (const [route, stats] of seen) console.log(route.padEnd(55), [...stats].map(([s, n]) => `${s}×${n}`).join('  '));
      console.log([...unfielded].sort().join('\n'));
    }
  });
});
