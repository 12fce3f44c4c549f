/**
 * Regression tests for the two ways a subdistrict administrator could take the district (issue 13, findings 1
 * and 2): granting itself or a puppet district-wide roles, then using powers held "anywhere"; and taking over a
 * user whose roles reach beyond its own scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { TEST_PASSWORD } from '../../testing/templates.js';
import { findOrgByCode } from '../orgs/index.js';
import { findUserByUsername } from './users.repo.js';

let t: TestApp;
const org: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.YUTANG.CHANGZHEN']) org[code] = (await findOrgByCode(t.database.db, code))!.id;
});
afterAll(async () => t.close());

type Grant = { role: string; orgId: string };

async function call(user: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), payload });
}

let serial = 0;
/** Creates a user as `by` (sysadmin unless said) and returns its id. */
async function newUser(roles: Grant[], by = 'sysadmin'): Promise<{ id: string; username: string }> {
  const username = `probe.${++serial}`;
  const res = await call(by, 'POST', '/users', { username, displayName: `探针${serial}`, password: TEST_PASSWORD, roles });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, username };
}

const rolesOf = async (username: string) => (await call(username, 'GET', '/auth/me')).json().roles.map((r: { role: string; orgId: string }) => `${r.role}@${r.orgId}`);

describe('finding 1: nobody grants a role above their own, nor edits their own roles', () => {
  it('a subdistrict admin cannot add district_admin to its own account (was 204)', async () => {
    const me = (await findUserByUsername(t.database.db, 'guangming.admin'))!;
    const res = await call('guangming.admin', 'PUT', `/users/${me.id}/roles`, {
      roles: [{ role: 'subdistrict_admin', orgId: org['GM.GUANGMING'] }, { role: 'district_admin', orgId: org['GM.GUANGMING'] }],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('OWN_ACCOUNT');
    expect(await rolesOf('guangming.admin')).toEqual([`subdistrict_admin@${org['GM.GUANGMING']}`]);
  });

  it('nor hand district_admin, leader or supervisor to a puppet, even bound to its own subdistrict', async () => {
    for (const role of ['district_admin', 'leader', 'supervisor', 'sysadmin']) {
      const res = await call('guangming.admin', 'POST', '/users', {
        username: `puppet.${role}`, displayName: '傀儡', password: TEST_PASSWORD, roles: [{ role, orgId: org['GM.GUANGMING'] }],
      });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('ROLE_NOT_GRANTABLE');
      expect(res.json().error.message).toContain('光明街道');
    }
    expect(await findUserByUsername(t.database.db, 'puppet.district_admin')).toBeUndefined();
  });

  it('but appoints staff in its communities, and a fellow subdistrict admin at its own unit', async () => {
    const staff = await newUser([{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }], 'guangming.admin');
    const colleague = await newUser([{ role: 'subdistrict_admin', orgId: org['GM.GUANGMING'] }], 'guangming.admin');
    expect(await rolesOf(staff.username)).toEqual([`receptionist@${org['GM.GUANGMING.BIYAN']}`]);
    expect(await rolesOf(colleague.username)).toEqual([`subdistrict_admin@${org['GM.GUANGMING']}`]);
    // Outside its subdistrict it grants nothing, and a user without roles is not its to create.
    const outside = await call('guangming.admin', 'POST', '/users', {
      username: 'outside.1', displayName: '外部', password: TEST_PASSWORD, roles: [{ role: 'receptionist', orgId: org['GM.YUTANG.CHANGZHEN'] }],
    });
    expect(outside.statusCode).toBe(403);
    const roleless = await call('guangming.admin', 'POST', '/users', { username: 'roleless.1', displayName: '无角色', password: TEST_PASSWORD, roles: [] });
    expect(roleless.statusCode).toBe(400);
    expect(roleless.json().error.details.fields[0].path).toBe('body.roles');
  });

  it('district-wide settings, the audit check and imports need the power held at the district root', async () => {
    // A district_admin bound to a subdistrict (as the escalation produced) holds config:write, but not district-wide.
    const local = await newUser([{ role: 'district_admin', orgId: org['GM.GUANGMING'] }]);
    for (const setting of ['sla-policy', 'office-hours', 'order-matrix', 'assessment-weights', 'grading-rules']) {
      const current = await call('district.admin', 'GET', `/config/${setting}`);
      expect(current.statusCode, setting).toBe(200);
      const refused = await call(local.username, 'PUT', `/config/${setting}`, current.json());
      expect(refused.statusCode, setting).toBe(403);
      const allowed = await call('district.admin', 'PUT', `/config/${setting}`, current.json());
      expect(allowed.statusCode, setting).toBe(200);
    }
    expect((await call(local.username, 'GET', '/admin/audit/verify')).statusCode).toBe(403);
    expect((await call('district.admin', 'GET', '/admin/audit/verify')).statusCode).toBe(200);

    const rename = await call(local.username, 'POST', '/orgs/import', { fileName: 'units.csv', content: 'code,name,type,parent_code\nGM.YUTANG.CHANGZHEN,被改名社区,community,GM.YUTANG' });
    expect(rename.statusCode).toBe(403);
    const changzhen = await t.database.db.selectFrom('org_units').select('name').where('id', '=', org['GM.YUTANG.CHANGZHEN']).executeTakeFirstOrThrow();
    expect(changzhen.name).not.toBe('被改名社区');
  });
});

describe('the workbench is told what will pass', () => {
  it('grantable roles follow the ladder, and a user row says whether the reader may change it', async () => {
    const me = (await call('guangming.admin', 'GET', '/auth/me')).json();
    expect(me.grantableRoles).toContain('receptionist');
    expect(me.grantableRoles).toContain('subdistrict_admin');
    expect(me.grantableRoles).not.toContain('district_admin');
    expect((await call('biyan.reception', 'GET', '/auth/me')).json().grantableRoles).toEqual([]);
    const rows = (await call('guangming.admin', 'GET', '/users?pageSize=200')).json().items as { username: string; manageable: boolean }[];
    const manageable = (name: string) => rows.find((r) => r.username === name)?.manageable;
    expect(manageable('guangming.admin')).toBe(false);
    expect(manageable('biyan.reception')).toBe(true);
  });
});

describe('finding 2: a user is changed only by someone who could have granted every role they hold', () => {
  it('a subdistrict admin cannot reset the password of, strip or disable a user who is also a district admin', async () => {
    const target = await newUser([{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }, { role: 'district_admin', orgId: org['GM']! }]);
    const reset = await call('guangming.admin', 'PUT', `/users/${target.id}/password`, { password: 'Taken@Over2026' });
    expect(reset.statusCode).toBe(403);
    expect(reset.json().error.code).toBe('USER_OUT_OF_REACH');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: target.username, password: 'Taken@Over2026' } });
    expect(login.statusCode).not.toBe(200);

    const strip = await call('guangming.admin', 'PUT', `/users/${target.id}/roles`, { roles: [{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }] });
    expect(strip.statusCode).toBe(403);
    const disable = await call('guangming.admin', 'PATCH', `/users/${target.id}`, { active: false });
    expect(disable.statusCode).toBe(403);
    expect(await rolesOf(target.username)).toHaveLength(2);

    // The district admin, whose reach covers both roles, may.
    expect((await call('district.admin', 'PUT', `/users/${target.id}/password`, { password: 'Fresh@Start2026' })).statusCode).toBe(204);
  });

  it('a user without roles is reached only district-wide', async () => {
    const bare = await newUser([]);
    expect((await call('guangming.admin', 'PUT', `/users/${bare.id}/password`, { password: 'Taken@Over2026' })).statusCode).toBe(404);
    expect((await call('guangming.admin', 'PUT', `/users/${bare.id}/roles`, { roles: [{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }] })).statusCode).toBe(404);
    expect((await call('district.admin', 'PUT', `/users/${bare.id}/roles`, { roles: [{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }] })).statusCode).toBe(204);
  });

  it('its own staff it still manages', async () => {
    const staff = await newUser([{ role: 'receptionist', orgId: org['GM.GUANGMING.BIYAN'] }]);
    expect((await call('guangming.admin', 'PUT', `/users/${staff.id}/password`, { password: 'Reset@Desk2026' })).statusCode).toBe(204);
    expect((await call('guangming.admin', 'PUT', `/users/${staff.id}/roles`, { roles: [{ role: 'grid_worker', orgId: org['GM.GUANGMING.BIYAN'] }] })).statusCode).toBe(204);
  });
});
