import { Type } from 'typebox';
import { literals, nullable } from '../../platform/schemas.js';
import { CreateCaseBody, IdempotencyHeaders } from '../cases/index.js';
import { PUBLIC_CHANNELS } from './public.rules.js';

/** One-time codes go to mobile numbers only (a landline cannot receive them). */
export const MOBILE_PATTERN = '^1[3-9]\\d{9}$';

const Token = Type.String({ minLength: 16, maxLength: 200 });
const AccessCode = Type.String({ pattern: '^\\d{6}$' });
export const TRACKING_PATTERN = '^[A-Za-z]{1,4}\\d{8}-\\d{3,}$';

export const OtpBody = Type.Object({ phone: Type.String({ pattern: MOBILE_PATTERN }) }, { additionalProperties: false });
export const OtpVerifyBody = Type.Object(
  { phone: Type.String({ pattern: MOBILE_PATTERN }), code: Type.String({ pattern: '^\\d{6}$' }) },
  { additionalProperties: false },
);

// The staff intake fields, minus what the portal decides itself: the channel is limited and the phone comes from verification.
const { channel: _channel, reporter: _reporter, ...intakeFields } = CreateCaseBody.properties;

export const PublicCaseBody = Type.Object(
  {
    ...intakeFields,
    channel: Type.Optional(literals(PUBLIC_CHANNELS)),
    reporter: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) }, { additionalProperties: false })),
    verificationToken: Type.Optional(Token),
  },
  { additionalProperties: false },
);

const Text = nullable(Type.String());
/** An ISO 8601 instant, or null when it has not happened. */
const Instant = nullable(Type.String());
const Deadlines = Type.Object({ respondBy: Instant, acceptBy: Instant, resolveBy: Instant });

export const PublicCaseCreated = Type.Object({
  trackingNo: Type.String(),
  accessCode: Type.String(),
  status: Type.String(),
  riskLevel: Type.String(),
  deadlines: Deadlines,
  createdAt: Type.String(),
});

/** `POST /public/otp` (202): the code is on its way; when it expires and when another may be asked for. */
export const OtpSentSchema = Type.Object({ sent: Type.Literal(true), expiresInSeconds: Type.Integer(), resendAfterSeconds: Type.Integer() });

/** `POST /public/otp/verify`: the token proving the phone, and when it stops working. */
export const OtpVerifiedSchema = Type.Object({ verificationToken: Type.String(), expiresAt: Type.String() });

/**
 * What a resident sees of a case (`presentPublicCase`): progress in plain words, the handling unit (never a
 * person), deadlines, the resolution and their rating. Codes are strings for the reason given in cases.schemas.ts.
 */
export const PublicCaseSchema = Type.Object({
  trackingNo: Type.String(),
  title: Type.String(),
  description: Type.String(),
  serviceType: Type.String(),
  category: Type.String(),
  /** In the reader's language. */
  categoryName: Type.String(),
  channel: Type.String(),
  anonymous: Type.Boolean(),
  status: Type.String(),
  /** The status in the reader's language, worded for a resident. */
  statusText: Type.String(),
  riskLevel: Type.String(),
  handlingUnit: nullable(Type.Object({ name: Type.String() })),
  deadlines: Deadlines,
  overdue: Type.Boolean(),
  resolution: nullable(Type.Object({ note: Text, resolvedAt: Type.String() })),
  confirmedAt: Instant,
  closedAt: Instant,
  rating: nullable(Type.Integer()),
  ratingComment: Text,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** What the resident may do now: `add_info`, `confirm`, `rate`. */
  allowedActions: Type.Array(Type.String()),
  /** Whitelisted events only, each a sentence in the reader's language with the unit handling the case then. */
  timeline: Type.Array(Type.Object({ at: Type.String(), action: Type.String(), text: Type.String(), unit: Text })),
});

/** `GET /public/my-cases`: the verified phone's cases, newest first. */
export const MyCasesSchema = Type.Object({
  items: Type.Array(Type.Object({ trackingNo: Type.String(), title: Type.String(), status: Type.String(), statusText: Type.String(), createdAt: Type.String() })),
});

export const TrackingParams = Type.Object({ trackingNo: Type.String({ pattern: TRACKING_PATTERN, maxLength: 40 }) });
export const TrackQuery = Type.Object({ accessCode: Type.Optional(AccessCode) }, { additionalProperties: false });
export const VerificationHeaders = Type.Object({ 'x-verification-token': Type.Optional(Token) });
export { IdempotencyHeaders };

export const InfoBody = Type.Object(
  {
    accessCode: Type.Optional(AccessCode),
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    attachmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 6, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export const ConfirmBody = Type.Object({ accessCode: Type.Optional(AccessCode) }, { additionalProperties: false });
export const RateBody = Type.Object(
  {
    accessCode: Type.Optional(AccessCode),
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
