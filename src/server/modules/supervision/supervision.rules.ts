/**
 * Supervision (SPEC §5 end of day, §7) — pure rules: when the daily jobs run,
 * how an unresolved case is graded at the end of the day and who must meet
 * the resident.
 */
import { SHANGHAI_OFFSET_MS, shanghaiDate } from '../cases/index.js';

export const DIGEST_TIME = '09:00';
export const END_OF_DAY_TIME = '23:59';

/** The first instant strictly after `now` at Shanghai wall-clock `hhmm`. */
export function nextDailyAt(now: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  const today = shanghaiDate(now);
  const at = Date.parse(`${today}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS + (h * 60 + m) * 60_000;
  return new Date(at > now.getTime() ? at : at + 86_400_000);
}

export type AppointmentLevel = 'green' | 'yellow' | 'red';

export interface EndOfDayFacts {
  risk_level: string;
  overdue: boolean;
  warning: boolean;
  major: boolean;
  escalation_level: number;
}

/**
 * The end-of-day grade (SPEC §5): red when the case is red-risk, overdue or a
 * major escalation — the district leader meets the resident; yellow when it is
 * yellow-risk, amber or already escalated — a subdistrict leader; otherwise
 * green — the community secretary.
 */
export function endOfDayGrade(c: EndOfDayFacts): AppointmentLevel {
  if (c.risk_level === 'red' || c.overdue || c.major) return 'red';
  if (c.risk_level === 'yellow' || c.warning || c.escalation_level > 0) return 'yellow';
  return 'green';
}

/** Who meets the resident, by grade: the role name stored on the task and the roles notified. */
export const APPOINTMENT_LEADERS: Record<AppointmentLevel, { leaderRole: string; unitType: 'community' | 'subdistrict' | 'district'; notifyRoles: string[] }> = {
  green: { leaderRole: 'community_secretary', unitType: 'community', notifyRoles: ['community_secretary'] },
  yellow: { leaderRole: 'subdistrict_leader', unitType: 'subdistrict', notifyRoles: ['leader', 'subdistrict_admin'] },
  red: { leaderRole: 'district_leader', unitType: 'district', notifyRoles: ['leader', 'district_admin'] },
};

export interface OrgRef {
  id: string;
  type: string;
  parent_id: string | null;
}

/**
 * The unit whose leader meets the resident: the case's community, its
 * subdistrict or the district. A case without a community (e.g. owned by a
 * department) goes one level up, so no task is ever left without a leader;
 * the returned level is the one whose leader takes the task.
 */
export function appointmentUnit(level: AppointmentLevel, communityId: string | null, ownerLine: OrgRef[], orgs: Map<string, OrgRef>): { unitId: string; level: AppointmentLevel } | null {
  const district = ownerLine.find((o) => o.type === 'district') ?? [...orgs.values()].find((o) => o.type === 'district' && o.parent_id === null);
  const community = (communityId ? orgs.get(communityId) : undefined) ?? ownerLine.find((o) => o.type === 'community');
  const subdistrict = (community?.parent_id ? orgs.get(community.parent_id) : undefined) ?? ownerLine.find((o) => o.type === 'subdistrict');
  if (level === 'green' && community) return { unitId: community.id, level };
  if ((level === 'green' || level === 'yellow') && subdistrict?.type === 'subdistrict') return { unitId: subdistrict.id, level: 'yellow' };
  return district ? { unitId: district.id, level: 'red' } : null;
}
