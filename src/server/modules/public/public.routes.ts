/**
 * The resident-facing API (SPEC §9, §13): `/public/...`, no staff account.
 * Every route is rate-limited per IP (FENGQIAO_PUBLIC_RATE_LIMIT a minute);
 * the one-time code and the look-ups have their own, stricter throttles whose
 * 429 names the time to retry and sets `Retry-After`.
 */
import type { FastifyReply } from 'fastify';
import type { ApiModule } from '../../platform/context.js';
import { isAppError } from '../../platform/errors.js';
import { pickLocale } from '../../platform/messages.js';
import * as otp from './otp.service.js';
import * as service from './public.service.js';
import {
  ConfirmBody, IdempotencyHeaders, InfoBody, MyCasesSchema, OtpBody, OtpSentSchema, OtpVerifiedSchema, OtpVerifyBody, PublicCaseBody, PublicCaseCreated,
  PublicCaseSchema, RateBody, TrackQuery, TrackingParams, VerificationHeaders,
} from './public.schemas.js';

const tags = ['public'];

/** Copies a throttle's wait into `Retry-After` before the error handler answers. */
async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isAppError(err) && typeof err.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(err.extra.retryAfterSeconds));
    throw err;
  }
}

export const publicModule: ApiModule = async (api, ctx) => {
  const rateLimit = { max: ctx.config.publicRateLimitPerMinute, timeWindow: '1 minute' };
  const config = { rateLimit };
  const locale = (headers: { 'accept-language'?: string }) => pickLocale(headers['accept-language']);

  api.post(
    '/public/otp',
    {
      schema: {
        tags, security: [], body: OtpBody, response: { 202: OtpSentSchema },
        summary: 'Send a one-time code by text message',
        description:
          'Sends a 6-digit code (valid 5 minutes) to a mainland mobile number. At most one code a minute and five an hour per phone, ' +
          'and a bounded number per IP; beyond that 429 names the time to retry. The answer is the same whether or not the phone has cases. ' +
          'In development the code appears in the server log instead of being sent.',
      },
      config,
    },
    async (req, reply) => {
      const sent = await withRetryAfter(reply, () => otp.requestCode(ctx, req.body.phone, req.ip));
      return reply.status(202).send({ sent: true, ...sent });
    },
  );

  api.post(
    '/public/otp/verify',
    {
      schema: {
        tags, security: [], body: OtpVerifyBody, response: { 200: OtpVerifiedSchema },
        summary: 'Check a one-time code; returns a verification token',
        description:
          'At most 5 attempts per code. The `verificationToken` proves the phone for 30 minutes and may be reused in that time: ' +
          'several submissions, `X-Verification-Token` for "my requests", tracking and uploads.',
      },
      config,
    },
    async (req) => {
      const v = await otp.verifyCode(ctx, req.body.phone, req.body.code);
      return { verificationToken: v.verificationToken, expiresAt: v.expiresAt.toISOString() };
    },
  );

  api.post(
    '/public/cases',
    {
      schema: {
        tags, security: [], body: PublicCaseBody, headers: IdempotencyHeaders, response: { 200: PublicCaseCreated, 201: PublicCaseCreated },
        summary: 'Submit a case as a resident',
        description:
          'Needs a `verificationToken` (its phone becomes the reporter phone) unless `anonymous: true` in a category that allows it. ' +
          'A retried `Idempotency-Key` returns 200 with the same tracking number and a fresh access code (the earlier code stops working).',
      },
      config,
    },
    async (req, reply) => {
      const result = await service.submitCase(ctx, req.body, req.headers['idempotency-key'], req.ip);
      const r = result.row;
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(result.replayed ? 200 : 201).send({
        trackingNo: r.tracking_no,
        accessCode: result.accessCode,
        status: r.status,
        riskLevel: r.risk_level,
        deadlines: { respondBy: r.respond_by?.toISOString() ?? null, acceptBy: r.accept_by?.toISOString() ?? null, resolveBy: r.resolve_by?.toISOString() ?? null },
        createdAt: r.created_at.toISOString(),
      });
    },
  );

  api.get(
    '/public/cases/:trackingNo',
    {
      schema: {
        tags, security: [], params: TrackingParams, querystring: TrackQuery, headers: VerificationHeaders, response: { 200: PublicCaseSchema },
        summary: 'Follow a case with its access code (or the reporter\'s verification token)',
        description: 'A wrong code and an unknown number give the same 404; 10 failures in 10 minutes from one IP give 429.',
      },
      config,
    },
    async (req, reply) => {
      const row = await withRetryAfter(reply, () =>
        service.openCase(ctx, req.params.trackingNo, { accessCode: req.query.accessCode, verificationToken: req.headers['x-verification-token'], field: 'querystring.accessCode' }, req.ip),
      );
      return service.presentPublicCase(ctx, row, locale(req.headers));
    },
  );

  const credentials = (req: { body: { accessCode?: string }; headers: { 'x-verification-token'?: string } }) => ({
    accessCode: req.body.accessCode,
    verificationToken: req.headers['x-verification-token'],
    field: 'body.accessCode',
  });

  api.post(
    '/public/cases/:trackingNo/info',
    {
      schema: {
        tags, security: [], params: TrackingParams, body: InfoBody, headers: VerificationHeaders, response: { 200: PublicCaseSchema },
        summary: 'Add information to an open case',
      },
      config,
    },
    async (req, reply) => {
      const row = await withRetryAfter(reply, () => service.openCase(ctx, req.params.trackingNo, credentials(req), req.ip));
      const updated = await service.addInfo(ctx, row, { text: req.body.text, attachmentIds: req.body.attachmentIds });
      return service.presentPublicCase(ctx, updated, locale(req.headers));
    },
  );

  api.post(
    '/public/cases/:trackingNo/confirm',
    {
      schema: {
        tags, security: [], params: TrackingParams, body: ConfirmBody, headers: VerificationHeaders, response: { 200: PublicCaseSchema },
        summary: 'Confirm the result of a resolved case',
      },
      config,
    },
    async (req, reply) => {
      const row = await withRetryAfter(reply, () => service.openCase(ctx, req.params.trackingNo, credentials(req), req.ip));
      return service.presentPublicCase(ctx, await service.confirmCase(ctx, row), locale(req.headers));
    },
  );

  api.post(
    '/public/cases/:trackingNo/rate',
    {
      schema: {
        tags, security: [], params: TrackingParams, body: RateBody, headers: VerificationHeaders, response: { 200: PublicCaseSchema },
        summary: 'Rate the result (1–5)',
        description: 'On a resolved or confirmed case. 3–5 also confirms a resolved case; 1–2 (dissatisfied) reopens it for further work.',
      },
      config,
    },
    async (req, reply) => {
      const row = await withRetryAfter(reply, () => service.openCase(ctx, req.params.trackingNo, credentials(req), req.ip));
      const updated = await service.rateCase(ctx, row, { rating: req.body.rating, comment: req.body.comment });
      return service.presentPublicCase(ctx, updated, locale(req.headers));
    },
  );

  api.get(
    '/public/my-cases',
    { schema: { tags, security: [], headers: VerificationHeaders, response: { 200: MyCasesSchema }, summary: 'The verified phone\'s cases ("my requests")' }, config },
    async (req) => service.myCases(ctx, req.headers['x-verification-token'], locale(req.headers)),
  );
};
