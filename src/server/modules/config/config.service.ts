/**
 * Editable configuration (SPEC §4, §5, ENGINEERING convention 8): grading
 * rules, SLA policy and office hours live in the `settings` table, fall back
 * to the built-in defaults, and are validated before any write. Reads are
 * cached for a few seconds because intake reads them on every case.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { appendAudit } from '../../platform/audit.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { COMMON_REASONS, l } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import { requireDistrictWide } from '../../platform/scope.js';
import { cachedRead, forget } from '../../platform/read-cache.js';
import {
  DEFAULT_OFFICE_HOURS, DEFAULT_SAME_DAY_CUTOFF, DEFAULT_SLA_POLICY, createWorkCalendar, validateSlaPolicy,
  type OfficePeriod, type SlaPolicy, type WorkCalendar,
} from '../cases/deadlines.rules.js';
import { DEFAULT_GRADING_RULES, validateGradingRules, type GradingRules, type ValidationIssue } from '../cases/grading.rules.js';

export interface OfficeHours {
  periods: OfficePeriod[];
  sameDayCutoff: string;
}

export const DEFAULT_OFFICE_HOURS_SETTING: OfficeHours = { periods: [...DEFAULT_OFFICE_HOURS], sameDayCutoff: DEFAULT_SAME_DAY_CUTOFF };

interface SettingSpec<T> {
  key: string;
  fallback: T;
  validate(value: unknown): { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const SETTINGS = {
  gradingRules: {
    key: 'grading_rules',
    fallback: DEFAULT_GRADING_RULES as GradingRules,
    validate: (v: unknown) => {
      const r = validateGradingRules(v);
      return r.ok ? { ok: true as const, value: r.rules } : r;
    },
  } satisfies SettingSpec<GradingRules>,
  slaPolicy: {
    key: 'sla_policy',
    fallback: DEFAULT_SLA_POLICY as SlaPolicy,
    validate: (v: unknown) => {
      const r = validateSlaPolicy(v);
      return r.ok ? { ok: true as const, value: r.policy } : r;
    },
  } satisfies SettingSpec<SlaPolicy>,
  officeHours: {
    key: 'office_hours',
    fallback: DEFAULT_OFFICE_HOURS_SETTING,
    validate: (v: unknown) => {
      const issues: ValidationIssue[] = [];
      const value = v as Partial<OfficeHours> | null;
      if (!value || typeof value !== 'object') return { ok: false as const, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
      if (!Array.isArray(value.periods) || value.periods.length === 0) issues.push({ path: 'periods', reason: l('至少需要一个办公时段', 'needs at least one period') });
      else {
        let previousEnd = '00:00';
        value.periods.forEach((p, i) => {
          if (!p || !HHMM.test(p.start) || !HHMM.test(p.end)) issues.push({ path: `periods.${i}`, reason: l('开始和结束时间应为 HH:MM 格式', 'start and end must be HH:MM') });
          else if (p.start >= p.end || p.start < previousEnd) issues.push({ path: `periods.${i}`, reason: l('办公时段应按先后顺序排列且不能重叠', 'periods must be ordered and not overlap') });
          else previousEnd = p.end;
        });
      }
      if (typeof value.sameDayCutoff !== 'string' || !HHMM.test(value.sameDayCutoff)) issues.push({ path: 'sameDayCutoff', reason: l('应为 HH:MM 格式', 'must be HH:MM') });
      return issues.length ? { ok: false as const, issues } : { ok: true as const, value: value as OfficeHours };
    },
  } satisfies SettingSpec<OfficeHours>,
};

export type SettingName = keyof typeof SETTINGS;
type SettingValue<N extends SettingName> = (typeof SETTINGS)[N]['fallback'];

const CACHE_MS = 5000;
const CACHE_NS = 'settings';

export function readSetting<N extends SettingName>(db: Kysely<DB>, name: N): Promise<SettingValue<N>> {
  const spec = SETTINGS[name];
  return cachedRead(db, CACHE_NS, spec.key, CACHE_MS, async () => {
    const row = await db.selectFrom('settings').select('value').where('key', '=', spec.key).executeTakeFirst();
    return (row?.value ?? spec.fallback) as SettingValue<N>;
  });
}

/** Validates and stores a setting; 400 lists every problem with its path. */
export async function writeSetting<N extends SettingName>(ctx: AppContext, actor: Actor, name: N, value: unknown): Promise<SettingValue<N>> {
  requireDistrictWide(actor, 'config:write');
  const spec = SETTINGS[name];
  const checked = spec.validate(value);
  if (!checked.ok) {
    throw AppError.brokenRules(checked.issues);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: spec.key, value: JSON.stringify(checked.value), updated_at: ctx.clock.now(), updated_by: actor.id })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(checked.value), updated_at: ctx.clock.now(), updated_by: actor.id }))
      .execute();
    await appendAudit(trx, ctx.clock, { action: 'config.update', actor, targetType: 'setting', targetId: spec.key, data: { value: checked.value } });
  });
  forget(ctx.db, CACHE_NS, spec.key);
  return checked.value as SettingValue<N>;
}

/** The working calendar: official holidays (chinese-days) plus the configured office hours. */
export async function workCalendar(db: Kysely<DB>): Promise<WorkCalendar> {
  const hours = await readSetting(db, 'officeHours');
  return createWorkCalendar({ officeHours: hours.periods, sameDayCutoff: hours.sameDayCutoff });
}
