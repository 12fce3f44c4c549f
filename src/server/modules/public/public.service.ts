/**
 * The resident portal (SPEC §9, §13): submit a case, follow it with the
 * tracking number and access code (or a verified phone), add information,
 * confirm the result and rate it. A dissatisfied rating reopens the case.
 *
 * Access: a case is found only with its tracking number plus the right access
 * code (compared by hash in constant time) or a verification token for the
 * reporter's phone. Anything else is the same 404, and failures are throttled
 * per IP so access codes cannot be guessed.
 */
import { randomInt } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import type { Locale } from '../../platform/messages.js';
import { inTransaction } from '../../platform/tx.js';
import {
  applyStep, attachmentsByIds, createCase, findCaseByTrackingNo, HANDLING_ROLES, hashAccessCode, listEvents, lockCase, notifyUnits,
  orgsByIds, publishAfterCommit, recordEvent, slaContext, type CaseRow, type CaseState, type IntakeInput, type StepPerformer,
} from '../cases/index.js';
import { phoneFingerprint, retryLater, sameHash, verifiedPhone } from './otp.service.js';
import * as repo from './public.repo.js';
import { PUBLIC_CHANNELS, STATUS_TEXT, isDissatisfied, publicTimeline, residentActions, unitIdsOf, type ResidentAction } from './public.rules.js';
import { LOOKUP_FAILURE_WINDOW, nextAllowedAt } from './throttle.rules.js';

export interface PublicSubmission extends Omit<IntakeInput, 'channel' | 'reporter'> {
  channel?: (typeof PUBLIC_CHANNELS)[number];
  reporter?: { name?: string };
  verificationToken?: string;
}

/** Residents act without a staff account; their timeline entries carry no name (staff see the reporter on the case). */
const RESIDENT: StepPerformer = { actor: null, event: { kind: 'resident', name: null } };

function newAccessCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Attachments a resident may put on a case: uploaded by a resident, not yet
 * on any case, and — when the case has a phone — uploaded with that phone.
 */
async function checkResidentUploads(ctx: AppContext, ids: readonly string[] | undefined, phone: string | null, path: string): Promise<void> {
  if (!ids?.length) return;
  const rows = await attachmentsByIds(ctx.db, [...ids]);
  const fingerprint = phone ? phoneFingerprint(phone) : null;
  const ok =
    rows.length === ids.length &&
    rows.every((a) => a.case_id === null && a.uploaded_by === null && a.uploader_phone_hash !== null && (!fingerprint || a.uploader_phone_hash === fingerprint));
  if (!ok) throw AppError.invalidField(path, l('附件不存在或已被使用', 'unknown or already used attachment'));
}

export interface SubmitResult {
  row: CaseRow;
  accessCode: string;
  replayed: boolean;
}

/**
 * A resident's submission. The verified phone becomes the reporter's phone;
 * without a token only an anonymous report in a category that allows it is
 * accepted (intake refuses the rest). A replayed `Idempotency-Key` returns the
 * same case with a fresh access code — the first answer may never have
 * arrived, and the code is stored only as a hash — which retires the old code.
 */
export async function submitCase(ctx: AppContext, body: PublicSubmission, idempotencyKey: string | undefined, ip: string): Promise<SubmitResult> {
  const { verificationToken, reporter, channel, ...rest } = body;
  const phone = verificationToken ? await verifiedPhone(ctx, verificationToken) : null;
  if (!phone && rest.anonymous !== true) throw AppError.invalidField('body.verificationToken', l('请先验证手机号；该类诉求允许时也可匿名反映', 'verify your phone number first, or report anonymously where the category allows it'));
  await checkResidentUploads(ctx, rest.attachmentIds, phone, 'body.attachmentIds');
  const input: IntakeInput = { ...rest, channel: channel ?? 'online', reporter: { name: reporter?.name, phone: phone ?? undefined } };
  // Keys are scoped per phone by intake; an unverified (anonymous) sender is told apart by IP too.
  const key = idempotencyKey ? (phone ? idempotencyKey : `ip:${ip}:${idempotencyKey}`) : undefined;
  const result = await createCase(ctx, { kind: 'resident', verifiedPhone: phone }, input, key);
  if (!result.replayed && result.accessCode) return { row: result.row, accessCode: result.accessCode, replayed: false };
  const accessCode = newAccessCode();
  await repo.setAccessCodeHash(ctx.db, result.row.id, hashAccessCode(result.row.tracking_no, accessCode));
  return { row: result.row, accessCode, replayed: true };
}

/** How the resident proves the case is theirs. */
export interface Credentials {
  accessCode?: string;
  verificationToken?: string;
  /** Field path named when neither is given (`querystring.accessCode` or `body.accessCode`). */
  field: string;
}

// Compared when the tracking number is unknown, so both failures take the same time.
const DUMMY_HASH = hashAccessCode('GM00000000-000000', 'no-such-case');

/** The case, if the credentials open it; otherwise a counted failure and the same 404 for every cause. */
export async function openCase(ctx: AppContext, trackingNo: string, cred: Credentials, ip: string): Promise<CaseRow> {
  const now = ctx.clock.now();
  const failures = await repo.lookupFailureTimes(ctx.db, ip, new Date(now.getTime() - LOOKUP_FAILURE_WINDOW.windowMs));
  const blockedUntil = nextAllowedAt(failures, now, [LOOKUP_FAILURE_WINDOW]);
  if (blockedUntil) throw retryLater(ctx, blockedUntil);
  if (!cred.accessCode && !cred.verificationToken) throw AppError.invalidField(cred.field, l('请输入收到的查询码', 'enter the access code you received'));
  const normalized = trackingNo.trim().toUpperCase();
  const row = await findCaseByTrackingNo(ctx.db, normalized);
  let ok = false;
  if (cred.accessCode) {
    ok = sameHash(row?.access_code_hash ?? DUMMY_HASH, hashAccessCode(normalized, cred.accessCode)) && row !== undefined;
  } else {
    const phone = await verifiedPhone(ctx, cred.verificationToken);
    ok = row !== undefined && row.reporter_phone === phone;
  }
  if (!ok || !row) {
    await repo.recordLookupFailure(ctx.db, ip, now, new Date(now.getTime() - LOOKUP_FAILURE_WINDOW.windowMs));
    throw AppError.notFound('case');
  }
  return row;
}

/** The states in which the unit's resolution note is shown to the resident (once resolved, until archived). */
const SHOWS_RESOLUTION: readonly CaseState[] = ['resolved', 'confirmed', 'closed'];

/** What a resident sees: progress, units (never staff), deadlines, the resolution and their rating. */
export async function presentPublicCase(ctx: AppContext, row: CaseRow, locale: Locale) {
  const events = await listEvents(ctx.db, row.id);
  const timelineEvents = events.map((e) => ({ at: e.at, action: e.action, actorKind: e.actor_kind, orgId: e.org_id, note: e.note, data: e.data }));
  const units = await orgsByIds(ctx.db, [...new Set([...unitIdsOf(timelineEvents), row.owner_org_id])]);
  const unitMap = new Map(units.map((u) => [u.id, { name: u.name, nameEn: u.name_en }]));
  const owner = unitMap.get(row.owner_org_id);
  const category = await repo.categoryNames(ctx.db, row.category);
  const status = row.status as CaseState;
  const resolution = SHOWS_RESOLUTION.includes(status) ? await repo.latestResolution(ctx.db, row.id) : undefined;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    trackingNo: row.tracking_no,
    title: row.title,
    description: row.description,
    serviceType: row.service_type,
    category: row.category,
    categoryName: category ? (locale === 'en' ? category.name_en : category.name) : row.category,
    channel: row.channel,
    anonymous: row.anonymous,
    status: row.status,
    statusText: STATUS_TEXT[status]?.[locale] ?? row.status,
    riskLevel: row.risk_level,
    handlingUnit: owner ? { name: locale === 'en' ? (owner.nameEn ?? owner.name) : owner.name } : null,
    deadlines: { respondBy: iso(row.respond_by), acceptBy: iso(row.accept_by), resolveBy: iso(row.resolve_by) },
    overdue: row.overdue,
    resolution: resolution ? { note: resolution.note, resolvedAt: resolution.at.toISOString() } : null,
    confirmedAt: iso(row.confirmed_at),
    closedAt: iso(row.closed_at),
    rating: row.rating,
    ratingComment: row.rating_comment,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    allowedActions: residentActions(status),
    timeline: publicTimeline(timelineEvents, unitMap, locale),
  };
}

function requireResidentAction(row: CaseRow, action: ResidentAction): void {
  const allowed = residentActions(row.status as CaseState);
  if (!allowed.includes(action)) throw new AppError('ILLEGAL_TRANSITION', { status: row.status, action }, { allowedActions: allowed });
}

/** The resident adds text (and uploads) to an open case; the owning unit is told. */
export async function addInfo(ctx: AppContext, found: CaseRow, input: { text: string; attachmentIds?: string[] }): Promise<CaseRow> {
  await checkResidentUploads(ctx, input.attachmentIds, found.reporter_phone, 'body.attachmentIds');
  const sla = await slaContext(ctx.db);
  return inTransaction(ctx, async (trx, afterCommit) => {
    const row = (await lockCase(trx, found.id))!;
    requireResidentAction(row, 'add_info');
    const updated = await applyStep(ctx, trx, afterCommit, RESIDENT, row, { action: 'add_info', note: input.text, attachmentIds: input.attachmentIds }, sla);
    await notifyUnits(trx, ctx.clock.now(), {
      orgIds: [row.owner_org_id],
      roles: HANDLING_ROLES,
      kind: 'case.add_info',
      title: { 'zh-CN': `居民补充信息 ${row.tracking_no}：${row.title}`, en: `The resident added information to ${row.tracking_no}: ${row.title}` },
      body: input.text.slice(0, 1000),
      caseId: row.id,
    });
    return updated;
  });
}

/** The resident confirms a resolved case (before the automatic confirmation would). */
export async function confirmCase(ctx: AppContext, found: CaseRow): Promise<CaseRow> {
  const sla = await slaContext(ctx.db);
  return inTransaction(ctx, async (trx, afterCommit) => {
    const row = (await lockCase(trx, found.id))!;
    requireResidentAction(row, 'confirm');
    return applyStep(ctx, trx, afterCommit, RESIDENT, row, { action: 'confirm' }, sla, { data: { by: 'resident' } });
  });
}

/**
 * Stores the rating. A satisfied rating (3–5) of a resolved case also
 * confirms it — rating the result is the clearest confirmation there is. A
 * dissatisfied one (1–2) reopens the case into `in_progress` with a fresh
 * resolve window, exactly like a staff `reopen`, and tells the owning unit.
 */
export async function rateCase(ctx: AppContext, found: CaseRow, input: { rating: number; comment?: string }): Promise<CaseRow> {
  const sla = await slaContext(ctx.db);
  const comment = input.comment?.trim() || null;
  return inTransaction(ctx, async (trx, afterCommit) => {
    const row = (await lockCase(trx, found.id))!;
    requireResidentAction(row, 'rate');
    const now = ctx.clock.now();
    const rated = await repo.setRating(trx, row.id, input.rating, comment, now);
    await recordEvent(trx, {
      caseId: row.id, actor: RESIDENT.event, action: 'rate', fromStatus: row.status, toStatus: row.status, note: comment,
      data: { rating: input.rating }, at: now,
    });
    if (isDissatisfied(input.rating)) {
      const reopened = await applyStep(ctx, trx, afterCommit, RESIDENT, rated, { action: 'reopen', note: comment ?? undefined }, sla, {
        data: { reason: 'dissatisfied', rating: input.rating },
      });
      await notifyUnits(trx, now, {
        orgIds: [row.owner_org_id],
        roles: HANDLING_ROLES,
        kind: 'case.reopened',
        title: {
          'zh-CN': `居民不满意（${input.rating}星），诉求重新办理 ${row.tracking_no}：${row.title}`,
          en: `Resident dissatisfied (${input.rating}/5), case reopened ${row.tracking_no}: ${row.title}`,
        },
        body: comment ?? '',
        caseId: row.id,
        data: { rating: input.rating },
      });
      return reopened;
    }
    if (row.status === 'resolved') {
      return applyStep(ctx, trx, afterCommit, RESIDENT, rated, { action: 'confirm' }, sla, { data: { by: 'resident', rating: input.rating } });
    }
    publishAfterCommit(ctx, afterCommit, 'case.rate', rated);
    return rated;
  });
}

/** "My requests": the verified phone's cases, newest first (at most 100). */
export async function myCases(ctx: AppContext, token: string | undefined, locale: Locale) {
  const phone = await verifiedPhone(ctx, token);
  const rows = await repo.casesByPhone(ctx.db, phone, 100);
  return {
    items: rows.map((r) => ({
      trackingNo: r.tracking_no,
      title: r.title,
      status: r.status,
      statusText: STATUS_TEXT[r.status as CaseState]?.[locale] ?? r.status,
      createdAt: r.created_at.toISOString(),
    })),
  };
}
