/**
 * What the request log may say about a request. URLs carry secrets in a few
 * places a browser cannot avoid: the SSE stream's `accessToken` (EventSource
 * sets no headers) and a resident's `accessCode` beside the tracking number it
 * unlocks. Logs travel further than the database (files, collectors, support
 * tickets), so those values never reach them.
 */
import type { FastifyRequest } from 'fastify';

/**
 * Query parameters whose values are secrets, compared case-insensitively after percent-decoding the name. The one
 * list: a new secret-bearing parameter is added here (including ones no route takes today — a client may still send
 * them, e.g. a password in a mistaken GET).
 */
export const SECRET_QUERY_PARAMETERS: readonly string[] = [
  'accessToken', 'accessCode', 'token', 'code', 'otp', 'verificationToken', 'password', 'currentPassword', 'newPassword', 'secret',
  'apiKey', 'api_key',
];
const SECRET_NAMES = new Set(SECRET_QUERY_PARAMETERS.map((n) => n.toLowerCase()));
const REDACTED = '[REDACTED]';

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** The URL with the value of every secret query parameter replaced by `[REDACTED]`; everything else as it was. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    return SECRET_NAMES.has(decodedName(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
  });
  return `${url.slice(0, q + 1)}${pairs.join('&')}`;
}

/** pino's `req` serializer: the request line without secrets, and no headers (bearer tokens, cookies). */
export function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
