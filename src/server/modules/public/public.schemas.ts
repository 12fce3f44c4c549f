import { Type } from 'typebox';
import { CreateCaseBody, IdempotencyHeaders } from '../cases/index.js';
import { PUBLIC_CHANNELS } from './public.rules.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

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

export const PublicCaseCreated = Type.Object({
  trackingNo: Type.String(),
  accessCode: Type.String(),
  status: Type.String(),
  riskLevel: Type.String(),
  deadlines: Type.Object({ respondBy: Type.Union([Type.String(), Type.Null()]), acceptBy: Type.Union([Type.String(), Type.Null()]), resolveBy: Type.Union([Type.String(), Type.Null()]) }),
  createdAt: Type.String(),
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
