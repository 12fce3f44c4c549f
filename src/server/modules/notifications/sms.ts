/**
 * Text messages go through an `SmsSender` adapter, so a real gateway can be
 * plugged in without touching the outbox or the callers. The development
 * sender writes the message to the log: that is how a developer sees a
 * citizen's one-time code without a gateway.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../../platform/context.js';

/** Sends one text message. Throwing makes the outbox retry later (at-least-once). */
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

/** `138****5678`: enough to tell messages apart in logs without exposing the number. */
export function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/**
 * The development sender: logs the full message. In production it refuses
 * (and the outbox keeps retrying, then keeps the row as a dead letter), because
 * logging one-time codes there would leak them and pretending to have sent a
 * message would hide a missing gateway.
 */
export function createLogSmsSender(log: FastifyBaseLogger, production: boolean): SmsSender {
  return {
    async send(phone, text) {
      if (production) {
        throw new Error(`no SMS gateway is configured; message to ${maskPhone(phone)} not sent`);
      }
      log.info({ phone, text }, `SMS (development, not sent) to ${phone}: ${text}`);
    },
  };
}

/**
 * The sender used by the `sms` topic, chosen per delivery from the context.
 * A production gateway adapter replaces `senderFor` at start-up; tests may too.
 */
export const smsGateway: { senderFor: (ctx: AppContext) => SmsSender } = {
  senderFor: (ctx) => createLogSmsSender(ctx.log, ctx.config.nodeEnv === 'production'),
};
