/**
 * `POST /attachments` (multipart, one file in any field) and
 * `GET /attachments/{id}`. Staff authenticate with their bearer token,
 * residents with `X-Verification-Token` from the one-time-code check.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiModule, AppContext } from '../../platform/context.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { verifiedPhone } from '../public/index.js';
import { contentDisposition, MAX_UPLOAD_BYTES, ORPHAN_GRACE_MS, RESIDENT_DAILY_MAX_BYTES, RESIDENT_DAILY_MAX_FILES } from './attachments.rules.js';
import * as service from './attachments.service.js';

const tags = ['attachments'];
const AttachmentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const VerificationHeaders = Type.Object({ 'x-verification-token': Type.Optional(Type.String({ minLength: 16, maxLength: 200 })) });
const AttachmentCreated = Type.Object({ id: Type.String(), fileName: Type.String(), mimeType: Type.String(), size: Type.Integer() });

async function partyOf(ctx: AppContext, req: FastifyRequest): Promise<service.Party> {
  if (req.actor) return { kind: 'staff', actor: req.actor };
  const token = req.headers['x-verification-token'];
  if (typeof token === 'string' && token) return { kind: 'resident', phone: await verifiedPhone(ctx, token) };
  throw new AppError('UNAUTHENTICATED');
}

export const attachmentsModule: ApiModule = async (api, ctx) => {
  // Multipart parsing only for these routes: the rest of the API stays JSON-only.
  await api.register(async (instance) => {
    const scope = instance.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 },
      // Cut-off uploads are detected after the stream ends (`truncated`) and answered 413 there.
      throwFileSizeLimit: false,
    });

    scope.post(
      '/attachments',
      {
        schema: {
          tags, headers: VerificationHeaders, consumes: ['multipart/form-data'], response: { 201: AttachmentCreated },
          summary: 'Upload a photo, voice recording or PDF',
          description:
            'One file per request. The type is sniffed from the bytes (jpeg, png, webp, heic, mp3, m4a, amr, wav, pdf; otherwise 415); ' +
            'images and PDFs up to 10 MB, audio up to 20 MB (otherwise 413). Staff: bearer token; residents: `X-Verification-Token`, ' +
            `at most ${RESIDENT_DAILY_MAX_FILES} files and ${RESIDENT_DAILY_MAX_BYTES / (1024 * 1024)} MB per phone and day (Asia/Shanghai; otherwise 429). ` +
            `An upload not put on a case within ${ORPHAN_GRACE_MS / 3_600_000} hours is deleted.`,
        },
        config: { rateLimit: { max: ctx.config.publicRateLimitPerMinute, timeWindow: '1 minute' } },
      },
      async (req, reply) => {
        try {
          const party = await partyOf(ctx, req);
          // Before the body is read: a resident over today's allowance is refused without storing anything.
          await service.checkUploadAllowance(ctx, party);
          const part = await req.file();
          if (!part) throw AppError.invalidField('body.file', l('请附上一个文件', 'attach one file'));
          const row = await service.storeUpload(ctx, party, { stream: part.file, fileName: part.filename, truncated: () => part.file.truncated });
          return reply.status(201).send({ id: row.id, fileName: row.file_name, mimeType: row.mime_type, size: row.size_bytes });
        } catch (err) {
          // The daily allowance's 429 says when it starts again (the next Shanghai midnight).
          if (isAppError(err) && typeof err.extra.retryAfterSeconds === 'number') reply.header('retry-after', String(err.extra.retryAfterSeconds));
          throw err;
        }
      },
    );

    scope.get(
      '/attachments/:id',
      { schema: { tags, params: AttachmentParams, headers: VerificationHeaders, summary: 'Download an attachment' } },
      async (req, reply) => {
        const party = await partyOf(ctx, req);
        const { row, stream } = await service.openAttachment(ctx, party, req.params.id);
        return reply
          .header('content-type', row.mime_type)
          .header('content-length', String(row.size_bytes))
          .header('content-disposition', contentDisposition(row.file_name))
          .header('cache-control', 'private, max-age=3600')
          .send(stream);
      },
    );
  });
};
