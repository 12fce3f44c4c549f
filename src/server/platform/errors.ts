/**
 * The one error type business code throws. Each code maps to one HTTP status
 * here, and to a localised message in messages.ts, so clients always get the
 * same `{ error: { code, message, details } }` shape.
 */
import type { Localised } from './messages.js';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'ACCOUNT_DISABLED'
  | 'FORBIDDEN'
  | 'OUT_OF_SCOPE'
  | 'ROLE_NOT_GRANTABLE'
  | 'USER_OUT_OF_REACH'
  | 'OWN_ACCOUNT'
  | 'IMPORT_OUT_OF_SCOPE'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'ILLEGAL_TRANSITION'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_REQUEST'
  | 'IMPORT_FAILED'
  | 'TEST_CLOCK_DISABLED'
  | 'SERVICE_UNAVAILABLE'
  | 'RETRY_LATER'
  | 'OTP_INVALID'
  | 'OTP_ATTEMPTS_EXCEEDED'
  | 'VERIFICATION_REQUIRED'
  | 'UPLOAD_QUOTA_EXCEEDED'
  | 'INTERNAL';

const statusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  IMPORT_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  FORBIDDEN: 403,
  OUT_OF_SCOPE: 403,
  ROLE_NOT_GRANTABLE: 403,
  USER_OUT_OF_REACH: 403,
  OWN_ACCOUNT: 403,
  IMPORT_OUT_OF_SCOPE: 403,
  TEST_CLOCK_DISABLED: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  ILLEGAL_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  RETRY_LATER: 429,
  OTP_INVALID: 400,
  OTP_ATTEMPTS_EXCEEDED: 429,
  VERIFICATION_REQUIRED: 401,
  UPLOAD_QUOTA_EXCEEDED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** One invalid field: `path` is dotted (`body.reporter.phone`), `keyword` picks the message. */
export interface FieldIssue {
  path: string;
  keyword: string;
  params?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    /** Substituted into the localised message. */
    readonly params: Record<string, unknown> = {},
    /** Extra machine-readable data returned to the client (e.g. allowed actions). */
    readonly extra: Record<string, unknown> = {},
    readonly fields: FieldIssue[] = [],
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', { what });
  }

  static invalid(fields: FieldIssue[]): AppError {
    return new AppError('VALIDATION_FAILED', {}, {}, fields);
  }

  /** One field broke a business rule; `reason` is the whole sentence in both languages (`l(zh, en)`). */
  static invalidField(path: string, reason: Localised): AppError {
    return AppError.invalid([{ path, keyword: 'rule', params: { reason } }]);
  }

  /** A rule checker's issues (paths relative to the body, '' for the body itself) as one validation error. */
  static brokenRules(issues: readonly { path: string; reason: Localised }[]): AppError {
    return AppError.invalid(issues.map((i) => ({ path: i.path ? `body.${i.path}` : 'body', keyword: 'rule', params: { reason: i.reason } })));
  }

  /** The request conflicts with the record's state; `reason` in both languages. */
  static conflict(reason: Localised): AppError {
    return new AppError('CONFLICT', { reason });
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
