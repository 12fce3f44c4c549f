/**
 * Text that PostgreSQL cannot store, and input too deep to handle, refused at the boundary as a 400 naming
 * the field, before any handler runs:
 * - the NUL character (U+0000): text columns cannot hold it; JSON carries it as `\u0000`, a URL as `%00`;
 * - a lone UTF-16 surrogate (a high one without its low partner, or a low one alone): `jsonb` and text
 *   columns refuse it ("invalid input syntax for type json"), a 500. JSON carries it as `\ud800`; in a URL
 *   its bytes (`%ED%A0%80`) are not UTF-8, so the query-string parser keeps them as literal text and the
 *   router refuses them in a path, but the query and path parameters are checked too, in case another
 *   decoder ever lets one through;
 * - JSON nested deeper than {@link MAX_DEPTH} levels: no form of ours needs more than a handful, and every
 *   recursive walk after the parser (ours, a rule checker's, PostgreSQL's jsonb input, which has a stack
 *   limit of its own) would otherwise be at the mercy of the sender.
 * A body is parsed by the UTF-8 decoder, which turns broken bytes into U+FFFD, so a surrogate or a NUL can
 * only come from a `\u` escape. The checks cost an `indexOf` or two per request and walk the parsed value
 * only when the text holds such an escape, or more than {@link MAX_DEPTH} opening brackets.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import { l, type Localised } from './messages.js';

/** The deepest nesting of arrays and objects a JSON body may have (the body itself is level 1). */
export const MAX_DEPTH = 64;

const NUL = l('含有无法保存的空字符（\\u0000）', 'contains a NUL character (\\u0000), which cannot be stored');
const SURROGATE = l('含有无法保存的不完整字符（孤立的代理项）', 'contains an unpaired UTF-16 surrogate, which cannot be stored');
const TOO_DEEP = l(`嵌套层级过深（最多 ${MAX_DEPTH} 层）`, `is nested too deeply (at most ${MAX_DEPTH} levels)`);

export interface TextIssue {
  /** The field (`body.a.0.b`), or the container that is one level too deep. */
  path: string;
  reason: Localised;
}

/** The characters a path shows as escapes: NUL and lone surrogates (a path is echoed in answers and logs). */
const UNPRINTABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const printable = (key: string) => key.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `String.prototype.isWellFormed` (ES2024, in Node 20); the project's TypeScript lib is ES2023. */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

function stringReason(text: string): Localised | null {
  if (text.includes('\u0000')) return NUL;
  return isWellFormed(text) ? null : SURROGATE;
}

function walk(value: unknown, path: string, level: number): TextIssue | null {
  if (typeof value === 'string') {
    const reason = stringReason(value);
    return reason ? { path, reason } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  // Checked before descending, so the walk itself never goes deeper than MAX_DEPTH frames.
  if (level >= MAX_DEPTH) return { path, reason: TOO_DEEP };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], `${path}.${i}`, level + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const keyReason = stringReason(key);
    if (keyReason) return { path: `${path}.${printable(key)}`, reason: keyReason };
    const found = walk((value as Record<string, unknown>)[key], `${path}.${printable(key)}`, level + 1);
    if (found) return found;
  }
  return null;
}

/**
 * The first string or object key in `value` (in document order) holding U+0000 or a lone surrogate, or
 * the first array or object nested deeper than {@link MAX_DEPTH} levels, with its path under `prefix`;
 * null if none.
 */
export function textIssue(value: unknown, prefix: string): TextIssue | null {
  return walk(value, prefix, 0);
}

/** A `\u` escape of U+0000 or of a surrogate (D800–DFFF), paired or not: only then can a string hold one. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** Whether `text` has more than `limit` opening brackets: no deeper nesting is possible otherwise. */
function moreOpeningsThan(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) if (++count > limit) return true;
  }
  return false;
}

/** Whether the parsed value of a JSON text must be walked: only a text like that can break a rule above. */
export function jsonNeedsWalk(text: string): boolean {
  return (text.includes('\\u') && SUSPECT_ESCAPE.test(text)) || moreOpeningsThan(text, MAX_DEPTH);
}

/** A `%` escape in a URL through which a NUL (`%00`) or a surrogate (its bytes `%ED…`, or `%uD800`) might be decoded. */
const SUSPECT_PERCENT = /%(?:00|[eE][dD]|[uU])/;

export function installTextGuard(app: FastifyInstance): void {
  // Fastify's own JSON parser (prototype poisoning refused, as by default), then the checks.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    parseJson(request, text, (err, value) => {
      if (err) return done(err);
      const issue = jsonNeedsWalk(text) ? textIssue(value, 'body') : null;
      if (issue) return done(AppError.invalidField(issue.path, issue.reason));
      done(null, value);
    });
  });
  // A callback hook, not an async one: no promise per request on the hot path.
  app.addHook('preValidation', (request, _reply, done) => {
    const issue = SUSPECT_PERCENT.test(request.url) ? (textIssue(request.query, 'querystring') ?? textIssue(request.params, 'params')) : null;
    done(issue ? AppError.invalidField(issue.path, issue.reason) : undefined);
  });
}
