/**
 * The generated access matrix (security issue #13; ENGINEERING convention 14): every route of the OpenAPI
 * document × every role of SPEC §2 × (own unit, child unit, sibling unit, parent unit, and the district root as a
 * control column), plus anonymous requests, each answer compared with the status the one table
 * (testing/access-matrix.table.ts) derives from the rule, ROLE_PERMISSIONS and the placement.
 *
 * - A route of the document without a row fails, and so does a row naming a route that does not exist.
 * - Each actor is a user created here with ONE role at one unit (users, user_roles and a session written directly:
 *   no login, no Argon2 per actor). Requests go through `app.inject`, so routing, validation, authentication and
 *   the services decide exactly as in production.
 * - Rows that change state get one fresh target per cell, made in bulk before the row: cases are cloned in SQL from
 *   templates that were driven to their state through the real API; orders likewise; users, notices, appointments
 *   and notifications are inserted.
 * - FENGQIAO_MATRIX_REPORT=1 writes artifacts/access-matrix.txt (a grid per row) and artifacts/access-matrix.tsv
 *   (one line per cell: row, owner, expected, actual), to diff between commits.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from './platform/policies.js';
import { createTestApp } from './testing/test-app.js';
import {
  FAMILIES, FRESH_ACCESS_CODE, MATRIX_REPORT_PERIOD, OWNERS, PLACEMENTS, PNG_1x1, SHARED_MARK, TABLE, expectedOf, ownerLabel, rowLabel, unitOf,
  type Cell, type Expected, type FreshCase, type Fx, type Owner, type Req, type Row, type UnitRef,
} from './testing/access-matrix.table.js';

const REPORT = process.env.FENGQIAO_MATRIX_REPORT === '1';

const t = await createTestApp();
afterAll(async () => t.close());
const db = t.database.db;
const now = () => t.clock.now();

// ---------------------------------------------------------------------------------------------------
// The routes of the OpenAPI document
// ---------------------------------------------------------------------------------------------------

const docAnswer = await t.app.inject({ method: 'GET', url: '/docs/json' });
const doc = docAnswer.json<{ paths: Record<string, Record<string, unknown>> }>();
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const documented = Object.entries(doc.paths).flatMap(([p, byMethod]) => Object.keys(byMethod).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${p}`));

// ---------------------------------------------------------------------------------------------------
// Plain HTTP helpers
// ---------------------------------------------------------------------------------------------------

let addressSeq = 0;
/** A new client address per request: per-IP throttles of the resident portal would otherwise answer 429. */
const nextAddress = () => {
  const n = addressSeq++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`;
};

async function call(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return t.app.inject({ method: method as 'GET', url, headers, payload: opts.body as Record<string, unknown> | undefined, remoteAddress: nextAddress() });
}

async function ok<T = Record<string, unknown>>(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}, status?: number): Promise<T> {
  const res = await call(method, url, opts);
  if (res.statusCode >= 300 || (status !== undefined && res.statusCode !== status)) throw new Error(`setup: ${method} ${url} → ${res.statusCode} ${res.body}`);
  return (res.body ? res.json() : {}) as T;
}

// ---------------------------------------------------------------------------------------------------
// The world: units, actors, templates, shared targets
// ---------------------------------------------------------------------------------------------------

type Org = ReturnType<Fx['org']>;
const orgs = new Map<string, Org>();
async function loadOrgs() {
  const rows = await sql<{ id: string; code: string; path: string; name: string; type: string; parent_code: string | null }>`
    SELECT o.id, o.code, o.path, o.name, o.type, p.code AS parent_code FROM org_units o LEFT JOIN org_units p ON p.id = o.parent_id`.execute(db);
  for (const r of rows.rows) orgs.set(r.code, { id: r.id, code: r.code, path: r.path, name: r.name, type: r.type, parentCode: r.parent_code });
}
const org = (code: string) => {
  const o = orgs.get(code);
  if (!o) throw new Error(`no org unit ${code}`);
  return o;
};
let seqN = 0;
const seq = () => ++seqN;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SESSION_DAYS = 30;
const demoHash = (await db.selectFrom('users').select('password_hash').where('username', '=', 'sysadmin').executeTakeFirstOrThrow()).password_hash;
const userId = async (username: string) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

/** A new session of a user, written as login writes it (only the token's SHA-256 is stored). */
async function newSession(uid: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('sessions').values({ token_hash: sha256(token), user_id: uid, created_at: now(), expires_at: new Date(now().getTime() + SESSION_DAYS * 86_400_000), revoked_at: null }).execute();
  return token;
}

/** Users with the given roles, inserted in one statement each; the demo password hash, so login would work too. */
async function insertUsers(specs: { username: string; roles: { role: Role; orgId: string }[] }[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const users = await db
    .insertInto('users')
    .values(specs.map((s) => ({ username: s.username, display_name: `矩阵 ${s.username}`, phone: null, password_hash: demoHash })))
    .returning(['id', 'username'])
    .execute();
  const byName = new Map(users.map((u) => [u.username, u.id]));
  const roles = specs.flatMap((s) => s.roles.map((r) => ({ user_id: byName.get(s.username)!, role: r.role, org_id: r.orgId })));
  if (roles.length > 0) await db.insertInto('user_roles').values(roles).execute();
  return specs.map((s) => byName.get(s.username)!);
}

// Units of the matrix's own: a community (with a grid) under 光明街道 and a sub-unit of 区人力资源局.
const sysadmin = await newSession(await userId('sysadmin'));
await loadOrgs();
const matrixCommunity = await ok<{ id: string }>('POST', '/api/v1/orgs', { token: sysadmin, body: { code: FAMILIES.org.own, name: '矩阵社区', type: 'community', parentId: org('GM.GUANGMING').id } });
const matrixGrid = await ok<{ id: string }>('POST', '/api/v1/orgs', { token: sysadmin, body: { code: FAMILIES.org.child, name: '矩阵社区第1网格', type: 'grid', parentId: matrixCommunity.id } });
// Inactive, so the community itself may be deactivated (a unit with active children may not).
await ok('POST', `/api/v1/orgs/${matrixGrid.id}/deactivate`, { token: sysadmin });
await ok('POST', '/api/v1/orgs', { token: sysadmin, body: { code: FAMILIES.dept.child, name: '劳动监察大队', type: 'department', parentId: org(FAMILIES.dept.own).id } });
await loadOrgs();

// The actors: one user per (role, unit) any row needs, each with a session.
interface ActorUser {
  id: string;
  token: string;
  roles: { role: Role; orgId: string }[];
}
const actors = new Map<string, ActorUser>();
const actorKey = (role: Role, unit: string) => `${role}@${unit}`;
{
  const needed = new Map<string, { role: Role; unit: string }>();
  for (const row of TABLE) for (const o of OWNERS) if (o) needed.set(actorKey(o.role, unitOf(row.family, o)), { role: o.role, unit: unitOf(row.family, o) });
  const specs = [...needed.values()].map((n) => ({ username: `matrix.${n.role}.${n.unit.toLowerCase()}`.replace(/_/g, '-'), roles: [{ role: n.role, orgId: org(n.unit).id }] }));
  const ids = await insertUsers(specs);
  const entries = [...needed.keys()];
  const sessions = entries.map(() => randomBytes(32).toString('base64url'));
  await db
    .insertInto('sessions')
    .values(ids.map((uid, i) => ({ token_hash: sha256(sessions[i]), user_id: uid, created_at: now(), expires_at: new Date(now().getTime() + SESSION_DAYS * 86_400_000), revoked_at: null })))
    .execute();
  entries.forEach((key, i) => actors.set(key, { id: ids[i], token: sessions[i], roles: specs[i].roles }));
}
const actorOf = (row: Row, o: NonNullable<Owner>) => actors.get(actorKey(o.role, unitOf(row.family, o)))!;

// Case templates, one per state, driven there through the real API; cells get SQL clones of them.
const reception = await newSession(await userId('biyan.reception'));
const secretary = await newSession(await userId('biyan.secretary'));
const hrss = await newSession(await userId('hrss.handler'));
const supervisor = await newSession(await userId('supervisor'));
const intake = {
  channel: 'hotline', category: 'neighbor.noise', title: '楼上深夜噪音', description: '楼上住户每晚十二点后仍有敲击声，已持续两周',
  location: { address: '碧眼社区碧眼路1号' }, reporter: { name: '王五', phone: '13912345678' },
};
const newCase = async () => {
  const c = await ok<{ id: string; trackingNo: string; ownerOrgId: string }>('POST', '/api/v1/cases', { token: reception, body: intake }, 201);
  if (c.ownerOrgId !== org(FAMILIES.case.own).id) throw new Error('setup: the template case is not owned by 碧眼社区');
  return c;
};
const act = (caseId: string, body: Record<string, unknown>) => ok('POST', `/api/v1/cases/${caseId}/actions`, { token: sysadmin, body });
const PATHS: Record<Extract<NonNullable<Row['fresh']>, { kind: 'case' }>['state'], Record<string, unknown>[]> = {
  submitted: [],
  rejected: [{ action: 'reject', note: '不属于受理范围', redirectTo: '区法院' }],
  accepted: [{ action: 'accept' }],
  dispatched: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }],
  in_progress: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }, { action: 'start' }],
  resolved: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }, { action: 'start' }, { action: 'resolve', note: '已协调' }],
  confirmed: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }, { action: 'start' }, { action: 'resolve', note: '已协调' }, { action: 'confirm' }],
  suspended: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }, { action: 'start' }, { action: 'suspend', note: '等待判决' }],
  escalated: [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org(FAMILIES.case.own).id }, { action: 'escalate', note: '社区协调未果' }],
};
const caseTemplates = new Map<string, string>();
for (const [state, steps] of Object.entries(PATHS)) {
  const c = await newCase();
  for (const s of steps) await act(c.id, s);
  caseTemplates.set(state, c.id);
}

// Shared targets: a case with an attachment, an order and a notice; a merge target; a pending appointment; a report.
const shared = await newCase();
const mergeTarget = await newCase();
const escalated = await newCase();
for (const s of PATHS.escalated) await act(escalated.id, s);
if ((await ok<{ ownerOrgId: string }>('GET', `/api/v1/cases/${escalated.id}`, { token: sysadmin })).ownerOrgId !== org(FAMILIES.case.parent).id) throw new Error('setup: escalation did not reach 光明街道');
const upload = async (token: string) => {
  const boundary = `----matrix${seq()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
    PNG_1x1,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body, remoteAddress: nextAddress() });
  return res;
};
const attachment = (await upload(sysadmin)).json<{ id: string }>();
await act(shared.id, { action: 'comment', note: '现场照片', attachmentIds: [attachment.id] });
const orphan = (await upload(reception)).json<{ id: string }>();
const issueOrder = async (caseId: string) =>
  (await ok<{ items: { id: string }[] }>('POST', `/api/v1/cases/${caseId}/orders`, { token: secretary, body: { kind: 'routine', departmentIds: [org(FAMILIES.dept.own).id], instructions: '请到现场核实' } }, 201)).items[0].id;
const sharedOrder = await issueOrder(shared.id);
const orderCase = await newCase();
const orderTemplates = new Map<string, string>();
for (const status of ['issued', 'acknowledged', 'arrived', 'completed'] as const) {
  const o = await issueOrder(orderCase.id);
  if (status !== 'issued') await ok('POST', `/api/v1/orders/${o}/acknowledge`, { token: hrss });
  if (status === 'arrived' || status === 'completed') await ok('POST', `/api/v1/orders/${o}/check-in`, { token: hrss, body: { leaderRank: 'section', headcount: 2 } });
  if (status === 'completed') await ok('POST', `/api/v1/orders/${o}/complete`, { token: hrss, body: { report: '已处置' } });
  orderTemplates.set(status, o);
}
const notice = await ok<{ id: string }>('POST', `/api/v1/cases/${shared.id}/supervision-notices`, { token: supervisor, body: { content: '请尽快办理' } }, 201);
const biyan = org(FAMILIES.case.own);
const appointment = await db
  .insertInto('leader_appointments')
  .values({ case_id: shared.id, day: '2026-11-23', level: 'green', leader_role: 'community_secretary', org_id: biyan.id, created_at: now() })
  .returning('id')
  .executeTakeFirstOrThrow();
const report = await db
  .insertInto('supervision_reports')
  .values({ kind: 'digest', org_id: biyan.id, period: MATRIX_REPORT_PERIOD, data: JSON.stringify({}), created_at: now() })
  .returning('id')
  .executeTakeFirstOrThrow();
const foreign = await db
  .insertInto('notifications')
  .values({ user_id: await userId('biyan.reception'), kind: 'matrix', title: '别人的通知', data: JSON.stringify({}), created_at: now() })
  .returning('id')
  .executeTakeFirstOrThrow();
const building = (await db.selectFrom('buildings').select('code').where('community_id', '=', biyan.id).orderBy('code').limit(1).executeTakeFirstOrThrow()).code;
const publicCase = await ok<{ trackingNo: string; accessCode: string }>('POST', '/api/v1/public/cases', { body: { category: 'environment.pollution', title: '河道有异味', description: '茅洲河支流有刺鼻气味', anonymous: true } }, 201);

/** The newest one-time code texted to `phone` (the SMS adapter's outbox row). */
async function lastCode(phone: string): Promise<string> {
  const row = await db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').where(sql<boolean>`payload->>'phone' = ${phone}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const match = /(\d{6})/.exec(String((row.payload as { text: string }).text));
  if (!match) throw new Error('setup: no code in the text message');
  return match[1];
}
const newPhone = () => `136${String(10_000_000 + seq()).slice(-8)}`;
const verifiedPhone = newPhone();
await ok('POST', '/api/v1/public/otp', { body: { phone: verifiedPhone } }, 202);
const verification = await ok<{ verificationToken: string }>('POST', '/api/v1/public/otp/verify', { body: { phone: verifiedPhone, code: await lastCode(verifiedPhone) } });

const settings: Record<string, unknown> = {};
for (const name of ['grading-rules', 'sla-policy', 'office-hours', 'order-matrix', 'assessment-weights']) settings[name] = await ok('GET', `/api/v1/config/${name}`, { token: sysadmin });
await insertUsers([{ username: SHARED_MARK.username, roles: [{ role: 'receptionist', orgId: biyan.id }] }]);

Object.assign(SHARED_MARK, { trackingNo: shared.trackingNo, orderId: sharedOrder, noticeId: notice.id, appointmentId: appointment.id, reportId: Number(report.id), buildingCode: building });

const fx: Fx = {
  org,
  seq,
  shared: {
    caseId: shared.id, trackingNo: shared.trackingNo, escalatedCaseId: escalated.id, mergeTargetId: mergeTarget.id, orderId: sharedOrder, attachmentOnCase: attachment.id,
    orphanAttachment: orphan.id, buildingCode: building, appointmentId: appointment.id, noticeId: notice.id, reportId: Number(report.id),
    foreignNotification: Number(foreign.id), publicCase, verificationToken: verification.verificationToken, settings,
  },
};

// ---------------------------------------------------------------------------------------------------
// Fresh targets, in bulk
// ---------------------------------------------------------------------------------------------------

const columnsOf = async (table: string) =>
  (await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(db)).rows.map((r) => r.column_name);
const caseColumns = await columnsOf('cases');
const orderColumns = await columnsOf('orders');

let cloneSeq = 900_000;
/** `count` copies of a template case: new id, tracking number and access code; everything else as the template has it. */
async function cloneCases(template: string, count: number): Promise<FreshCase[]> {
  const base = cloneSeq;
  cloneSeq += count;
  const override: Record<string, string> = {
    id: 'gen_random_uuid()',
    tracking_no: `'GM20261123-' || (${base} + g)::text`,
    access_code_hash: `encode(sha256(convert_to('GM20261123-' || (${base} + g)::text || ':${FRESH_ACCESS_CODE}', 'UTF8')), 'hex')`,
    idempotency_key: 'NULL',
  };
  const cols = caseColumns.map((c) => override[c] ?? `c.${c}`).join(', ');
  const { rows } = await sql<{ id: string; tracking_no: string }>`
    INSERT INTO cases (${sql.raw(caseColumns.join(', '))})
    SELECT ${sql.raw(cols)} FROM cases c, generate_series(1, ${count}) g WHERE c.id = ${template}
    RETURNING id, tracking_no`.execute(db);
  return rows.map((r) => ({ id: r.id, trackingNo: r.tracking_no })).sort((a, b) => a.trackingNo.localeCompare(b.trackingNo));
}

async function cloneOrders(template: string, count: number): Promise<string[]> {
  const cols = orderColumns.map((c) => (c === 'id' ? 'gen_random_uuid()' : `o.${c}`)).join(', ');
  const { rows } = await sql<{ id: string }>`
    INSERT INTO orders (${sql.raw(orderColumns.join(', '))}) SELECT ${sql.raw(cols)} FROM orders o, generate_series(1, ${count}) g WHERE o.id = ${template}
    RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

const unitCode = (ref: UnitRef) => (typeof ref === 'string' ? FAMILIES.case[ref] : ref.code);
let daySeq = 0;

async function freshTargets(row: Row, owners: Owner[]): Promise<unknown[]> {
  const f = row.fresh;
  const n = owners.length;
  if (!f) return owners.map(() => undefined);
  switch (f.kind) {
    case 'case':
      return cloneCases(caseTemplates.get(f.state)!, n);
    case 'order':
      return cloneOrders(orderTemplates.get(f.status)!, n);
    case 'user':
      return insertUsers(owners.map(() => ({ username: `matrix.target${seq()}`, roles: f.holds.map((h) => ({ role: h.role, orgId: org(unitCode(h.at)).id })) })));
    case 'appointment': {
      const rows = await db
        .insertInto('leader_appointments')
        .values(owners.map(() => ({ case_id: shared.id, day: new Date(Date.UTC(2025, 0, 1) + ++daySeq * 86_400_000).toISOString().slice(0, 10), level: 'green', leader_role: 'community_secretary', org_id: biyan.id, created_at: now() })))
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    }
    case 'notice': {
      const rows = await db
        .insertInto('supervision_notices')
        .values(owners.map(() => ({ case_id: shared.id, org_id: biyan.id, org_path: biyan.path, content: '请反馈', issued_by: null, issued_at: now(), answer_by: new Date(now().getTime() + 86_400_000), status: 'open' })))
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    }
    case 'own-notification': {
      const fallback = await userId('biyan.reception');
      const rows = await db
        .insertInto('notifications')
        .values(owners.map((o) => ({ user_id: o ? actorOf(row, o).id : fallback, kind: 'matrix', title: '矩阵测试通知', data: JSON.stringify({}), created_at: now() })))
        .returning('id')
        .execute();
      return rows.map((r) => Number(r.id));
    }
    case 'own-session':
      return Promise.all(owners.map((o) => (o ? newSession(actorOf(row, o).id) : undefined)));
    case 'own-user': {
      const ids = await insertUsers(owners.flatMap((o) => (o ? [{ username: `matrix.self${seq()}`, roles: [{ role: o.role, orgId: org(unitOf(row.family, o)).id }] }] : [])));
      let i = 0;
      return Promise.all(owners.map(async (o) => (o ? newSession(ids[i++]) : undefined)));
    }
    case 'otp': {
      const out: { phone: string; code: string }[] = [];
      for (const _o of owners) {
        const phone = newPhone();
        await ok('POST', '/api/v1/public/otp', { body: { phone } }, 202);
        out.push({ phone, code: await lastCode(phone) });
      }
      return out;
    }
  }
}

/** Per-cell preparation a few rows need so that every cell starts from the same state. */
async function prepareCell(row: Row) {
  const matrix = org(FAMILIES.org.own);
  if (row.route === 'POST /api/v1/orgs/{id}/deactivate') {
    // Units other rows added under it are active; a unit with active children cannot be deactivated.
    await db.updateTable('org_units').set({ active: false }).where('parent_id', '=', matrix.id).execute();
    await db.updateTable('org_units').set({ active: true }).where('id', '=', matrix.id).execute();
  }
  if (row.route === 'POST /api/v1/orgs/{id}/activate') await db.updateTable('org_units').set({ active: false }).where('id', '=', matrix.id).execute();
}

// ---------------------------------------------------------------------------------------------------
// Sending one cell
// ---------------------------------------------------------------------------------------------------

function urlOf(row: Row, req: Req): string {
  const [, template] = row.route.split(' ');
  const p = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = req.params?.[name];
    if (v === undefined) throw new Error(`${rowLabel(row)}: no value for {${name}}`);
    return encodeURIComponent(v);
  });
  const q = new URLSearchParams(req.query ?? {}).toString();
  return q ? `${p}?${q}` : p;
}

interface Outcome {
  status: number;
  present?: boolean;
  code?: string;
}

async function send(row: Row, req: Req, token: string | undefined): Promise<Outcome> {
  const method = row.route.split(' ')[0] as 'GET';
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | Buffer | undefined;
  if (req.upload) {
    const boundary = `----matrix${seq()}`;
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${req.upload.fileName}"\r\nContent-Type: ${req.upload.mimeType}\r\n\r\n`),
      req.upload.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  } else if (req.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(req.body);
  }
  const url = urlOf(row, req);
  if (row.stream) {
    // An accepted stream stays open for as long as the session lives: read the status line, then let go.
    const res = await t.app.inject({ method, url, headers, payload, remoteAddress: nextAddress(), payloadAsStream: true });
    const stream = res.stream();
    if (res.statusCode >= 300) {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
      return { status: res.statusCode, code: errorCode(Buffer.concat(chunks).toString()) };
    }
    stream.destroy();
    return { status: res.statusCode };
  }
  const res = await t.app.inject({ method, url, headers, payload, remoteAddress: nextAddress() });
  const out: Outcome = { status: res.statusCode };
  if (res.statusCode >= 400) out.code = errorCode(res.body);
  if (row.rule.where === 'scoped' && res.statusCode === 200) out.present = row.rule.present(res.json());
  return out;
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------------

interface CellResult {
  owner: Owner;
  expected: Expected;
  actual: Outcome;
  pass: boolean;
}
const results = new Map<Row, CellResult[]>();
/** CPU milliseconds spent in this process per row (requests only), for the report. */
const cpu = new Map<Row, number>();

function passes(row: Row, e: Expected, a: Outcome): boolean {
  const okStatuses = [row.ok, ...(row.okAlso ?? [])];
  const sameStatus = e.status === a.status || (e.status === row.ok && okStatuses.includes(a.status));
  return sameStatus && (e.present === undefined || e.present === a.present);
}

async function runRow(row: Row): Promise<CellResult[]> {
  const targets = await freshTargets(row, OWNERS);
  const out: CellResult[] = [];
  for (const [i, owner] of OWNERS.entries()) {
    const actor = owner ? actorOf(row, owner) : undefined;
    const cell: Cell = { owner, userId: actor?.id ?? null, roles: actor?.roles ?? [], target: targets[i], fx };
    // `own-session` rows use a session of their own (logout ends it; a self-edit that slipped through would not
    // spoil the actor's shared session for the rows after).
    const token = row.fresh?.kind === 'own-session' || row.fresh?.kind === 'own-user' ? (targets[i] as string | undefined) : actor?.token;
    await prepareCell(row);
    const expected = expectedOf(row, owner);
    const started = process.cpuUsage();
    const actual = await send(row, row.request(cell), token);
    const used = process.cpuUsage(started);
    cpu.set(row, (cpu.get(row) ?? 0) + (used.user + used.system) / 1000);
    out.push({ owner, expected, actual, pass: passes(row, expected, actual) });
  }
  results.set(row, out);
  return out;
}

const show = (e: Expected | Outcome) => `${e.status}${e.present === undefined ? '' : e.present ? '+listed' : '+unlisted'}`;

describe('access matrix: every route × every role × own/child/sibling/parent/root, and anonymous', () => {
  it('has one row for every route of the OpenAPI document, and no row for a route that does not exist', () => {
    expect(docAnswer.statusCode).toBe(200);
    expect(documented.length).toBeGreaterThan(50);
    const rowRoutes = new Set(TABLE.map((r) => r.route));
    expect(documented.filter((r) => !rowRoutes.has(r)), 'routes without a row in testing/access-matrix.table.ts').toEqual([]);
    const optional = new Set(TABLE.filter((r) => r.optional).map((r) => r.route));
    expect([...rowRoutes].filter((r) => !documented.includes(r) && !optional.has(r)), 'rows naming a route the document does not have').toEqual([]);
    const labels = TABLE.map(rowLabel);
    expect(labels.filter((l, i) => labels.indexOf(l) !== i), 'rows listed twice').toEqual([]);
    expect(OWNERS.length).toBe(ROLES.length * PLACEMENTS.length + 1);
  });

  it.each(TABLE.map((row) => ({ name: rowLabel(row), row })))(
    '$name',
    async ({ row }) => {
      if (row.optional && !documented.includes(row.route)) return;
      const cells = await runRow(row);
      const wrong = cells.filter((c) => !c.pass).map((c) => `${ownerLabel(c.owner)}: expected ${show(c.expected)}, got ${show(c.actual)}${c.actual.code ? ` ${c.actual.code}` : ''}`);
      expect(wrong, rowLabel(row)).toEqual([]);
    },
    120_000,
  );

  it('writes the report (FENGQIAO_MATRIX_REPORT=1)', () => {
    const cells = [...results.values()].flat();
    expect(cells.length).toBe(TABLE.filter((r) => !r.optional || documented.includes(r.route)).length * OWNERS.length);
    if (!REPORT) return;
    const lines: string[] = [];
    const tsv: string[] = ['row\towner\texpected\tactual\tcode\tpass'];
    const routes = new Set(TABLE.map((r) => r.route));
    lines.push(`Access matrix: ${routes.size} routes, ${TABLE.length} rows, ${cells.length} cells (${ROLES.length} roles × ${PLACEMENTS.length} placements + anonymous per row); ${cells.filter((c) => !c.pass).length} cells differ from the rule.`);
    lines.push('Cell: ✓ the answer the rule expects; ✗expected→actual otherwise. "+" listed, "-" not listed (scoped lists).', '');
    const brief = (o: Expected | Outcome) => `${o.status}${o.present === undefined ? '' : o.present ? '+' : '-'}`;
    for (const row of TABLE) {
      const rs = results.get(row);
      if (!rs) continue;
      lines.push(`${rowLabel(row)}   [cpu ${Math.round(cpu.get(row) ?? 0)} ms; ${row.family}; ${JSON.stringify(row.rule, (k, v) => (k === 'present' ? undefined : v))}; ok ${row.ok}]${row.note ? `  — ${row.note}` : ''}`);
      lines.push(`  ${''.padEnd(20)}${PLACEMENTS.map((p) => `${p}=${unitOf(row.family, { placement: p }).replace(/^GM\.(GUANGMING\.|DEPT\.)?/, '')}`.slice(0, 25).padEnd(26)).join('')}`);
      for (const role of ROLES) {
        const cols = PLACEMENTS.map((p) => {
          const c = rs.find((x) => x.owner?.role === role && x.owner.placement === p)!;
          return (c.pass ? `✓ ${brief(c.actual)}` : `✗ ${brief(c.expected)}→${brief(c.actual)}${c.actual.code ? ` ${c.actual.code}` : ''}`).padEnd(26);
        });
        lines.push(`  ${role.padEnd(20)}${cols.join('')}`);
      }
      const anon = rs.find((x) => x.owner === null)!;
      lines.push(`  ${'anonymous'.padEnd(20)}${anon.pass ? `✓ ${brief(anon.actual)}` : `✗ ${brief(anon.expected)}→${brief(anon.actual)}`}`, '');
      for (const c of rs) tsv.push([rowLabel(row), ownerLabel(c.owner), brief(c.expected), brief(c.actual), c.actual.code ?? '', c.pass ? 'pass' : 'FAIL'].join('\t'));
    }
    const dir = path.resolve('artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'access-matrix.txt'), `${lines.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'access-matrix.tsv'), `${tsv.join('\n')}\n`);
  });
});
