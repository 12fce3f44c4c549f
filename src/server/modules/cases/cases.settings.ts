/**
 * The case core's editable policies, as definitions of the settings registry (platform/settings.ts): grading
 * rules (SPEC §4), the SLA policy with the auto-confirm wait (§3, §5) and office hours (§5). Their defaults are
 * the SPEC's and live in the rule files beside the functions that apply them; migration 0015 writes them as rows.
 * To change, say, the red accept deadline of every new district, edit DEFAULT_SLA_POLICY in deadlines.rules.ts;
 * to change it for a running district, an admin PUTs /api/v1/config/sla-policy.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { COMMON_REASONS, l } from '../../platform/messages.js';
import { readSetting, type SettingCheck, type SettingDefinition } from '../../platform/settings.js';
import {
  DEFAULT_OFFICE_HOURS, DEFAULT_SAME_DAY_CUTOFF, DEFAULT_SLA_POLICY, createWorkCalendar, validateSlaPolicy,
  type OfficePeriod, type SlaPolicy, type WorkCalendar,
} from './deadlines.rules.js';
import { DEFAULT_GRADING_RULES, validateGradingRules, type GradingRules, type ValidationIssue } from './grading.rules.js';

export interface OfficeHours {
  periods: OfficePeriod[];
  sameDayCutoff: string;
}

export const GRADING_RULES: SettingDefinition<GradingRules> = {
  key: 'grading_rules',
  path: 'grading-rules',
  defaults: DEFAULT_GRADING_RULES,
  check: (value) => {
    const r = validateGradingRules(value);
    return r.ok ? { ok: true, value: r.rules } : r;
  },
};

export const SLA_POLICY: SettingDefinition<SlaPolicy> = {
  key: 'sla_policy',
  path: 'sla-policy',
  defaults: DEFAULT_SLA_POLICY,
  check: (value) => {
    const r = validateSlaPolicy(value);
    return r.ok ? { ok: true, value: r.policy } : r;
  },
  // Policies stored before the auto-confirm wait became policy (it was a constant of 3 days).
  upgrade: (stored) => ({ ...stored, autoConfirmDays: stored.autoConfirmDays ?? DEFAULT_SLA_POLICY.autoConfirmDays }),
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Office periods in order and without overlap, and the cut-off after which "same day" means the next day. */
function checkOfficeHours(v: unknown): SettingCheck<OfficeHours> {
  const issues: ValidationIssue[] = [];
  const value = v as Partial<OfficeHours> | null;
  if (!value || typeof value !== 'object') return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
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
  return issues.length ? { ok: false, issues } : { ok: true, value: value as OfficeHours };
}

export const OFFICE_HOURS: SettingDefinition<OfficeHours> = {
  key: 'office_hours',
  path: 'office-hours',
  defaults: { periods: [...DEFAULT_OFFICE_HOURS], sameDayCutoff: DEFAULT_SAME_DAY_CUTOFF },
  check: checkOfficeHours,
};

/** The working calendar of configured office hours: official holidays (chinese-days) plus these periods. */
export function calendarOf(hours: OfficeHours): WorkCalendar {
  return createWorkCalendar({ officeHours: hours.periods, sameDayCutoff: hours.sameDayCutoff });
}

/** The working calendar with the district's current office hours. */
export async function workCalendar(db: Kysely<DB>): Promise<WorkCalendar> {
  return calendarOf(await readSetting(db, OFFICE_HOURS));
}

/** The SLA policy and the calendar it runs on, as every deadline computation needs them. */
export async function slaContext(db: Kysely<DB>): Promise<{ policy: SlaPolicy; calendar: WorkCalendar }> {
  const [policy, calendar] = await Promise.all([readSetting(db, SLA_POLICY), workCalendar(db)]);
  return { policy, calendar };
}
