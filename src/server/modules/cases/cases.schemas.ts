import { Type, type Static } from 'typebox';
import { literals, nullable } from '../../platform/schemas.js';
import { CASE_ACTIONS } from './lifecycle.rules.js';
import { KNOWN_FLAGS, RISK_LEVELS, URGENCIES } from './grading.rules.js';
import { CHANNELS } from './intake.service.js';
import { SERVICE_TYPES } from './catalogue.data.js';

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

// Responses. Codes read from rows (status, channel, risk level, actions…) are declared as strings, not as unions of
// literals: the serializer checks a union branch by branch and answers 500 for a value outside it, and a stored row
// may hold a code this version does not list (unknown flags are kept, see grading.rules.ts).
const Text = nullable(Type.String());
/** An ISO 8601 instant (the presenters call `toISOString`), or null when it has not happened. */
const Instant = nullable(Type.String());

/** One reason of the risk grade, as stored by grading (or a manual regrade), with its sentence in the reader's language. */
const RiskReasonSchema = Type.Object(
  {
    code: Type.String(),
    level: Type.Optional(Type.String()),
    value: Type.Optional(Type.Unknown()),
    threshold: Type.Optional(Type.Unknown()),
    /** Who regraded (code `manual`). */
    by: Type.Optional(Text),
    text: Type.String(),
  },
  // Stored as jsonb by whichever version graded the case: whatever else a reason holds is passed on as it is.
  { additionalProperties: true },
);

/** A case as `presentCase` gives it: personal data masked unless revealed, and what this actor may do now. */
export const CaseSchema = Type.Object({
  id: Type.String(),
  trackingNo: Type.String(),
  channel: Type.String(),
  serviceType: Type.String(),
  category: Type.String(),
  title: Type.String(),
  description: Type.String(),
  location: Type.Object({
    address: Text,
    lat: nullable(Type.Number()),
    lng: nullable(Type.Number()),
    buildingCode: Text,
    communityId: Text,
    gridId: Text,
    /** How the location was found (building code, coordinates, the reporter's words…). */
    source: Type.String(),
  }),
  reporter: Type.Object({
    name: Text,
    phone: Text,
    idNumber: Text,
    masked: Type.Boolean(),
    /** The actor may reveal the reporter (audited) and there is something to reveal. */
    canReveal: Type.Boolean(),
  }),
  anonymous: Type.Boolean(),
  peopleInvolved: Type.Integer(),
  amountInvolved: Type.Number(),
  urgency: Type.String(),
  flags: Type.Array(Type.String()),
  riskLevel: Type.String(),
  riskReasons: Type.Array(RiskReasonSchema),
  status: Type.String(),
  ownerOrgId: Type.String(),
  firstOrgId: Type.String(),
  escalationLevel: Type.Integer(),
  major: Type.Boolean(),
  deadlines: Type.Object({ respondBy: Instant, acceptBy: Instant, resolveBy: Instant }),
  respondedAt: Instant,
  acceptedAt: Instant,
  resolvedAt: Instant,
  confirmedAt: Instant,
  closedAt: Instant,
  suspendedAt: Instant,
  mergedInto: Text,
  warning: Type.Boolean(),
  overdue: Type.Boolean(),
  rating: nullable(Type.Integer()),
  ratingComment: Text,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String()),
});

/** `POST /cases`: the case and its access code for the resident; null on a replayed `Idempotency-Key` (only its hash is kept). */
export const CaseCreatedSchema = Type.Object({ ...CaseSchema.properties, accessCode: Text });

/** `GET /cases`. `totalCapped`: there are more matches than `total` (counting them all costs too much). */
export const CaseListSchema = Type.Object({
  items: Type.Array(CaseSchema),
  total: Type.Integer(),
  totalCapped: Type.Boolean(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

/** One timeline entry of a case (`presentEvent`). */
export const CaseEventSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.Object({ kind: Type.String(), id: Text, name: Text }),
  action: Type.String(),
  fromStatus: Text,
  toStatus: Text,
  orgId: Text,
  note: Text,
  data: Type.Record(Type.String(), Type.Unknown()),
  attachments: Type.Array(Type.Object({ id: Type.String(), fileName: Type.String(), mimeType: Type.String() })),
});

export type CaseEventView = Static<typeof CaseEventSchema>;

export const CaseEventListSchema = Type.Object({ items: Type.Array(CaseEventSchema) });

/** `GET /categories`: the intake catalogue, `name` in the reader's language. */
export const CategoryListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      serviceType: Type.String(),
      name: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      handling: Type.String(),
      departmentCode: Text,
      anonymousAllowed: Type.Boolean(),
    }),
  ),
});
