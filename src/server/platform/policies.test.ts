import { describe, expect, it } from 'vitest';
import { canDistrictWide, isRootPath, mayGrant, mayManageUser, ROLE_RANK, ROLES, type Actor, type Role } from './policies.js';

// A district, one of its subdistricts, a community in it, and a community of another subdistrict.
const DISTRICT = '/d/';
const SUB = '/d/s1/';
const COMMUNITY = '/d/s1/c1/';
const OTHER = '/d/s2/c9/';

const actor = (id: string, ...roles: [Role, string][]): Actor => ({
  id,
  username: id,
  displayName: id,
  roles: roles.map(([role, orgPath]) => ({ role, orgPath, orgId: orgPath, orgName: orgPath, orgType: 'x' })),
});

const subAdmin = actor('sub', ['subdistrict_admin', SUB]);
const districtAdmin = actor('dist', ['district_admin', DISTRICT]);

describe('the role ladder', () => {
  it('ranks every role, each staff role below the secretary, the secretary below the administrators', () => {
    expect(Object.keys(ROLE_RANK).sort()).toEqual([...ROLES].sort());
    for (const staff of ['receptionist', 'grid_worker', 'mediator', 'lawyer', 'counselor', 'handler', 'judge'] as const) {
      expect(ROLE_RANK[staff]).toBeLessThan(ROLE_RANK.community_secretary);
    }
    expect(ROLE_RANK.community_secretary).toBeLessThan(ROLE_RANK.subdistrict_admin);
    expect(ROLE_RANK.subdistrict_admin).toBeLessThan(ROLE_RANK.leader);
    expect(ROLE_RANK.leader).toBeLessThan(ROLE_RANK.district_admin);
    expect(ROLE_RANK.district_admin).toBeLessThan(ROLE_RANK.sysadmin);
  });

  it('a subdistrict admin grants roles below its own inside its subtree, and its own role at or below its unit', () => {
    expect(mayGrant(subAdmin, { role: 'receptionist', orgPath: COMMUNITY })).toBe(true);
    expect(mayGrant(subAdmin, { role: 'community_secretary', orgPath: COMMUNITY })).toBe(true);
    expect(mayGrant(subAdmin, { role: 'subdistrict_admin', orgPath: SUB })).toBe(true);
    // Above its rank, wherever bound; and nothing outside its subtree or above its unit.
    for (const role of ['district_admin', 'leader', 'supervisor', 'sysadmin'] as const) expect(mayGrant(subAdmin, { role, orgPath: SUB })).toBe(false);
    expect(mayGrant(subAdmin, { role: 'receptionist', orgPath: OTHER })).toBe(false);
    expect(mayGrant(subAdmin, { role: 'subdistrict_admin', orgPath: DISTRICT })).toBe(false);
  });

  it('a role without user:write grants nothing, however high', () => {
    const leader = actor('leader', ['leader', DISTRICT]);
    expect(mayGrant(leader, { role: 'receptionist', orgPath: COMMUNITY })).toBe(false);
    const secretary = actor('sec', ['community_secretary', COMMUNITY]);
    expect(mayGrant(secretary, { role: 'receptionist', orgPath: COMMUNITY })).toBe(false);
  });

  it('the grant must come from one role: rank from one unit and reach from another do not add up', () => {
    // Rank of a district admin held at a community, reach of a receptionist... neither alone can grant a
    // secretary at the other community.
    const mixed = actor('mixed', ['district_admin', COMMUNITY], ['receptionist', DISTRICT]);
    expect(mayGrant(mixed, { role: 'community_secretary', orgPath: OTHER })).toBe(false);
    expect(mayGrant(mixed, { role: 'community_secretary', orgPath: COMMUNITY })).toBe(true);
  });
});

describe('who may change a user', () => {
  it('only someone who could grant every role the user holds, never oneself', () => {
    expect(mayManageUser(subAdmin, 'u1', [{ role: 'receptionist', orgPath: COMMUNITY }])).toBe(true);
    expect(mayManageUser(subAdmin, 'u1', [{ role: 'receptionist', orgPath: COMMUNITY }, { role: 'district_admin', orgPath: DISTRICT }])).toBe(false);
    expect(mayManageUser(subAdmin, 'u1', [{ role: 'receptionist', orgPath: COMMUNITY }, { role: 'receptionist', orgPath: OTHER }])).toBe(false);
    expect(mayManageUser(districtAdmin, 'u1', [{ role: 'receptionist', orgPath: COMMUNITY }, { role: 'district_admin', orgPath: DISTRICT }])).toBe(true);
    expect(mayManageUser(subAdmin, 'sub', [{ role: 'subdistrict_admin', orgPath: SUB }])).toBe(false);
  });

  it('a user without roles only district-wide', () => {
    expect(mayManageUser(subAdmin, 'u2', [])).toBe(false);
    expect(mayManageUser(districtAdmin, 'u2', [])).toBe(true);
  });
});

describe('district-wide powers', () => {
  it('are held at a root only', () => {
    expect(isRootPath(DISTRICT)).toBe(true);
    expect(isRootPath(SUB)).toBe(false);
    expect(canDistrictWide(districtAdmin, 'config:write')).toBe(true);
    expect(canDistrictWide(actor('local', ['district_admin', SUB]), 'config:write')).toBe(false);
    expect(canDistrictWide(actor('lead', ['leader', DISTRICT]), 'config:write')).toBe(false);
  });
});
