/**
 * Building QR codes (SPEC §2, §9): `GET /api/v1/qr/posters` streams A4 posters
 * as one PDF, `GET /api/v1/public/buildings/:code` tells the portal which
 * building a scan set, and `GET /q/:code` (outside /api, installed by
 * `installQrRedirect`) is the stable URL printed on every building.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule, AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { requireSomewhere } from '../../platform/scope.js';
import { FontMissingError, findCjkFont, renderPosters } from './qr.posters.js';
import * as repo from './qr.repo.js';
import { BUILDING_CODE_PATTERN, portalUrl, unknownBuildingPage } from './qr.rules.js';
import * as service from './qr.service.js';

const tags = ['qr'];
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const PosterQuery = Type.Object(
  { communityId: Type.Optional(Type.String({ format: 'uuid' })), buildingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);

export const qrModule: ApiModule = async (api, ctx) => {
  api.get(
    '/qr/posters',
    {
      schema: {
        tags, querystring: PosterQuery,
        summary: 'A4 QR posters (PDF) for one building or a whole community',
        description: 'One page per building: the QR code of `<FENGQIAO_PUBLIC_URL>/q/<code>`, the address and how to use it. Needs org:read over the community.',
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      requireSomewhere(actor, 'org:read');
      const selection = await service.posterSelection(ctx, actor, req.query);
      try {
        findCjkFont();
      } catch (err) {
        if (err instanceof FontMissingError) {
          req.log.error(err.message);
          throw new AppError('SERVICE_UNAVAILABLE', {}, { reason: err.message });
        }
        throw err;
      }
      const doc = renderPosters(selection.buildings, { publicUrl: ctx.config.publicUrl });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="qr-posters-${selection.title.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`)
        .header('cache-control', 'no-store')
        .send(doc);
    },
  );

  api.get(
    '/public/buildings/:code',
    {
      schema: { tags: ['public'], security: [], params: CodeParams, summary: 'The building a QR code names (address and community)' },
      config: { rateLimit: { max: ctx.config.publicRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (req) => service.publicBuilding(ctx, req.params.code),
  );
};

/** `GET /q/:code` → 302 to the portal with the building set; an unknown code gets a friendly page (404). */
export async function installQrRedirect(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rateLimit = { max: ctx.config.publicRateLimitPerMinute, timeWindow: '1 minute' };
  app.get('/q/:code', { schema: { hide: true }, config: { rateLimit } }, async (req, reply) => {
    const { code } = req.params as { code: string };
    const found = BUILDING_CODE_PATTERN.test(code) ? await repo.findActiveBuilding(ctx.db, code) : undefined;
    if (!found) return reply.status(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(unknownBuildingPage(code));
    // Not cached: a building may be retired or moved to another community later.
    return reply.header('cache-control', 'no-store').redirect(portalUrl(found.code), 302);
  });
}
