/**
 * PostgreSQL text cannot hold the NUL character (U+0000): a string carrying
 * one fails inside the database, after validation, as a 500. JSON can carry it
 * (`\u0000`), and so can a URL (`%00`). These checks turn it into a 400 naming
 * the field, before any handler runs. They cost an `indexOf` per request and
 * walk the input only when the escape is present.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import { l } from './messages.js';

const REASON = l('含有无法保存的空字符（\\u0000）', 'contains a NUL character (\\u0000), which cannot be stored');

/** The path (`prefix.a.0.b`) of the first string, or object key, holding U+0000 in `value`; null if none. */
export function nulPath(value: unknown, prefix: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? prefix : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${prefix}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${prefix}.${key.replaceAll('\u0000', '\\u0000')}`;
      const found = nulPath(item, `${prefix}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

export function installNulGuard(app: FastifyInstance): void {
  // Fastify's own JSON parser (prototype poisoning refused, as by default), then the NUL check.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    parseJson(request, text, (err, value) => {
      if (err) return done(err);
      const path = text.includes('\\u0000') ? nulPath(value, 'body') : null;
      if (path) return done(AppError.invalidField(path, REASON));
      done(null, value);
    });
  });
  // A callback hook, not an async one: no promise per request on the hot path.
  app.addHook('preValidation', (request, _reply, done) => {
    const path = request.url.includes('%00') ? (nulPath(request.query, 'querystring') ?? nulPath(request.params, 'params')) : null;
    done(path ? AppError.invalidField(path, REASON) : undefined);
  });
}
