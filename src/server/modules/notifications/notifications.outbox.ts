/**
 * The outbox topics this module owns: `notify` (in-app inbox), `sms` and
 * `webhook`. Producers call the helpers below inside their transaction; the
 * outbox sweeper calls the deliverers after commit.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { PermanentJobError } from '../../platform/jobs.js';
import type { RealtimeEvent } from '../../platform/realtime.js';
import { batchDeliverer, externalDeliverer, type Deliverer, type Deliverers } from '../../platform/outbox.js';
import { defineTopic, deliverersOf, enqueueTopic, outboxTopic, type OutboxTopicDefinition } from '../../platform/background.js';
import * as repo from './notifications.repo.js';
import { NotifyPayload, SmsPayload, WebhookPayload } from './notifications.schemas.js';
import { maskPhone, smsGateway } from './sms.js';

/** The outbox topics of this module: a name and the schema every payload is checked against, on enqueue and on delivery. */
export const NOTIFY_TOPIC = outboxTopic('notify', NotifyPayload);
export const SMS_TOPIC = outboxTopic('sms', SmsPayload);
export const WEBHOOK_TOPIC = outboxTopic('webhook', WebhookPayload);
export const TOPIC_NOTIFY = NOTIFY_TOPIC.name;
export const TOPIC_SMS = SMS_TOPIC.name;
export const TOPIC_WEBHOOK = WEBHOOK_TOPIC.name;

/** How long a webhook receiver gets before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Queues in-app notifications (delivered after commit, once per recipient). Returns the outbox id. */
export function notify(trx: Kysely<DB>, payload: NotifyPayload, now: Date): Promise<number> {
  return enqueueTopic(trx, NOTIFY_TOPIC, payload, now);
}

/** Queues a text message (e.g. a one-time code). Returns the outbox id. */
export function sendSms(trx: Kysely<DB>, payload: SmsPayload, now: Date): Promise<number> {
  return enqueueTopic(trx, SMS_TOPIC, payload, now);
}

/** Queues a webhook post when FENGQIAO_WEBHOOK_URL is configured; returns the outbox id, or null when it is not. */
export async function postWebhook(trx: Kysely<DB>, ctx: Pick<AppContext, 'config'>, payload: WebhookPayload, now: Date): Promise<number | null> {
  if (!ctx.config.webhookUrl) return null;
  return enqueueTopic(trx, WEBHOOK_TOPIC, payload, now);
}

function split(text: string | { 'zh-CN': string; en: string } | undefined): { zh: string; en: string | null } {
  if (text === undefined) return { zh: '', en: null };
  if (typeof text === 'string') return { zh: text, en: null };
  return { zh: text['zh-CN'], en: text.en };
}

/**
 * `notify`: resolves the recipients and inserts their notifications in the
 * delivery transaction, so they commit with the rows' "delivered" mark; the
 * (user_id, source_id) key makes a redelivery a no-op. Each recipient gets a
 * `notification` realtime event after commit (their inbox badge).
 *
 * A batch of rows costs two statements whatever its size: one query resolves
 * the recipients of every row (rows mostly share a handful of specs) and one
 * INSERT writes every notification. A row whose payload is invalid fails the
 * registry's check (PermanentJobError), so the sweeper falls back to one row
 * at a time and only that row fails. The single-row deliverer is this applied to one row.
 */
export const deliverNotify: Deliverer = batchDeliverer(async (trx, ctx, rows, afterCommit) => {
  // Payloads were checked against NOTIFY_TOPIC's schema by the registry before delivery.
  const messages = rows.map((row) => ({ row, p: row.payload as NotifyPayload }));
  const recipients = await repo.resolveRecipientsMany(trx, messages.map((m) => m.p.recipients));
  const toInsert = [];
  for (const [i, { row, p }] of messages.entries()) {
    if (recipients[i].length === 0) {
      // After commit: a batch attempt that is rolled back and retried row by row must not warn twice.
      afterCommit(() => ctx.log.warn({ outboxId: row.id, kind: p.kind, recipients: p.recipients }, 'notification has no recipients'));
      continue;
    }
    const title = split(p.title);
    const body = split(p.body);
    toInsert.push({
      userIds: recipients[i],
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
  }
  const inserted = await repo.insertForUsers(trx, toInsert);
  if (inserted.length === 0) return;
  const payloadOf = new Map(messages.map((m) => [m.row.id, m.p]));
  const events = inserted.map((n): RealtimeEvent => {
    const p = payloadOf.get(n.source_id);
    if (p === undefined) throw new Error(`notification ${n.id} inserted for outbox row ${n.source_id}, not in this batch`);
    return { name: 'notification', userId: n.user_id, ...(p.caseId ? { caseId: p.caseId } : {}), data: { id: n.id, kind: p.kind } };
  });
  // One callback for the whole batch publishing every event at once (not one
  // awaited callback each): the realtime bus coalesces events published
  // together into one NOTIFY query.
  afterCommit(async () => {
    await Promise.all(events.map((event) => ctx.realtime.publish(event)));
  });
});

/**
 * `sms`: sends through the configured `SmsSender`; at-least-once (a crash after
 * sending resends). External, so delivered one row per transaction.
 */
export const deliverSms: Deliverer = externalDeliverer(async (_trx, ctx, row) => {
  const p = row.payload as SmsPayload;
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
  const p = row.payload as WebhookPayload;
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

/** This module's outbox topics with their deliverers, for the app's one registry. */
export const notificationTopics: readonly OutboxTopicDefinition[] = [
  defineTopic(NOTIFY_TOPIC, deliverNotify),
  defineTopic(SMS_TOPIC, deliverSms),
  defineTopic(WEBHOOK_TOPIC, deliverWebhook),
];

/** The same topics as the outbox sweeper sees them (payload checks included), for a sweeper of these topics alone. */
export const notificationDeliverers: Deliverers = deliverersOf(notificationTopics);
