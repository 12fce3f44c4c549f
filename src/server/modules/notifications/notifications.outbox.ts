/**
 * The outbox topics this module owns: `notify` (in-app inbox), `sms` and
 * `webhook`. Producers call the helpers below inside their transaction; the
 * outbox sweeper calls the deliverers after commit.
 */
import type { Kysely } from 'kysely';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { PermanentJobError } from '../../platform/jobs.js';
import { enqueue, externalDeliverer, type Deliverer, type Deliverers } from '../../platform/outbox.js';
import * as repo from './notifications.repo.js';
import { NotifyPayload, SmsPayload, WebhookPayload } from './notifications.schemas.js';
import { maskPhone, smsGateway } from './sms.js';

export const TOPIC_NOTIFY = 'notify';
export const TOPIC_SMS = 'sms';
export const TOPIC_WEBHOOK = 'webhook';

/** How long a webhook receiver gets before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

function describeErrors(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)]
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

/** Checks a payload against its topic schema; a producer bug surfaces at the call site, not at delivery. */
function checked<S extends TSchema>(schema: S, topic: string, value: unknown): Static<S> {
  if (!Value.Check(schema, value)) throw new Error(`invalid ${topic} payload: ${describeErrors(schema, value)}`);
  return value as Static<S>;
}

/** Parses a stored payload; one that does not match cannot succeed later, so it fails permanently. */
function parsed<S extends TSchema>(schema: S, topic: string, value: unknown): Static<S> {
  if (!Value.Check(schema, value)) throw new PermanentJobError(`invalid ${topic} payload: ${describeErrors(schema, value)}`);
  return value as Static<S>;
}

/** Queues in-app notifications (delivered after commit, once per recipient). Returns the outbox id. */
export function notify(trx: Kysely<DB>, payload: NotifyPayload, now: Date): Promise<number> {
  return enqueue(trx, TOPIC_NOTIFY, checked(NotifyPayload, TOPIC_NOTIFY, payload), now);
}

/** Queues a text message (e.g. a one-time code). Returns the outbox id. */
export function sendSms(trx: Kysely<DB>, payload: SmsPayload, now: Date): Promise<number> {
  return enqueue(trx, TOPIC_SMS, checked(SmsPayload, TOPIC_SMS, payload), now);
}

/** Queues a webhook post when FENGQIAO_WEBHOOK_URL is configured; returns the outbox id, or null when it is not. */
export async function postWebhook(trx: Kysely<DB>, ctx: Pick<AppContext, 'config'>, payload: WebhookPayload, now: Date): Promise<number | null> {
  if (!ctx.config.webhookUrl) return null;
  return enqueue(trx, TOPIC_WEBHOOK, checked(WebhookPayload, TOPIC_WEBHOOK, payload), now);
}

function split(text: string | { 'zh-CN': string; en: string } | undefined): { zh: string; en: string | null } {
  if (text === undefined) return { zh: '', en: null };
  if (typeof text === 'string') return { zh: text, en: null };
  return { zh: text['zh-CN'], en: text.en };
}

/**
 * `notify`: resolves the recipients and inserts their notifications in the
 * delivery transaction, so they commit with the row's "delivered" mark; the
 * (user_id, source_id) key makes a redelivery a no-op. Each recipient gets a
 * `notification` realtime event after commit (their inbox badge).
 */
export const deliverNotify: Deliverer = async (trx, ctx, row, afterCommit) => {
  const p = parsed(NotifyPayload, TOPIC_NOTIFY, row.payload);
  const userIds = await repo.resolveRecipients(trx, p.recipients);
  if (userIds.length === 0) {
    ctx.log.warn({ outboxId: row.id, kind: p.kind, recipients: p.recipients }, 'notification has no recipients');
    return;
  }
  const title = split(p.title);
  const body = split(p.body);
  const inserted = await repo.insertForUsers(trx, userIds, {
    kind: p.kind,
    title: title.zh,
    titleEn: title.en,
    body: body.zh,
    bodyEn: body.en,
    caseId: p.caseId ?? null,
    data: p.data ?? {},
    sourceId: row.id,
    createdAt: row.created_at,
  });
  if (inserted.length === 0) return;
  // One callback publishing every recipient's event at once (not one awaited
  // callback each): the realtime bus coalesces events published together into
  // one NOTIFY query, and the sweeper starts the callbacks of a whole batch together.
  afterCommit(async () => {
    await Promise.all(
      inserted.map((n) =>
        ctx.realtime.publish({
          name: 'notification',
          userId: n.user_id,
          ...(p.caseId ? { caseId: p.caseId } : {}),
          data: { id: n.id, kind: p.kind },
        }),
      ),
    );
  });
};

/**
 * `sms`: sends through the configured `SmsSender`; at-least-once (a crash after
 * sending resends). External, so delivered one row per transaction.
 */
export const deliverSms: Deliverer = externalDeliverer(async (_trx, ctx, row) => {
  const p = parsed(SmsPayload, TOPIC_SMS, row.payload);
  await smsGateway.senderFor(ctx).send(p.phone, p.text);
  ctx.log.debug({ outboxId: row.id, phone: maskPhone(p.phone) }, 'SMS handed to the sender');
});

/**
 * `webhook`: posts `{ id, event, occurredAt, data }` as JSON with a timeout.
 * At-least-once, so the row id travels as `Idempotency-Key` for the receiver
 * to drop repeats. 4xx other than 408/429 will not improve with retries and
 * fails permanently; other failures back off and retry. External, so
 * delivered one row per transaction (a slow receiver holds only its own row).
 */
export const deliverWebhook: Deliverer = externalDeliverer(async (_trx, ctx, row) => {
  const p = parsed(WebhookPayload, TOPIC_WEBHOOK, row.payload);
  const url = ctx.config.webhookUrl;
  if (!url) {
    ctx.log.debug({ outboxId: row.id }, 'webhook not configured; dropping message');
    return;
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `fengqiao-outbox-${row.id}` },
    body: JSON.stringify({ id: row.id, event: p.event, occurredAt: row.created_at.toISOString(), data: p.data }),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  // Drain the body so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const message = `webhook responded ${response.status}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new PermanentJobError(message);
  }
  throw new Error(message);
});

/** The deliverers of this module's topics, for the outbox sweeper. */
export const notificationDeliverers: Deliverers = {
  [TOPIC_NOTIFY]: deliverNotify,
  [TOPIC_SMS]: deliverSms,
  [TOPIC_WEBHOOK]: deliverWebhook,
};
