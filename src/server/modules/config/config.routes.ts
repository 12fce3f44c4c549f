import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting, writeSetting, type SettingName } from './config.service.js';

const ROUTES: Record<string, SettingName> = {
  'grading-rules': 'gradingRules',
  'sla-policy': 'slaPolicy',
  'office-hours': 'officeHours',
};

/** Grading rules, SLA policy and office hours: read by staff, written by district admins, validated on write. */
export const configModule: ApiModule = async (api, ctx) => {
  for (const [path, name] of Object.entries(ROUTES)) {
    api.get(`/config/${path}`, { schema: { tags: ['config'] } }, async (req) => {
      requireSomewhere(requireActor(req), 'case:read');
      return readSetting(ctx.db, name);
    });
    api.put(
      `/config/${path}`,
      { schema: { tags: ['config'], body: Type.Object({}, { additionalProperties: true }) } },
      async (req) => writeSetting(ctx, requireActor(req), name, req.body),
    );
  }
};
