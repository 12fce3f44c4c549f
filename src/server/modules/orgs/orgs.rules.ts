/**
 * Pure rules of the org tree: which unit type may hang under which, and the
 * materialised path that makes subtree queries a single indexed prefix scan.
 */
import type { OrgType } from './orgs.tables.js';
import { l, type Localised } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';

export const ORG_TYPES: readonly OrgType[] = ['district', 'subdistrict', 'community', 'station', 'grid', 'department'];

/** Allowed parent types for each unit type; `null` means it may be a root. */
const ALLOWED_PARENTS: Record<OrgType, readonly (OrgType | null)[]> = {
  district: [null],
  subdistrict: ['district'],
  community: ['subdistrict'],
  station: ['community', 'subdistrict'],
  grid: ['community', 'station'],
  department: ['district', 'subdistrict', 'department'],
};

export function isOrgType(value: string): value is OrgType {
  return (ORG_TYPES as readonly string[]).includes(value);
}

/** Returns why `type` may not sit under `parentType`, or null when it may. */
export function parentProblem(type: OrgType, parentType: OrgType | null): Localised | null {
  if (ALLOWED_PARENTS[type].includes(parentType)) return null;
  const allowed = ALLOWED_PARENTS[type].map((t) => t ?? '(none)').join(' / ');
  return l(`${type} 类单位的上级应为 ${allowed}，不能是 ${parentType ?? '(none)'}`, `a ${type} must be under ${allowed}, not ${parentType ?? '(none)'}`);
}

/** `/rootId/…/id/`: each ancestor then self, each followed by '/'. */
export function childPath(parentPath: string | null, id: string): string {
  return `${parentPath ?? '/'}${id}/`;
}

export function depthOf(path: string): number {
  return path.split('/').filter(Boolean).length - 1;
}

export function isWithin(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Ids of the ancestors of a path, root first, excluding the unit itself. */
export function ancestorIds(path: string): string[] {
  return path.split('/').filter(Boolean).slice(0, -1);
}

/**
 * A new root of the tree (a second district beside the first) changes what "district-wide" means for every
 * setting and every scope, so it is a system administrator's matter, not a district administrator's.
 */
export function mayCreateRoot(actor: Actor): boolean {
  return actor.roles.some((r) => r.role === 'sysadmin');
}
