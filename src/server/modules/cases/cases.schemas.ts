import { Type, type Static } from 'typebox';
import { CASE_ACTIONS } from './lifecycle.rules.js';
import { KNOWN_FLAGS, RISK_LEVELS, URGENCIES } from './grading.rules.js';
import { CHANNELS } from './intake.service.js';
import { SERVICE_TYPES } from './catalogue.data.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** Mainland mobile (1xxxxxxxxxx) or a landline with area code (0755-12345678). */
export const PHONE_PATTERN = '^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$';

export const LocationSchema = Type.Object(
  {
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    buildingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const ReporterSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN })),
    idNumber: Type.Optional(Type.String({ pattern: '^\\d{17}[\\dXx]$' })),
  },
  { additionalProperties: false },
);

const caseFields = {
  serviceType: Type.Optional(literals(SERVICE_TYPES)),
  category: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+\\.[a-z_]+$' }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  location: Type.Optional(LocationSchema),
  reporter: Type.Optional(ReporterSchema),
  anonymous: Type.Optional(Type.Boolean()),
  peopleInvolved: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  amountInvolved: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000_000_000 })),
  urgency: Type.Optional(literals(URGENCIES)),
  flags: Type.Optional(Type.Array(literals(KNOWN_FLAGS), { maxItems: 10, uniqueItems: true })),
  secretaryLevel: Type.Optional(literals(['community', 'subdistrict', 'district'])),
  attachmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 6, uniqueItems: true })),
};

export const CreateCaseBody = Type.Object({ channel: literals(CHANNELS), ...caseFields }, { additionalProperties: false });
export type CreateCaseBody = Static<typeof CreateCaseBody>;

export const ActionBody = Type.Object(
  {
    action: literals(CASE_ACTIONS),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
    targetOrgId: Type.Optional(Type.String({ format: 'uuid' })),
    targetCaseId: Type.Optional(Type.String({ format: 'uuid' })),
    riskLevel: Type.Optional(literals(RISK_LEVELS)),
    major: Type.Optional(Type.Boolean()),
    redirectTo: Type.Optional(Type.String({ maxLength: 500 })),
    attachmentIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 6, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 200 })),
    riskLevel: Type.Optional(Type.String({ maxLength: 50 })),
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    overdue: Type.Optional(Type.Boolean()),
    warning: Type.Optional(Type.Boolean()),
    open: Type.Optional(Type.Boolean()),
    phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);

export const CaseIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });
