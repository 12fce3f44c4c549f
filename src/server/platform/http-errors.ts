/**
 * Maps every error to `{ error: { code, message, details? } }` with a localised
 * message. Validation errors list field paths; unknown errors become a generic
 * 500 without a stack (the stack goes to the log only).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldIssue } from './errors.js';
import { l, pickLocale, translate, translateField, type Locale } from './messages.js';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown> & { fields?: { path: string; message: string }[] };
  };
}

interface AjvLikeError {
  instancePath?: string;
  keyword: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** `/reporter/phone` in body → `body.reporter.phone`; a missing property is appended to the path. */
export function ajvIssue(err: AjvLikeError, context: string | undefined): FieldIssue {
  const segments = (err.instancePath ?? '').split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = err.params ?? {};
  if (err.keyword === 'required' && typeof params.missingProperty === 'string') segments.push(params.missingProperty);
  if (err.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') segments.push(params.additionalProperty);
  const path = [context ?? 'body', ...segments].join('.');
  const out: Record<string, unknown> = { ...params };
  if (Array.isArray(params.allowedValues)) out.allowed = params.allowedValues.join(', ');
  if (params.allowedValue !== undefined) out.allowed = String(params.allowedValue);
  return { path, keyword: err.keyword, params: out };
}

function fieldMessages(fields: FieldIssue[], locale: Locale) {
  // anyOf/oneOf failures come with the branch errors too; keep the most specific ones.
  const specific = fields.filter((f) => f.keyword !== 'anyOf' && f.keyword !== 'oneOf');
  const chosen = specific.length > 0 ? specific : fields;
  const seen = new Set<string>();
  return chosen
    .map((f) => ({ path: f.path, message: translateField(f.keyword, locale, f.params) }))
    .filter((f) => {
      const key = `${f.path}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export function errorBody(err: AppError, locale: Locale): ErrorBody {
  const details: ErrorBody['error']['details'] = { ...err.extra };
  if (err.fields.length > 0) details.fields = fieldMessages(err.fields, locale);
  return {
    error: {
      code: err.code,
      message: translate(err.code, locale, err.params),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    },
  };
}

/** Converts anything thrown in a request into an AppError. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError & { validation?: AjvLikeError[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    return AppError.invalid(fe.validation.map((v) => ajvIssue(v, fe.validationContext)));
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BAD_REQUEST', { reason: l('JSON 请求体为空', 'empty JSON body') });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_REQUEST', { reason: l('JSON 格式错误', 'malformed JSON') });
    // Raised before routing (see `frameworkErrors` in app.ts); Fastify's own messages would echo the whole URL.
    case 'FST_ERR_BAD_URL':
      return new AppError('BAD_REQUEST', { reason: l('网址路径的百分号编码无效（不是有效的 UTF-8）', 'the URL path is not valid percent-encoded UTF-8') });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('BAD_REQUEST', { reason: l('路径参数过长', 'a path parameter is too long') });
  }
  if (status === 429) return new AppError('RATE_LIMITED');
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (err instanceof SyntaxError || (status >= 400 && status < 500)) {
    // Fastify's own message is English and technical; the Chinese text keeps it in brackets for whoever reports it.
    const detail = fe?.message ?? 'invalid request';
    return new AppError('BAD_REQUEST', { reason: l(`请求格式不正确（${detail}）`, detail) });
  }
  return new AppError('INTERNAL');
}

/**
 * Answers any error in the one shape. The error handler of every route uses it, and so does Fastify's
 * `frameworkErrors` option for what fails before routing (a malformed URL), which no route handler sees.
 */
export function replyWithError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(err);
  if (appError.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: appError.code }, 'request rejected');
  const locale = pickLocale(request.headers['accept-language']);
  // A throttle that knows its wait says it (AppError extra `retryAfterSeconds`); the generic rate limit waits a minute.
  const wait = appError.extra.retryAfterSeconds;
  if (typeof wait === 'number' && reply.getHeader('retry-after') === undefined) reply.header('retry-after', String(wait));
  if (appError.code === 'RATE_LIMITED' && reply.getHeader('retry-after') === undefined) reply.header('retry-after', '60');
  return reply.status(appError.status).send(errorBody(appError, locale));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(replyWithError);
  app.setNotFoundHandler((request, reply) => {
    const locale = pickLocale(request.headers['accept-language']);
    return reply.status(404).send(errorBody(new AppError('NOT_FOUND', { what: request.url }), locale));
  });
}
