/**
 * Pure rules of case handling that sit between the state machine and the
 * database: the escalation ladder, which clocks are still running, the
 * amber/overdue flags, tracking numbers and phone masking.
 */
import type { OrgType } from '../orgs/index.js';
import { FINISHED_STATES, WAITING_STATES } from '../../../shared/lifecycle.js';
import { shanghaiDate, type WorkCalendar } from '../calendar/index.js';
import { warningAt } from './clocks.rules.js';
import { clockKindOf, type ClockKind, type DeadlineSpec } from './sla-policy.rules.js';

export type SlaClockName = 'respond' | 'accept' | 'resolve';

export interface ClockState {
  clock: SlaClockName;
  start: Date;
  due: Date;
  kind: ClockKind;
}

/** Fields of a case the clock rules read. */
export interface ClockFacts {
  status: string;
  created_at: Date;
  respond_by: Date | null;
  accept_by: Date | null;
  resolve_by: Date | null;
  responded_at: Date | null;
  accepted_at: Date | null;
  resolved_at: Date | null;
  /** When the current resolve window started (acceptance, reopening or a major escalation). */
  resolveStart: Date | null;
}

/** States in which no SLA clock runs: the work is over, or paused until the case is resumed. */
const CLOCKS_STOPPED: ReadonlySet<string> = new Set([...FINISHED_STATES, ...WAITING_STATES]);

/**
 * The clocks still running: respond until the resident is told, accept until
 * accepted (or rejected), resolve until resolved. Suspended and finished cases
 * run no clock.
 */
export function runningClocks(c: ClockFacts, kinds: Record<SlaClockName, ClockKind>): ClockState[] {
  if (CLOCKS_STOPPED.has(c.status)) return [];
  const clocks: ClockState[] = [];
  if (!c.responded_at && c.respond_by) clocks.push({ clock: 'respond', start: c.created_at, due: c.respond_by, kind: kinds.respond });
  if (!c.accepted_at && c.accept_by) clocks.push({ clock: 'accept', start: c.created_at, due: c.accept_by, kind: kinds.accept });
  if (!c.resolved_at && c.resolve_by) clocks.push({ clock: 'resolve', start: c.resolveStart ?? c.accept_by ?? c.created_at, due: c.resolve_by, kind: kinds.resolve });
  return clocks;
}

export function clockKinds(targets: Record<SlaClockName, DeadlineSpec>): Record<SlaClockName, ClockKind> {
  return { respond: clockKindOf(targets.respond), accept: clockKindOf(targets.accept), resolve: clockKindOf(targets.resolve) };
}

/** Amber when any running clock is past 80% of its window; overdue when any is past its deadline. */
export function deadlineFlags(clocks: ClockState[], now: Date, calendar: WorkCalendar): { warning: boolean; overdue: boolean } {
  const overdue = clocks.some((c) => c.due.getTime() <= now.getTime());
  const warning = overdue || clocks.some((c) => warningAt(c.start, c.due, 0.8, calendar, c.kind).getTime() <= now.getTime());
  return { warning, overdue };
}

/** The unit one level up the ladder: community → subdistrict → district; a department goes to the district. */
export function escalationTarget(
  owner: { type: OrgType; parent_id: string | null },
  ancestors: { id: string; type: OrgType }[],
): string | null {
  const nearest = (types: OrgType[]) => [...ancestors].reverse().find((a) => types.includes(a.type))?.id ?? null;
  switch (owner.type) {
    case 'grid':
    case 'station':
      return nearest(['community']);
    case 'community':
      return nearest(['subdistrict']);
    case 'subdistrict':
    case 'department':
      return nearest(['district']);
    case 'district':
      return null;
  }
}

/** `GM20261121-000123`: prefix, the Shanghai date of intake, the day's sequence. */
export function trackingNumber(prefix: string, at: Date, sequence: number): string {
  return `${prefix}${shanghaiDate(at).replace(/-/g, '')}-${String(sequence).padStart(6, '0')}`;
}

/** `13812345678` → `138****5678`; shorter numbers keep only their last two digits. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\s/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '****';
}

/** Masks a Chinese ID number to its first 3 and last 4 characters. */
export function maskIdNumber(id: string | null): string | null {
  if (!id) return id;
  return id.length > 7 ? `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}` : '****';
}

/** Masks a name to its first character (张**), as Beijing 12345 shows complainants. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  return `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}`;
}
