import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting, writeSetting } from '../../platform/settings.js';
import { SETTINGS } from './config.registry.js';

/**
 * Every setting of the registry at `/config/{path}`: read by any staff member (the rules explain the deadlines and
 * grades they work with), written by whoever holds config:write at the district root, checked on write. Each
 * answer has the definition's schema (platform/settings.ts).
 */
export const configModule: ApiModule = async (api, ctx) => {
  for (const definition of SETTINGS) {
    api.get(`/config/${definition.path}`, { schema: { tags: ['config'], response: { 200: definition.schema } } }, async (req) => {
      requireSomewhere(requireActor(req), 'case:read');
      return readSetting(ctx.db, definition);
    });
    api.put(
      `/config/${definition.path}`,
      // The body is checked by the definition's rule check (localised reasons with paths), not by the schema.
      { schema: { tags: ['config'], body: Type.Object({}, { additionalProperties: true }), response: { 200: definition.schema } } },
      async (req) => writeSetting(ctx, requireActor(req), definition, req.body),
    );
  }
};
