/**
 * What a resident sees of their case (SPEC §9): a plain-language timeline in
 * zh-CN or English, built from the staff timeline by a whitelist — internal
 * events (comments, regrades, breaches, orders…) and staff names never reach
 * the portal; units are named instead. Pure functions, no I/O.
 */
import { PUBLIC_STATE_LABELS } from '../../../shared/lifecycle.js';
import type { Locale, Localised } from '../../platform/messages.js';
import { transition, type CaseState } from '../cases/index.js';

export interface TimelineEvent {
  at: Date;
  action: string;
  actorKind: 'staff' | 'resident' | 'system';
  orgId: string | null;
  note: string | null;
  data: Record<string, unknown>;
}

export interface UnitName {
  name: string;
  nameEn: string | null;
}

export interface PublicTimelineEntry {
  at: string;
  action: string;
  text: string;
  /** The unit handling the case at that moment (never a person). */
  unit: string | null;
}

/** The states as a resident reads them (the shared vocabulary's public wording). */
export const STATUS_TEXT: Readonly<Record<CaseState, Localised>> = PUBLIC_STATE_LABELS;

const MOVES = new Set(['dispatch', 'transfer', 'escalate']);

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

type Sentence = (e: TimelineEvent, unit: string, target: string) => { 'zh-CN': string; en: string } | null;

/** One sentence per action a resident should know about; anything else is internal and left out. */
const SENTENCES: Record<string, Sentence> = {
  submit: (e, unit) =>
    e.actorKind === 'resident'
      ? { 'zh-CN': `您提交了诉求，由${unit}负责`, en: `You submitted the request; ${unit} is responsible` }
      : { 'zh-CN': `工作人员为您登记了诉求，由${unit}负责`, en: `Staff registered your request; ${unit} is responsible` },
  respond: (_e, unit) => ({ 'zh-CN': `${unit}已告知您诉求已收到`, en: `${unit} acknowledged your request` }),
  accept: (_e, unit) => ({ 'zh-CN': `${unit}已受理您的诉求`, en: `${unit} accepted your request` }),
  reject: (e, unit) => ({
    'zh-CN': `${unit}不予受理，原因：${e.note ?? ''}。建议您：${str(e.data.redirectTo)}`,
    en: `${unit} could not accept the request. Reason: ${e.note ?? ''}. Where to go instead: ${str(e.data.redirectTo)}`,
  }),
  dispatch: (_e, _u, target) => ({ 'zh-CN': `诉求已分派至${target}办理`, en: `Assigned to ${target}` }),
  transfer: (_e, _u, target) => ({ 'zh-CN': `诉求已转至${target}办理`, en: `Transferred to ${target}` }),
  escalate: (_e, _u, target) => ({ 'zh-CN': `诉求已提级至${target}办理`, en: `Escalated to ${target}` }),
  start: (_e, unit) => ({ 'zh-CN': `${unit}已开始办理`, en: `${unit} started work on it` }),
  resolve: (e, unit) => ({ 'zh-CN': `${unit}已办结：${e.note ?? ''}`, en: `${unit} resolved the request: ${e.note ?? ''}` }),
  confirm: (e) =>
    e.actorKind === 'resident'
      ? { 'zh-CN': '您确认了办理结果', en: 'You confirmed the result' }
      : e.data.by === 'auto'
        ? { 'zh-CN': '办结后您未提出异议，系统已自动确认', en: 'Confirmed automatically: no objection was raised' }
        : { 'zh-CN': '办理结果已确认', en: 'The result was confirmed' },
  reopen: (e) =>
    e.actorKind === 'resident'
      ? { 'zh-CN': '您对办理结果不满意，诉求已重新办理', en: 'You were not satisfied; the request is being handled again' }
      : { 'zh-CN': '诉求已重新办理', en: 'The request is being handled again' },
  close: () => ({ 'zh-CN': '诉求已归档', en: 'The request was closed' }),
  suspend: () => ({ 'zh-CN': '诉求暂停办理', en: 'Handling was paused' }),
  resume: () => ({ 'zh-CN': '诉求恢复办理', en: 'Handling resumed' }),
  merge: (e) => ({
    'zh-CN': `您的诉求已与同一事项的诉求 ${str(e.data.intoTrackingNo)} 合并办理`,
    en: `Merged with request ${str(e.data.intoTrackingNo)} about the same matter`,
  }),
  merged_in: () => ({ 'zh-CN': '另一件同一事项的诉求已并入本件一并办理', en: 'Another request about the same matter was merged into this one' }),
  add_info: (e) =>
    e.actorKind === 'resident'
      ? { 'zh-CN': `您补充了信息：${e.note ?? ''}`, en: `You added information: ${e.note ?? ''}` }
      : { 'zh-CN': '工作人员补充了信息', en: 'Staff added information' },
  rate: (e) => ({ 'zh-CN': `您评价了${str(e.data.rating)}星`, en: `You rated the result ${str(e.data.rating)} of 5` }),
};

function unitLabel(id: string | null | undefined, units: ReadonlyMap<string, UnitName>, locale: Locale): string {
  const u = id ? units.get(id) : undefined;
  if (!u) return locale === 'en' ? 'the service centre' : '服务中心';
  return locale === 'en' ? (u.nameEn ?? u.name) : u.name;
}

/**
 * The resident's timeline: whitelisted events in order, each with a sentence
 * and the unit that held the case then (folded from the submit and move
 * events, since most events do not name a unit themselves).
 */
export function publicTimeline(events: readonly TimelineEvent[], units: ReadonlyMap<string, UnitName>, locale: Locale): PublicTimelineEntry[] {
  let current: string | null = null;
  const out: PublicTimelineEntry[] = [];
  for (const e of events) {
    if (e.action === 'submit') current = e.orgId;
    let unitId = current;
    if (MOVES.has(e.action) && typeof e.data.toOrgId === 'string') {
      current = e.data.toOrgId;
      unitId = current;
    }
    const sentence = SENTENCES[e.action]?.(e, unitLabel(unitId, units, locale), unitLabel(current, units, locale));
    if (!sentence) continue;
    out.push({ at: e.at.toISOString(), action: e.action, text: sentence[locale], unit: unitId ? unitLabel(unitId, units, locale) : null });
  }
  return out;
}

/** Org ids a timeline mentions, to load their names in one query. */
export function unitIdsOf(events: readonly TimelineEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.orgId) ids.add(e.orgId);
    if (typeof e.data.toOrgId === 'string') ids.add(e.data.toOrgId);
  }
  return [...ids];
}

/** Channels a resident may submit on: the portal, a building's QR code, 书记在线. */
export const PUBLIC_CHANNELS = ['online', 'qr', 'secretary'] as const;

export const RESIDENT_ACTIONS = ['add_info', 'confirm', 'rate'] as const;
export type ResidentAction = (typeof RESIDENT_ACTIONS)[number];

/** What the resident may do now: add information while the case is open, confirm a resolution, rate it. */
export function residentActions(status: CaseState): ResidentAction[] {
  const out: ResidentAction[] = [];
  if (transition(status, 'add_info', { responded: true }).ok) out.push('add_info');
  if (status === 'resolved') out.push('confirm');
  if (status === 'resolved' || status === 'confirmed') out.push('rate');
  return out;
}

/** Ratings of 1 or 2 (of 5) are "dissatisfied" and reopen the case (SPEC §3, §8). */
export const DISSATISFIED_MAX = 2;
export function isDissatisfied(rating: number): boolean {
  return rating <= DISSATISFIED_MAX;
}
