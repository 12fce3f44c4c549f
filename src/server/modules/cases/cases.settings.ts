/**
 * The case core's editable policies, as definitions of the settings registry (platform/settings.ts): grading
 * rules (SPEC §4) and the SLA policy with the auto-confirm wait (§3, §5); office hours are the calendar module's.
 * Their defaults are the SPEC's and live in the rule files beside the functions that apply them; migration 0015
 * writes them as rows. To change, say, the red accept deadline of every new district, edit DEFAULT_SLA_POLICY in
 * sla-policy.rules.ts;
 * to change it for a running district, an admin PUTs /api/v1/config/sla-policy.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { readSetting, type SettingDefinition } from '../../platform/settings.js';
import { workCalendar, type WorkCalendar } from '../calendar/index.js';
import { Type } from 'typebox';
import { DEFAULT_SLA_POLICY, SlaPolicySchema, validateSlaPolicy, type SlaPolicy } from './sla-policy.rules.js';
import { DEFAULT_GRADING_RULES, KNOWN_FLAGS, URGENCIES, validateGradingRules, type GradingRules } from './grading.rules.js';

const oneOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Threshold = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const LevelRuleSchema = Type.Object(
  { urgencies: Type.Array(oneOf(URGENCIES)), minPeople: Threshold, minAmount: Threshold, flags: Type.Array(oneOf(KNOWN_FLAGS)) },
  { additionalProperties: false },
);
const GradingRulesSchema = Type.Object({ red: LevelRuleSchema, yellow: LevelRuleSchema }, { additionalProperties: false });

export const GRADING_RULES: SettingDefinition<GradingRules> = {
  key: 'grading_rules',
  path: 'grading-rules',
  schema: GradingRulesSchema,
  defaults: DEFAULT_GRADING_RULES,
  check: (value) => {
    const r = validateGradingRules(value);
    return r.ok ? { ok: true, value: r.rules } : r;
  },
};

export const SLA_POLICY: SettingDefinition<SlaPolicy> = {
  key: 'sla_policy',
  path: 'sla-policy',
  schema: SlaPolicySchema,
  defaults: DEFAULT_SLA_POLICY,
  check: (value) => {
    const r = validateSlaPolicy(value);
    return r.ok ? { ok: true, value: r.policy } : r;
  },
  // Policies stored before the auto-confirm wait became policy (it was a constant of 3 days).
  upgrade: (stored) => ({ ...stored, autoConfirmDays: stored.autoConfirmDays ?? DEFAULT_SLA_POLICY.autoConfirmDays }),
};

/** The SLA policy and the calendar it runs on, as every deadline computation needs them. */
export async function slaContext(db: Kysely<DB>): Promise<{ policy: SlaPolicy; calendar: WorkCalendar }> {
  const [policy, calendar] = await Promise.all([readSetting(db, SLA_POLICY), workCalendar(db)]);
  return { policy, calendar };
}
