/**
 * The API shape of a case. Personal data is masked unless the actor holds
 * `pii:view` over the case; `allowedActions` is what this actor may do now,
 * so the UI never re-derives permissions.
 */
import { can, type Actor } from '../../platform/policies.js';
import { describeReason, type RiskReason } from './grading.rules.js';
import { allowedActions, type CaseState } from './lifecycle.rules.js';
import type { CaseEventRow, CaseRow } from './cases.repo.js';
import { maskIdNumber, maskName, maskPhone } from './cases.rules.js';
import { mayAct } from './cases.access.js';
import type { Locale } from '../../platform/messages.js';
import type { CaseEventView } from './cases.schemas.js';

export function mayViewPii(actor: Actor, row: Pick<CaseRow, 'owner_path' | 'first_path'>): boolean {
  return can(actor, 'pii:view', row.owner_path) || can(actor, 'pii:view', row.first_path);
}

function reasonText(reason: unknown, locale: Locale): string {
  const r = reason as { code: string; value?: unknown };
  if (r.code === 'manual') return locale === 'en' ? `Regraded by staff: ${String(r.value ?? '')}` : `人工调整：${String(r.value ?? '')}`;
  return describeReason(reason as RiskReason, locale);
}

export function presentCase(row: CaseRow, actor: Actor, locale: Locale, opts: { revealed?: boolean } = {}) {
  const showPii = opts.revealed === true;
  const state = row.status as CaseState;
  const actions = allowedActions(state, { responded: Boolean(row.responded_at), suspendedFrom: row.status_before_suspend as CaseState | null }).filter((a) =>
    mayAct(actor, row, a),
  );
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    trackingNo: row.tracking_no,
    channel: row.channel,
    serviceType: row.service_type,
    category: row.category,
    title: row.title,
    description: row.description,
    location: {
      address: row.address,
      lat: row.lat,
      lng: row.lng,
      buildingCode: row.building_code,
      communityId: row.community_id,
      gridId: row.grid_id,
      source: row.location_source,
    },
    reporter: {
      name: showPii ? row.reporter_name : maskName(row.reporter_name),
      phone: showPii ? row.reporter_phone : maskPhone(row.reporter_phone),
      idNumber: showPii ? row.reporter_id_no : maskIdNumber(row.reporter_id_no),
      masked: !showPii,
      canReveal: !showPii && mayViewPii(actor, row) && Boolean(row.reporter_phone || row.reporter_name || row.reporter_id_no),
    },
    anonymous: row.anonymous,
    peopleInvolved: row.people_involved,
    amountInvolved: Number(row.amount_involved),
    urgency: row.urgency,
    flags: row.flags,
    riskLevel: row.risk_level,
    riskReasons: (row.risk_reasons as { code: string }[]).map((r) => ({ ...r, text: reasonText(r, locale) })),
    status: row.status,
    ownerOrgId: row.owner_org_id,
    firstOrgId: row.first_org_id,
    escalationLevel: row.escalation_level,
    major: row.major,
    deadlines: { respondBy: iso(row.respond_by), acceptBy: iso(row.accept_by), resolveBy: iso(row.resolve_by) },
    respondedAt: iso(row.responded_at),
    acceptedAt: iso(row.accepted_at),
    resolvedAt: iso(row.resolved_at),
    confirmedAt: iso(row.confirmed_at),
    closedAt: iso(row.closed_at),
    suspendedAt: iso(row.suspended_at),
    mergedInto: row.merged_into,
    warning: row.warning,
    overdue: row.overdue,
    rating: row.rating,
    ratingComment: row.rating_comment,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    allowedActions: actions,
  };
}

export function presentEvent(e: CaseEventRow): CaseEventView {
  return {
    id: Number(e.id),
    at: e.at.toISOString(),
    actor: { kind: e.actor_kind, id: e.actor_id, name: e.actor_name },
    action: e.action,
    fromStatus: e.from_status,
    toStatus: e.to_status,
    orgId: e.org_id,
    note: e.note,
    data: e.data,
    // Written as { id, fileName, mimeType } by intake and by actions with attachments.
    attachments: e.attachments as CaseEventView['attachments'],
  };
}
