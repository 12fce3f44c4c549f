import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting, writeSetting } from '../../platform/settings.js';
import { SETTINGS } from './config.registry.js';

/**
 * The value of a setting, passed through as stored. Its shape is the owning module's TypeScript type, checked by
 * the definition's rule check, not a TypeBox schema; a schema restated here would not be held to that type (an
 * added field is no type error) and the serializer would silently drop whatever it does not list. A precise schema
 * belongs on the setting definition, which would then check the PUT body too.
 */
const SettingValue = Type.Unknown({ description: 'The setting value (shape per setting; checked by its rule check on write)' });

/**
 * Every setting of the registry at `/config/{path}`: read by any staff member (the rules explain the deadlines and
 * grades they work with), written by whoever holds config:write at the district root, checked on write.
 */
export const configModule: ApiModule = async (api, ctx) => {
  for (const definition of SETTINGS) {
    api.get(`/config/${definition.path}`, { schema: { tags: ['config'], response: { 200: SettingValue } } }, async (req) => {
      requireSomewhere(requireActor(req), 'case:read');
      return readSetting(ctx.db, definition);
    });
    api.put(
      `/config/${definition.path}`,
      { schema: { tags: ['config'], body: Type.Object({}, { additionalProperties: true }), response: { 200: SettingValue } } },
      async (req) => writeSetting(ctx, requireActor(req), definition, req.body),
    );
  }
};
