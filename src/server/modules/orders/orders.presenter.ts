/**
 * The API shape of an order: the order, the case it is about (without
 * personal data: a department sees the task, not the resident), and the
 * actions this actor may take now.
 */
import type { Locale } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import type { OrderRow } from './orders.repo.js';
import { orderActionsIn, rankLabel, type OrderState } from './orders.rules.js';
import { mayActOnOrder } from './orders.service.js';

export interface OrderContext {
  cases: Map<string, { tracking_no: string; title: string; category: string; risk_level: string; status: string; address: string | null; lat: number | null; lng: number | null }>;
  orgs: Map<string, { name: string; name_en: string | null }>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentOrder(o: OrderRow, actor: Actor, locale: Locale, ctx: OrderContext) {
  const c = ctx.cases.get(o.case_id);
  const org = (id: string) => {
    const u = ctx.orgs.get(id);
    return { id, name: u ? (locale === 'en' ? u.name_en ?? u.name : u.name) : null };
  };
  return {
    id: o.id,
    batchId: o.batch_id,
    kind: o.kind,
    status: o.status,
    instructions: o.instructions,
    case: c
      ? { id: o.case_id, trackingNo: c.tracking_no, title: c.title, category: c.category, riskLevel: c.risk_level, status: c.status, address: c.address, lat: c.lat, lng: c.lng }
      : { id: o.case_id },
    riskLevel: o.risk_level,
    issuer: org(o.issuer_org_id),
    department: org(o.department_id),
    requirements: { minLeaderRank: o.min_leader_rank, minLeaderRankLabel: rankLabel(o.min_leader_rank, locale), minHeadcount: o.min_headcount },
    deadlines: { acknowledgeBy: o.acknowledge_by.toISOString(), arriveBy: o.arrive_by.toISOString() },
    acknowledgedAt: iso(o.acknowledged_at),
    acknowledgeLate: o.acknowledge_late,
    checkIn: o.arrived_at
      ? {
          at: o.arrived_at.toISOString(),
          recordedAt: iso(o.checked_in_at),
          leaderRank: o.leader_rank,
          leaderRankLabel: rankLabel(o.leader_rank, locale),
          headcount: o.headcount,
          lat: o.lat,
          lng: o.lng,
        }
      : null,
    flags: { late: o.late, underRanked: o.under_ranked, underStaffed: o.under_staffed, acknowledgeOverdue: o.acknowledge_overdue, arriveOverdue: o.arrive_overdue },
    timely: o.arrived_at !== null && !o.late && !o.under_ranked && !o.under_staffed,
    completedAt: iso(o.completed_at),
    report: o.report,
    confirmedAt: iso(o.confirmed_at),
    confirmNote: o.confirm_note,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
    allowedActions: orderActionsIn(o.status as OrderState).filter((a) => mayActOnOrder(actor, o, a)),
  };
}
