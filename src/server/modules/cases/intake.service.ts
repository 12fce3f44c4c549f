/**
 * Intake (SPEC §3, §9): one statement (so one transaction) writes the case,
 * its first timeline event, its deadline timers and its outbox rows — together
 * with the other cases submitted at the same moment (intake.writer.ts) — so an
 * acknowledged case is never lost and never half-written. `Idempotency-Key` makes a retried
 * submission return the case the first attempt created.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { can, type Actor } from '../../platform/policies.js';
import { enqueueMessages } from '../../platform/background.js';
import { runAfterCommit, type AfterCommitCallback } from '../../platform/tx.js';
import { requireSomewhere } from '../../platform/scope.js';
import { readSetting } from '../../platform/settings.js';
import { GRADING_RULES } from './cases.settings.js';
import { cachedRead } from '../../platform/read-cache.js';
import { shanghaiDate } from '../calendar/index.js';
import { computeDeadlines } from './clocks.rules.js';
import { describeReason, gradeCase, type RiskReason, type Urgency } from './grading.rules.js';
import { resolveLocation, type LocationInput } from './cases.location.js';
import * as repo from './cases.repo.js';
import { trackingNumber } from './cases.rules.js';
import { intakeWriter } from './intake.writer.js';
import { nextDailyNumber } from './tracking-numbers.js';
import { caseSearchText } from './search.rules.js';
import { orgDirectory, type DirectoryUnit } from '../orgs/index.js';
import {
  HANDLING_ROLES, SUPERVISING_ROLES, clockTimers, eventRow, lineOf, notifyMessage, publishAfterCommit, slaContext, type EventActor,
} from './cases.effects.js';

export const CHANNELS = ['walk_in', 'hotline', 'online', 'qr', 'grid', 'secretary', 'open311', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface IntakeInput {
  channel: Channel;
  serviceType?: string;
  category: string;
  title: string;
  description: string;
  location?: LocationInput;
  reporter?: { name?: string; phone?: string; idNumber?: string };
  anonymous?: boolean;
  peopleInvolved?: number;
  amountInvolved?: number;
  urgency?: Urgency;
  flags?: string[];
  /** 书记在线: which party secretary the resident addresses. */
  secretaryLevel?: 'community' | 'subdistrict' | 'district';
  attachmentIds?: string[];
  extra?: Record<string, unknown>;
}

export type Submitter = { kind: 'staff'; actor: Actor } | { kind: 'resident'; verifiedPhone: string | null };

export interface IntakeResult {
  row: repo.CaseRow;
  /** The resident's access code: shown once, on creation only (stored hashed). */
  accessCode: string | null;
  replayed: boolean;
}

export const TRACKING_PREFIX = 'GM';

export function hashAccessCode(trackingNo: string, code: string): string {
  return createHash('sha256').update(`${trackingNo}:${code}`).digest('hex');
}

type Org = DirectoryUnit;

/** The catalogue changes only with a migration or an admin edit; intake reads it from memory. */
const CATEGORY_CACHE_MS = 30_000;

function categoryByCode(db: Kysely<DB>, code: string) {
  return cachedRead(db, 'categories', code, CATEGORY_CACHE_MS, () => repo.findCategory(db, code), (row) => row !== undefined);
}

/**
 * Picks the unit that owns a new case (首接负责) and the unit routing rules
 * suggest for dispatch, from the cached org directory: intake is the hottest
 * write path and the tree changes rarely.
 */
async function routeCase(
  ctx: AppContext,
  submitter: Submitter,
  input: IntakeInput,
  category: repo.CategoryRow,
  communityId: string | null,
): Promise<{ owner: Org; suggested: Org }> {
  // Staff at a community (or below) own what they receive; higher levels route it.
  const intakeRole =
    submitter.kind === 'staff'
      ? submitter.actor.roles.find((r) => ['community', 'station', 'grid'].includes(r.orgType) && can(submitter.actor, 'case:intake', r.orgPath))
      : undefined;
  const departmentCode = category.handling === 'department' && category.department_code ? category.department_code : null;
  const directory = await orgDirectory(ctx.db);
  const district = directory.district;
  if (!district) throw new AppError('SERVICE_UNAVAILABLE');
  const community = communityId ? directory.byId.get(communityId) : undefined;
  let suggested: Org = community ?? district;
  if (departmentCode) suggested = directory.byCode.get(departmentCode) ?? suggested;
  if (input.channel === 'secretary') {
    const level = input.secretaryLevel ?? 'community';
    const ancestors = community ? lineOf(community.path).map((id) => directory.byId.get(id)) : [];
    const target = level === 'district' ? district : level === 'subdistrict' ? ancestors.find((a) => a?.type === 'subdistrict') : community;
    const owner = target ?? district;
    return { owner, suggested: owner };
  }
  if (intakeRole) {
    const own = directory.byId.get(intakeRole.orgId);
    if (own) {
      const line = lineOf(own.path).map((id) => directory.byId.get(id));
      const ownerOrg = own.type === 'community' ? own : line.find((o) => o?.type === 'community') ?? own;
      return { owner: ownerOrg, suggested };
    }
  }
  return { owner: suggested, suggested };
}

function checkInput(input: IntakeInput, category: { service_type: string; anonymous_allowed: boolean; active: boolean }, submitter: Submitter) {
  if (!category.active) throw AppError.invalidField('body.category', l('该诉求分类已停用', 'this category is no longer in use'));
  if (input.serviceType && input.serviceType !== category.service_type) {
    throw AppError.invalidField('body.serviceType', l(`该诉求分类属于服务类型 ${category.service_type}`, `category belongs to service type ${category.service_type}`));
  }
  if (input.anonymous && !category.anonymous_allowed) throw AppError.invalidField('body.anonymous', l('该类诉求不能匿名反映，请填写反映人', 'this category needs a named reporter'));
  if (!input.anonymous && !input.reporter?.phone && submitter.kind === 'resident') {
    throw AppError.invalidField('body.reporter.phone', l('需要留下联系电话以便回访', 'a phone number is needed to follow up'));
  }
  if (input.channel === 'secretary' && !input.secretaryLevel) throw AppError.invalidField('body.secretaryLevel', l('请选择要反映的书记', 'choose the secretary you address'));
}

export async function createCase(ctx: AppContext, submitter: Submitter, input: IntakeInput, idempotencyKey?: string): Promise<IntakeResult> {
  if (submitter.kind === 'staff') requireSomewhere(submitter.actor, 'case:intake');
  const scopedKey = idempotencyKey ? `${submitter.kind === 'staff' ? submitter.actor.id : `public:${submitter.verifiedPhone ?? 'anon'}`}:${idempotencyKey}` : null;
  if (scopedKey) {
    const existing = await repo.findCaseByIdempotencyKey(ctx.db, scopedKey);
    if (existing) return { row: existing, accessCode: null, replayed: true };
  }
  const category = await categoryByCode(ctx.db, input.category);
  if (!category) throw AppError.invalidField('body.category', l('诉求分类不存在', 'unknown category'));
  checkInput(input, category, submitter);
  const location = await resolveLocation(ctx.db, input.location);
  const { owner, suggested } = await routeCase(ctx, submitter, input, category, location.communityId);

  const [rules, { policy, calendar }] = await Promise.all([readSetting(ctx.db, GRADING_RULES), slaContext(ctx.db)]);
  const grade = gradeCase({ peopleInvolved: input.peopleInvolved, amountInvolved: input.amountInvolved, urgency: input.urgency, flags: input.flags }, rules);
  const now = ctx.clock.now();
  const deadlines = computeDeadlines({ policy, level: grade.level, channel: input.channel, createdAt: now, calendar });
  const trackingNo = trackingNumber(TRACKING_PREFIX, now, await nextDailyNumber(ctx.db, shanghaiDate(now)));
  const accessCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const eventActor: EventActor =
    submitter.kind === 'staff'
      ? { kind: 'staff', id: submitter.actor.id, name: submitter.actor.displayName }
      : { kind: 'resident', name: input.anonymous ? null : input.reporter?.name ?? null };

  const attachments = input.attachmentIds?.length ? await repo.attachmentsByIds(ctx.db, input.attachmentIds) : [];
  if (attachments.length !== (input.attachmentIds?.length ?? 0) || attachments.some((a) => a.case_id)) {
    throw AppError.invalidField('body.attachmentIds', l('附件不存在或已被使用', 'unknown or already used attachment'));
  }
  // Everything is written in one statement (see intake.writer.ts): the case id is
  // chosen here so the timers, outbox messages and event can name it.
  const caseId = randomUUID();
  const title = input.title.trim();
  const values = {
    id: caseId,
    tracking_no: trackingNo,
    access_code_hash: hashAccessCode(trackingNo, accessCode),
    idempotency_key: scopedKey,
    channel: input.channel,
    service_type: category.service_type,
    category: category.code,
    title,
    description: input.description.trim(),
    address: location.address,
    lat: location.lat,
    lng: location.lng,
    building_code: location.buildingCode,
    community_id: location.communityId,
    grid_id: location.gridId,
    location_source: location.source,
    reporter_name: input.anonymous ? null : input.reporter?.name ?? null,
    reporter_phone: input.anonymous ? null : input.reporter?.phone ?? null,
    reporter_id_no: input.anonymous ? null : input.reporter?.idNumber ?? null,
    anonymous: input.anonymous ?? false,
    people_involved: input.peopleInvolved ?? 1,
    amount_involved: input.amountInvolved ?? 0,
    urgency: input.urgency ?? 'normal',
    flags: input.flags ?? [],
    risk_level: grade.level,
    risk_reasons: JSON.stringify(grade.reasons),
    status: 'submitted',
    owner_org_id: owner.id,
    owner_path: owner.path,
    first_org_id: owner.id,
    first_path: owner.path,
    respond_by: deadlines.respondBy,
    accept_by: deadlines.acceptBy,
    resolve_by: deadlines.resolveBy,
    extra: JSON.stringify({ ...(input.extra ?? {}), routing: { suggestedOrgId: suggested.id }, secretaryLevel: input.secretaryLevel }),
    created_by: submitter.kind === 'staff' ? submitter.actor.id : null,
    created_at: now,
    updated_at: now,
    search_text: caseSearchText([input.title, input.description, location.address]),
  };
  const timers = clockTimers({ ...values, responded_at: null, accepted_at: null, resolved_at: null, extra: {} }, now, calendar, policy);
  const messages = [
    notifyMessage(now, {
      orgIds: [owner.id],
      roles: HANDLING_ROLES,
      kind: 'case.new',
      title: { 'zh-CN': `新诉求 ${trackingNo}：${title}`, en: `New case ${trackingNo}: ${title}` },
      caseId,
    }),
  ];
  if (grade.level === 'red') messages.push(redAlertMessage(now, { id: caseId, owner_path: owner.path, tracking_no: trackingNo, title }, grade.reasons));
  const event = eventRow({
    caseId,
    actor: eventActor,
    action: 'submit',
    fromStatus: null,
    toStatus: 'submitted',
    orgId: owner.id,
    data: { channel: input.channel, riskLevel: grade.level, reasons: grade.reasons, locationSource: location.source },
    attachments: attachments.map((a) => ({ id: a.id, fileName: a.file_name, mimeType: a.mime_type })),
    at: now,
  });
  try {
    const row = await intakeWriter(ctx.db).write({ row: values, event, timers, messages, attachmentIds: attachments.map((a) => a.id) });
    const afterCommit: AfterCommitCallback[] = [];
    publishAfterCommit(ctx, (fn) => void afterCommit.push(fn), 'case.created', row);
    if (grade.level === 'red') publishAfterCommit(ctx, (fn) => void afterCommit.push(fn), 'case.red', row);
    // Started together (in order, so the bus queues them in order) rather than one after the
    // other: a red case's two events then leave in one NOTIFY query instead of two.
    await Promise.all(afterCommit.map((fn) => runAfterCommit(ctx, [fn])));
    return { row, accessCode, replayed: false };
  } catch (err) {
    // Two retries racing with one key: the loser returns the winner's case.
    const code = (err as { code?: string }).code;
    if (scopedKey && (code === '23505' || code === repo.ATTACHMENT_LINK_LOST)) {
      const existing = await repo.findCaseByIdempotencyKey(ctx.db, scopedKey);
      if (existing) return { row: existing, accessCode: null, replayed: true };
    }
    // An upload deleted (orphan sweep) or taken by another case after the check above: nothing was written.
    if (code === repo.ATTACHMENT_LINK_LOST) throw AppError.invalidField('body.attachmentIds', l('附件不存在或已被使用', 'unknown or already used attachment'));
    throw err;
  }
}

type RedAlertSubject = Pick<repo.CaseRow, 'id' | 'owner_path' | 'tracking_no' | 'title'>;

/** The outbox message of a red alert to the owning community, its subdistrict and the district (SPEC §4). */
function redAlertMessage(now: Date, row: RedAlertSubject, reasons: RiskReason[]) {
  return notifyMessage(now, {
    orgIds: lineOf(row.owner_path),
    roles: [...new Set([...HANDLING_ROLES, ...SUPERVISING_ROLES])],
    kind: 'case.red',
    title: { 'zh-CN': `红色预警 ${row.tracking_no}：${row.title}`, en: `Red alert ${row.tracking_no}: ${row.title}` },
    body: reasons.map((r) => describeReason(r, 'zh-CN')).join('；'),
    caseId: row.id,
  });
}

/** Red cases alert the owning community, its subdistrict and the district (SPEC §4). */
export async function alertRed(trx: Kysely<DB>, now: Date, row: RedAlertSubject, reasons: RiskReason[]) {
  await enqueueMessages(trx, [redAlertMessage(now, row, reasons)]);
}
