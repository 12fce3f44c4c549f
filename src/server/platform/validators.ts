/**
 * Request validation with two Ajv instances, one per kind of input.
 *
 * Query strings, path parameters and headers arrive as text, so their validator coerces (`?page=2` is the
 * integer 2, `?status=open` the array `['open']` where the schema wants an array). A JSON body has types
 * of its own, and coercing them hid sender bugs and let wrong input through: `"title": 123` was stored as
 * "123", `"title": ["a"]` as "a", `"flags": "public_safety"` became a one-item array and
 * `"amountInvolved": "100"` a number. Bodies are therefore validated strictly.
 *
 * Both instances share the rest of the configuration Fastify's default had here: every error reported
 * (the answer lists all the fields at once), defaults filled in, unknown properties refused rather than
 * silently removed, and the `format` keywords of ajv-formats.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import AjvModule, { type Options, type ValidateFunction } from 'ajv';
import ajvFormatsModule from 'ajv-formats';

// Both are CommonJS modules whose default export TypeScript sees one level down under NodeNext.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = ajvFormatsModule.default ?? ajvFormatsModule;

const SHARED: Options = {
  allErrors: true,
  removeAdditional: false,
  useDefaults: true,
  // As Fastify's own compiler: a compiled schema is not kept by id, so one schema object may serve many routes.
  addUsedSchema: false,
};

/**
 * One Ajv instance per kind of input, chosen by Fastify's `httpPart` ('body', 'querystring', 'params',
 * 'headers'): strict for JSON bodies, coercing for the text parts of a request.
 */
export function createValidators(): (httpPart: string | undefined) => { compile(schema: object): ValidateFunction } {
  const strict = new Ajv({ ...SHARED, coerceTypes: false });
  const coercing = new Ajv({ ...SHARED, coerceTypes: 'array' });
  addFormats(strict);
  addFormats(coercing);
  return (httpPart) => (httpPart === 'body' ? strict : coercing);
}

/** Sets the app's validator compiler (inherited by every plugin registered after it). */
export function installValidators(app: FastifyInstance): void {
  const ajvFor = createValidators();
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) => ajvFor(httpPart).compile(schema as object));
}
