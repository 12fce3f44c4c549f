/**
 * The SLA policy (SPEC §5): which deadline each risk level and channel gets, as data an admin edits.
 * Pure: the schema, the SPEC defaults, the lookup of a case's targets and the write-time rule check.
 * Computing a deadline from a rule is `clocks.rules.ts`; working time is the calendar module's.
 */
import { Type, type Static } from 'typebox';
import { COMMON_REASONS, l } from '../../platform/messages.js';
import type { RiskLevel, ValidationIssue } from './grading.rules.js';


/** Defaults are shared module state: freeze them all the way down so no caller can edit them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export const SLA_CLOCKS = ['respond', 'accept', 'resolve'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/** Intake channels (SPEC §1) that may carry an SLA override. */
export const SLA_CHANNELS = ['walk_in', 'hotline', 'online', 'qr', 'grid', 'secretary', 'open311', 'api'] as const;
export type SlaChannel = (typeof SLA_CHANNELS)[number];

const MAX_MINUTES = 365 * 24 * 60;
const MAX_DAYS = 365;
/** The longest wait for a resident's objection an admin may set. */
export const MAX_AUTO_CONFIRM_DAYS = 30;

const ClockKindSchema = Type.Union([Type.Literal('calendar'), Type.Literal('working')]);
export type ClockKind = Static<typeof ClockKindSchema>;

/** One deadline rule; data, so an admin can edit it and it can be stored as JSON. */
export const DeadlineSpecSchema = Type.Union([
  Type.Object({ kind: Type.Literal('minutes'), minutes: Type.Integer({ minimum: 1, maximum: MAX_MINUTES }), clock: ClockKindSchema }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('working_days'), days: Type.Integer({ minimum: 1, maximum: MAX_DAYS }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('same_day') }, { additionalProperties: false }),
]);
export type DeadlineSpec = Static<typeof DeadlineSpecSchema>;

const SlaTargetsSchema = Type.Object(
  { respond: DeadlineSpecSchema, accept: DeadlineSpecSchema, resolve: DeadlineSpecSchema },
  { additionalProperties: false },
);
export type SlaTargets = Static<typeof SlaTargetsSchema>;
const PartialTargetsSchema = Type.Partial(SlaTargetsSchema, { additionalProperties: false });

/**
 * Targets per risk level, plus per-channel overrides. An override replaces the level's target
 * for the clocks it names, whatever the level (书记在线 promises 10/30 min and same day to everyone).
 * `autoConfirmDays`: days a resolved case waits for the resident's objection before it confirms itself (SPEC §3).
 */
export const SlaPolicySchema = Type.Object(
  {
    levels: Type.Object({ red: SlaTargetsSchema, yellow: SlaTargetsSchema, blue: SlaTargetsSchema }, { additionalProperties: false }),
    channels: Type.Partial(Type.Object(Object.fromEntries(SLA_CHANNELS.map((c) => [c, PartialTargetsSchema])) as Record<SlaChannel, typeof PartialTargetsSchema>), {
      additionalProperties: false,
    }),
    autoConfirmDays: Type.Integer({ minimum: 1, maximum: MAX_AUTO_CONFIRM_DAYS }),
  },
  { additionalProperties: false },
);
export type SlaPolicy = Static<typeof SlaPolicySchema>;

/** 书记在线: notify in 10 min, handle in 30 min, basically complete the same day. */
export const SECRETARY_SLA: Readonly<SlaTargets> = Object.freeze({
  respond: { kind: 'minutes', minutes: 10, clock: 'calendar' },
  accept: { kind: 'minutes', minutes: 30, clock: 'calendar' },
  resolve: { kind: 'same_day' },
});

/** A case escalated as major/difficult (重大疑难) gets 3 working days from the escalation. */
export const MAJOR_ESCALATION_RESOLVE: Readonly<DeadlineSpec> = Object.freeze({ kind: 'working_days', days: 3 });

/** SPEC §5 defaults. Red and yellow run around the clock; blue runs in working time. */
export const DEFAULT_SLA_POLICY: Readonly<SlaPolicy> = deepFreeze({
  levels: {
    red: {
      respond: { kind: 'minutes', minutes: 10, clock: 'calendar' },
      accept: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      resolve: { kind: 'same_day' },
    },
    yellow: {
      respond: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      accept: { kind: 'minutes', minutes: 120, clock: 'calendar' },
      resolve: { kind: 'same_day' },
    },
    blue: {
      respond: { kind: 'minutes', minutes: 120, clock: 'working' },
      accept: { kind: 'working_days', days: 1 },
      resolve: { kind: 'working_days', days: 3 },
    },
  },
  channels: { secretary: SECRETARY_SLA },
  autoConfirmDays: 3,
} satisfies SlaPolicy);

/** Which clock a spec runs on; suspend/resume and warnings must measure on that same clock. */
export function clockKindOf(spec: DeadlineSpec): ClockKind {
  switch (spec.kind) {
    case 'minutes':
      return spec.clock;
    case 'working_days':
      return 'working';
    case 'same_day':
      return 'calendar';
  }
}


/** The targets that apply to a case: the level's, with the channel's override on top. */
export function targetsFor(policy: Readonly<SlaPolicy>, level: RiskLevel, channel?: string | null): SlaTargets {
  const base = policy.levels[level];
  const override: Partial<SlaTargets> =
    channel && (SLA_CHANNELS as readonly string[]).includes(channel) ? (policy.channels[channel as SlaChannel] ?? {}) : {};
  return {
    respond: override.respond ?? base.respond,
    accept: override.accept ?? base.accept,
    resolve: override.resolve ?? base.resolve,
  };
}


// ---------------------------------------------------------------------------------------------
// Validation of admin-edited policies
// ---------------------------------------------------------------------------------------------

export type SlaValidationResult = { ok: true; policy: SlaPolicy } | { ok: false; issues: ValidationIssue[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max;
}


function checkSpec(v: unknown, path: string, issues: ValidationIssue[]): DeadlineSpec | null {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return null;
  }
  const unknownKeys = (allowed: string[]): void => {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  };
  switch (v.kind) {
    case 'minutes': {
      unknownKeys(['kind', 'minutes', 'clock']);
      const before = issues.length;
      if (!isPositiveInt(v.minutes, MAX_MINUTES)) issues.push({ path: `${path}.minutes`, reason: l(`应为1到${MAX_MINUTES}之间的整数`, `must be an integer from 1 to ${MAX_MINUTES}`) });
      if (v.clock !== 'calendar' && v.clock !== 'working') issues.push({ path: `${path}.clock`, reason: l('应为 calendar（自然时间）或 working（工作时间）', 'must be calendar or working') });
      return issues.length === before ? { kind: 'minutes', minutes: v.minutes as number, clock: v.clock as ClockKind } : null;
    }
    case 'working_days':
      unknownKeys(['kind', 'days']);
      if (!isPositiveInt(v.days, MAX_DAYS)) {
        issues.push({ path: `${path}.days`, reason: l(`应为1到${MAX_DAYS}之间的整数`, `must be an integer from 1 to ${MAX_DAYS}`) });
        return null;
      }
      return { kind: 'working_days', days: v.days };
    case 'same_day':
      unknownKeys(['kind']);
      return { kind: 'same_day' };
    default:
      issues.push({ path: `${path}.kind`, reason: l('应为 minutes（分钟）、working_days（工作日）或 same_day（当日）', 'must be minutes, working_days or same_day') });
      return null;
  }
}

function checkTargets(v: unknown, path: string, partial: boolean, issues: ValidationIssue[]): Partial<SlaTargets> {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return {};
  }
  const out: Partial<SlaTargets> = {};
  for (const k of Object.keys(v)) {
    if (!(SLA_CLOCKS as readonly string[]).includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  }
  for (const clock of SLA_CLOCKS) {
    if (!(clock in v)) {
      if (!partial) issues.push({ path: `${path}.${clock}`, reason: COMMON_REASONS.required });
      continue;
    }
    const spec = checkSpec(v[clock], `${path}.${clock}`, issues);
    if (spec) out[clock] = spec;
  }
  return out;
}

/**
 * The write-time gate for admin-edited SLA policies: every level needs all three clocks with
 * positive integer durations, and channel overrides may only name known channels and clocks
 * (a typo like `secretery` would otherwise silently do nothing).
 */
export function validateSlaPolicy(policy: unknown): SlaValidationResult {
  const issues: ValidationIssue[] = [];
  if (!isRecord(policy)) return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  for (const k of Object.keys(policy)) {
    if (k !== 'levels' && k !== 'channels' && k !== 'autoConfirmDays') issues.push({ path: k, reason: COMMON_REASONS.unknownKey });
  }
  // Optional on write, so a policy edited before the field existed stays valid: absent means the default.
  const autoConfirmDays = policy.autoConfirmDays ?? DEFAULT_SLA_POLICY.autoConfirmDays;
  if (!isPositiveInt(autoConfirmDays, MAX_AUTO_CONFIRM_DAYS)) {
    issues.push({ path: 'autoConfirmDays', reason: l(`应为1到${MAX_AUTO_CONFIRM_DAYS}之间的整数`, `must be an integer from 1 to ${MAX_AUTO_CONFIRM_DAYS}`) });
  }
  const levels: Partial<Record<RiskLevel, Partial<SlaTargets>>> = {};
  if (!isRecord(policy.levels)) {
    issues.push({ path: 'levels', reason: COMMON_REASONS.notAnObject });
  } else {
    for (const k of Object.keys(policy.levels)) {
      if (k !== 'red' && k !== 'yellow' && k !== 'blue') issues.push({ path: `levels.${k}`, reason: l('不认识的风险等级', 'unknown level') });
    }
    for (const level of ['red', 'yellow', 'blue'] as const) {
      if (!(level in policy.levels)) issues.push({ path: `levels.${level}`, reason: COMMON_REASONS.required });
      else levels[level] = checkTargets(policy.levels[level], `levels.${level}`, false, issues);
    }
  }
  const channels: Partial<Record<SlaChannel, Partial<SlaTargets>>> = {};
  if (policy.channels !== undefined) {
    if (!isRecord(policy.channels)) {
      issues.push({ path: 'channels', reason: COMMON_REASONS.notAnObject });
    } else {
      for (const [k, v] of Object.entries(policy.channels)) {
        if (!(SLA_CHANNELS as readonly string[]).includes(k)) {
          issues.push({ path: `channels.${k}`, reason: l(`不认识的渠道（应为以下之一：${SLA_CHANNELS.join('、')}）`, `unknown channel (one of ${SLA_CHANNELS.join(', ')})`) });
        } else {
          channels[k as SlaChannel] = checkTargets(v, `channels.${k}`, true, issues);
        }
      }
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, policy: { levels: levels as Record<RiskLevel, SlaTargets>, channels, autoConfirmDays: autoConfirmDays as number } };
}
