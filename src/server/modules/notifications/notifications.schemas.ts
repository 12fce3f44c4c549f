import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

/** A text in both UI languages. */
export const LocalizedText = (maxLength: number) =>
  Type.Object({ 'zh-CN': Type.String({ maxLength }), en: Type.String({ maxLength }) }, { additionalProperties: false });

/**
 * Payload of the `notify` outbox topic. Recipients are the union of
 * `userIds` and the users holding one of `roles` at one of `orgIds` (exact
 * units, not subtrees); `roles` alone means those roles anywhere, `orgIds`
 * alone means every role at those units. Inactive users are skipped.
 */
export const NotifyPayload = Type.Object(
  {
    recipients: Type.Object(
      {
        userIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
        orgIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
        roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
      },
      { additionalProperties: false },
    ),
    kind: Type.String({ minLength: 1, maxLength: 64 }),
    title: Type.Union([Type.String({ minLength: 1, maxLength: 300 }), LocalizedText(300)]),
    body: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), LocalizedText(4000)])),
    caseId: Type.Optional(Uuid),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type NotifyPayload = Static<typeof NotifyPayload>;

/** Payload of the `sms` outbox topic. */
export const SmsPayload = Type.Object(
  {
    phone: Type.String({ pattern: '^\\+?[0-9]{5,20}$' }),
    text: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type SmsPayload = Static<typeof SmsPayload>;

/** Payload of the `webhook` outbox topic; posted as `{ id, event, occurredAt, data }`. */
export const WebhookPayload = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 100 }),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type WebhookPayload = Static<typeof WebhookPayload>;

export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  /** In the reader's language (Accept-Language), zh-CN by default. */
  title: Type.String(),
  body: Type.String(),
  caseId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
});
export type NotificationView = Static<typeof NotificationSchema>;

export const NotificationListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const NotificationListResponse = Type.Object({
  items: Type.Array(NotificationSchema),
  total: Type.Integer(),
  /** Unread notifications of the caller overall (the badge), whatever the filter. */
  unread: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

/** A bigserial id; bounded so a longer number is a 400, not a bigint overflow in SQL (and JS numbers stop being exact beyond). */
export const NotificationIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

export const ReadAllResponse = Type.Object({ updated: Type.Integer() });
