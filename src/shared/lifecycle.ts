/**
 * The case lifecycle's vocabulary, defined once for the server (state machine, SQL, API messages) and the
 * browser bundles (labels, countdowns). Pure data and a few predicates; this folder imports nothing, so
 * either side may load it at runtime without pulling the other in (.dependency-cruiser.cjs,
 * `shared-imports-nothing`).
 *
 * Where a case stands, in three groups that partition `CASE_STATES`:
 * - active: the handling unit has work to do and its clocks run;
 * - waiting: handling is paused on something outside the unit (a court, another body); clocks stop;
 * - finished: the unit's work is over — a resolution was given (possibly awaiting the resident's
 *   confirmation) or the case was closed, not accepted, or folded into another.
 * Inside "finished", `CLOSED_STATES` are the ones that are over for good: a resolved or confirmed case can
 * still be reopened, so lists of live cases and the ledgers keep those and leave out only the closed ones.
 */

/** Both languages of a label (structurally the server's `Localised`). */
export interface Label {
  readonly 'zh-CN': string;
  readonly en: string;
}

export const CASE_STATES = [
  'submitted',
  'accepted',
  'rejected',
  'dispatched',
  'in_progress',
  'resolved',
  'confirmed',
  'closed',
  'suspended',
  'merged',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** Being handled: the unit owes the next step and the deadlines count down. */
export const ACTIVE_STATES = ['submitted', 'accepted', 'dispatched', 'in_progress'] as const satisfies readonly CaseState[];

/** Paused (挂起): still the unit's case, but no clock runs until it is resumed. */
export const WAITING_STATES = ['suspended'] as const satisfies readonly CaseState[];

/** The handling unit's work is over: no handling clock runs, countdowns show as done. */
export const FINISHED_STATES = ['resolved', 'confirmed', 'closed', 'rejected', 'merged'] as const satisfies readonly CaseState[];

/**
 * Over for good (archived, not accepted, or merged into another case): left out of the live-case lists,
 * the digests' open counts and the orders a case may still receive; nothing can be merged into them.
 */
export const CLOSED_STATES = ['closed', 'merged', 'rejected'] as const satisfies readonly CaseState[];

/** Not finished: active or waiting — the command centre's 在办 (open) figures. */
export const UNFINISHED_STATES = [...ACTIVE_STATES, ...WAITING_STATES] as const;

/** Whether a stored status (a plain string from a row or a response) is one of `group`. */
export function isIn(group: readonly CaseState[], status: string): status is CaseState {
  return (group as readonly string[]).includes(status);
}

/** The staff names of the states, as the workbench and the server's messages show them. */
export const STATE_LABELS: Readonly<Record<CaseState, Label>> = {
  submitted: { 'zh-CN': '待受理', en: 'Submitted' },
  accepted: { 'zh-CN': '已受理', en: 'Accepted' },
  rejected: { 'zh-CN': '不予受理', en: 'Rejected' },
  dispatched: { 'zh-CN': '已分拨', en: 'Dispatched' },
  in_progress: { 'zh-CN': '办理中', en: 'In progress' },
  resolved: { 'zh-CN': '已化解', en: 'Resolved' },
  confirmed: { 'zh-CN': '已确认', en: 'Confirmed' },
  closed: { 'zh-CN': '已办结', en: 'Closed' },
  suspended: { 'zh-CN': '已挂起', en: 'Suspended' },
  merged: { 'zh-CN': '已合并', en: 'Merged' },
};

/**
 * The same states as a resident reads them on the portal: plain words that say what happens next
 * ("已办结，待您确认"), not the office's terms.
 */
export const PUBLIC_STATE_LABELS: Readonly<Record<CaseState, Label>> = {
  submitted: { 'zh-CN': '已提交，待受理', en: 'Submitted, awaiting acceptance' },
  accepted: { 'zh-CN': '已受理', en: 'Accepted' },
  rejected: { 'zh-CN': '不予受理', en: 'Not accepted' },
  dispatched: { 'zh-CN': '已分派，待办理', en: 'Assigned to a unit' },
  in_progress: { 'zh-CN': '办理中', en: 'In progress' },
  resolved: { 'zh-CN': '已办结，待您确认', en: 'Resolved, awaiting your confirmation' },
  confirmed: { 'zh-CN': '已确认', en: 'Confirmed' },
  closed: { 'zh-CN': '已归档', en: 'Closed' },
  suspended: { 'zh-CN': '暂停办理', en: 'Paused' },
  merged: { 'zh-CN': '已与同类诉求合并办理', en: 'Merged with another request' },
};

/** What staff (and a resident, for `add_info` and `confirm`) can do to a case; the machine says when. */
export const CASE_ACTIONS = [
  'respond',
  'accept',
  'reject',
  'dispatch',
  'transfer',
  'escalate',
  'start',
  'resolve',
  'confirm',
  'reopen',
  'close',
  'suspend',
  'resume',
  'merge',
  'comment',
  'regrade',
  'add_info',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** The staff names of the actions: the workbench's buttons and timeline, and the server's refusals. */
export const ACTION_LABELS: Readonly<Record<CaseAction, Label>> = {
  respond: { 'zh-CN': '告知', en: 'Respond' },
  accept: { 'zh-CN': '受理', en: 'Accept' },
  reject: { 'zh-CN': '不予受理', en: 'Reject' },
  dispatch: { 'zh-CN': '分拨', en: 'Dispatch' },
  transfer: { 'zh-CN': '转办', en: 'Transfer' },
  escalate: { 'zh-CN': '提级', en: 'Escalate' },
  start: { 'zh-CN': '开始办理', en: 'Start' },
  resolve: { 'zh-CN': '化解', en: 'Resolve' },
  confirm: { 'zh-CN': '确认', en: 'Confirm' },
  reopen: { 'zh-CN': '重新办理', en: 'Reopen' },
  close: { 'zh-CN': '办结归档', en: 'Close' },
  suspend: { 'zh-CN': '挂起', en: 'Suspend' },
  resume: { 'zh-CN': '恢复', en: 'Resume' },
  merge: { 'zh-CN': '合并', en: 'Merge' },
  comment: { 'zh-CN': '备注', en: 'Note' },
  regrade: { 'zh-CN': '调整等级', en: 'Regrade' },
  add_info: { 'zh-CN': '补充信息', en: 'Add information' },
};
