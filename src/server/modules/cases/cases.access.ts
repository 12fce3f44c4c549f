/**
 * Who may see a case and take which action on it: the case module's policy
 * layer (platform/policies.ts holds the generic role table and `can`). Every
 * service that shows or changes a case, in this module or another, asks here
 * first, and the presenter uses the same rule for `allowedActions`.
 */
import { can, type Actor, type Permission } from '../../platform/policies.js';
import type { CaseAction } from './lifecycle.rules.js';
import type { CaseRow } from './cases.repo.js';

/** The permissions that allow each action (any one of them, held where the case is). */
export const ACTION_PERMISSIONS: Record<CaseAction, Permission[]> = {
  respond: ['case:handle', 'case:intake'],
  accept: ['case:handle'],
  reject: ['case:handle'],
  dispatch: ['case:dispatch'],
  transfer: ['case:dispatch', 'case:handle'],
  escalate: ['case:handle'],
  start: ['case:handle'],
  resolve: ['case:handle'],
  confirm: ['case:handle'],
  reopen: ['case:handle', 'case:supervise'],
  close: ['case:handle'],
  suspend: ['case:handle'],
  resume: ['case:handle'],
  merge: ['case:handle'],
  comment: ['case:read'],
  regrade: ['case:handle', 'case:supervise'],
  add_info: ['case:handle', 'case:intake'],
};

/**
 * What the first-receiving unit keeps once a case has moved on (首接负责): it answers to the resident, so it may
 * note, confirm the result with them, reopen on their complaint and close; working the case belongs to the owner.
 */
export const FIRST_RECEIVER_ACTIONS: readonly CaseAction[] = ['comment', 'confirm', 'reopen', 'close'];

/**
 * Whether the actor may take `action` on this case: the permission held on the owner unit or an ancestor of it;
 * for the resident-facing actions above, on the first-receiving unit's subtree too.
 */
export function mayAct(actor: Actor, row: Pick<CaseRow, 'owner_path' | 'first_path'>, action: CaseAction): boolean {
  const paths = FIRST_RECEIVER_ACTIONS.includes(action) ? [row.owner_path, row.first_path] : [row.owner_path];
  return ACTION_PERMISSIONS[action].some((p) => paths.some((path) => can(actor, p, path)));
}

/** Whether the actor may read the case: `case:read` over its owner or its first-receiving unit. */
export function canSee(actor: Actor, row: Pick<CaseRow, 'owner_path' | 'first_path'>): boolean {
  return can(actor, 'case:read', row.owner_path) || can(actor, 'case:read', row.first_path);
}
