import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting, writeSetting } from '../../platform/settings.js';
import { SETTINGS } from './config.registry.js';

/**
 * Every setting of the registry at `/config/{path}`: read by any staff member (the rules explain the deadlines and
 * grades they work with), written by whoever holds config:write at the district root, checked on write.
 */
export const configModule: ApiModule = async (api, ctx) => {
  for (const definition of SETTINGS) {
    api.get(`/config/${definition.path}`, { schema: { tags: ['config'] } }, async (req) => {
      requireSomewhere(requireActor(req), 'case:read');
      return readSetting(ctx.db, definition);
    });
    api.put(
      `/config/${definition.path}`,
      { schema: { tags: ['config'], body: Type.Object({}, { additionalProperties: true }) } },
      async (req) => writeSetting(ctx, requireActor(req), definition, req.body),
    );
  }
};
