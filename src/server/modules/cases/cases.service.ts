/**
 * Reading cases: the scoped list with filters and Chinese full-text search,
 * one case, its timeline, and the audited reveal of the reporter's contact.
 */
import { appendAudit } from '../../platform/audit.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { canSee } from './cases.access.js';
import { mayViewPii } from './cases.presenter.js';
import * as repo from './cases.repo.js';
import { searchQuery } from './search.rules.js';

export interface CaseListQuery {
  status?: string;
  riskLevel?: string;
  orgId?: string;
  q?: string;
  overdue?: boolean;
  warning?: boolean;
  open?: boolean;
  phone?: string;
  page?: number;
  pageSize?: number;
}

export async function listCases(ctx: AppContext, actor: Actor, q: CaseListQuery) {
  requireSomewhere(actor, 'case:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  let orgPath: string | undefined;
  if (q.orgId) {
    const org = await repo.findOrg(ctx.db, q.orgId);
    if (!org) throw AppError.invalidField('querystring.orgId', l('单位不存在', 'unknown unit'));
    orgPath = org.path;
  }
  const { rows, total, totalCapped } = await repo.listCases(ctx.db, actor, {
    status: q.status?.split(',').filter(Boolean),
    riskLevel: q.riskLevel?.split(',').filter(Boolean),
    orgPath,
    q: q.q?.trim() || undefined,
    tsQuery: q.q ? searchQuery(q.q) : null,
    overdue: q.overdue,
    warning: q.warning,
    open: q.open,
    phone: q.phone,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { rows, total, totalCapped, page, pageSize };
}

export async function getCase(ctx: AppContext, actor: Actor, id: string) {
  requireSomewhere(actor, 'case:read');
  const row = await repo.findCase(ctx.db, id);
  // Outside the actor's scope a case does not exist for them: 404, not 403, so ids cannot be probed.
  if (!row || !canSee(actor, row)) throw AppError.notFound('case');
  return row;
}

export async function caseEvents(ctx: AppContext, actor: Actor, id: string) {
  await getCase(ctx, actor, id);
  return repo.listEvents(ctx.db, id);
}

/** Returns the case with personal data unmasked, and audits that this actor saw it. */
export async function revealCase(ctx: AppContext, actor: Actor, id: string, ip?: string) {
  const row = await getCase(ctx, actor, id);
  if (!mayViewPii(actor, row)) throw new AppError('FORBIDDEN');
  await ctx.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.clock, { action: 'pii.reveal', actor, targetType: 'case', targetId: id, data: { trackingNo: row.tracking_no }, ip }),
  );
  return row;
}
