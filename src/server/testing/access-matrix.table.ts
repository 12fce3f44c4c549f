/**
 * The access matrix (security issue #13, ENGINEERING convention 14): ONE table saying, for every route of the
 * OpenAPI document, who may call it and where the permission must be held. `access-matrix.test.ts` sends every
 * row as every role of SPEC §2 bound at five placements around the row's target, plus anonymously, and compares
 * each answer with the status derived here from the rule, the role table (ROLE_PERMISSIONS) and the placement.
 *
 * Reading a row:
 * - `route`: method and OpenAPI path, exactly as `GET /docs/json` lists it (a route missing here fails the test).
 * - `family`: which five units the actors sit on (see FAMILIES): around a case of 碧眼社区, an org unit of its own
 *   (矩阵社区, made for the matrix), or the department 区人力资源局.
 * - `rule`: where the permission must be held (see Rule), and the answer when it is not.
 * - `request`: a VALID request (Fastify validates before the handler: a 400 would hide the decision), built per
 *   cell; `fresh` builds one new target per cell when the request changes state, so cells never interfere.
 *
 * Expected statuses are derived, never written per cell: `expectedOf(row, owner)`.
 */
import { ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '../platform/policies.js';
import { TEST_PASSWORD } from './templates.js';

// ---------------------------------------------------------------------------------------------------
// Placements and families
// ---------------------------------------------------------------------------------------------------

/** Where the actor's one role is bound, relative to the row's target unit; `root` (光明区) is the control column. */
export const PLACEMENTS = ['own', 'child', 'sibling', 'parent', 'root'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export type Family = 'case' | 'org' | 'dept';

/**
 * The five units of each family, by org code (the demo's codes nest: a unit's code starts with its parent's).
 * `case`: the target is a case owned (and first received) by 碧眼社区. `org`: the target is 矩阵社区, a community
 * the test adds under 光明街道 (so deactivating or renaming it disturbs nothing else), with a grid of its own.
 * `dept`: the target is 区人力资源局 (orders received, check-in), with a sub-unit the test adds; its parent is the root.
 */
export const FAMILIES: Record<Family, Record<Placement, string>> = {
  case: { own: 'GM.GUANGMING.BIYAN', child: 'GM.GUANGMING.BIYAN.G1', sibling: 'GM.GUANGMING.DONGZHOU', parent: 'GM.GUANGMING', root: 'GM' },
  org: { own: 'GM.GUANGMING.MATRIX', child: 'GM.GUANGMING.MATRIX.G1', sibling: 'GM.GUANGMING.BIYAN', parent: 'GM.GUANGMING', root: 'GM' },
  dept: { own: 'GM.DEPT.HRSS', child: 'GM.DEPT.HRSS.INSPECT', sibling: 'GM.DEPT.POLICE', parent: 'GM', root: 'GM' },
};

/** A unit outside every placement but the root: another subdistrict's community (users holding a role there). */
export const ELSEWHERE = 'GM.YUTANG.CHANGZHEN';
export const ROOT = 'GM';

/** Who sends a cell: a role bound at a placement, or nobody (no token). */
export type Owner = { role: Role; placement: Placement } | null;

export const ownerLabel = (o: Owner) => (o ? `${o.role}@${o.placement}` : 'anonymous');

/** The unit code of an owner's role in a family. */
export const unitOf = (family: Family, o: { placement: Placement }) => FAMILIES[family][o.placement];

/** Whether a role at unit `holder` reaches unit `target` (the same unit or an ancestor of it). */
export const covers = (holder: string, target: string) => target === holder || target.startsWith(`${holder}.`);

const has = (role: Role, p: Permission) => ROLE_PERMISSIONS[role].includes(p);

// ---------------------------------------------------------------------------------------------------
// The role ladder of rule 3 (issue #13), kept here rather than imported: the matrix states the rule itself
// ---------------------------------------------------------------------------------------------------

/** sysadmin > district_admin > leader, supervisor > subdistrict_admin > community_secretary > staff roles > citizen. */
export const LADDER: Record<Role, number> = {
  citizen: 0, receptionist: 1, grid_worker: 1, mediator: 1, lawyer: 1, counselor: 1, handler: 1, judge: 1,
  community_secretary: 2, subdistrict_admin: 3, leader: 4, supervisor: 4, district_admin: 5, sysadmin: 6,
};

// ---------------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------------

/** A unit of the row's family (`own` = the target), or a fixed unit code. */
export type UnitRef = Placement | { code: string };

export type Rule =
  /** Anyone, no token needed; a staff token changes nothing. */
  | { where: 'public' }
  /** Any session, whatever its roles (a citizen's too): the caller's own things (me, logout, own notifications). */
  | { where: 'self' }
  /** Nobody, whoever asks (e.g. editing one's own roles, reading someone else's notification): `deny` for every session. */
  | { where: 'nobody'; deny: 403 | 404 }
  /** The permission held anywhere: the work is confined to the caller's own units by construction (intake, reading settings). */
  | { where: 'somewhere'; perm: Permission }
  /** The permission held at the district root (district-wide settings, the audit chain, the test clock). */
  | { where: 'root'; perm: Permission }
  /**
   * One of `perm` held on a target unit or an ancestor (`at`, default the family's `own`). `gate`: checked first,
   * held anywhere, else 403 (a gate reveals nothing about the target). `hidden`: the target does not exist for
   * whoever lacks this permission on one of `seeAt` (default `at`): 404, so ids cannot be probed. Otherwise 403.
   */
  | { where: 'target'; perm: Permission[]; at?: UnitRef[]; gate?: Permission; hidden?: Permission; seeAt?: UnitRef[] }
  /** A list filtered in SQL: 403 without the permission anywhere, else 200, the target row listed iff held at the target. */
  | { where: 'scoped'; perm: Permission; present: (body: unknown) => boolean }
  /** Creating a user with `role` at the family's own unit (null: with no role at all). Rule 3 of issue #13. */
  | { where: 'grant'; role: Role | null }
  /**
   * Changing a user who holds `holds` (rule 3): 403 without user:write anywhere; 404 when none of the user's units is
   * in the caller's user:read scope (and the caller has no user:read at the root); 403 unless the caller could have
   * granted every role the user holds, and (`grants`) every role the request hands out.
   */
  | { where: 'manage'; holds: { role: Role; at: UnitRef }[]; grants?: { role: Role; at: UnitRef }[] };

export interface Expected {
  status: number;
  /** For scoped lists: whether the target row must be in the answer. */
  present?: boolean;
}

const codeOf = (family: Family, ref: UnitRef) => (typeof ref === 'string' ? FAMILIES[family][ref] : ref.code);

/** Whether the owner holds `perm` on unit `target` or an ancestor of it. */
export function holdsAt(family: Family, o: { role: Role; placement: Placement }, perm: Permission, target: string): boolean {
  return has(o.role, perm) && covers(unitOf(family, o), target);
}

/** Could this owner grant `role` at `target`? user:write there or above, and the same role or a higher rung. */
export function mayGrant(family: Family, o: { role: Role; placement: Placement }, role: Role, target: string): boolean {
  return holdsAt(family, o, 'user:write', target) && (o.role === role || LADDER[o.role] > LADDER[role]);
}

/** The status (and list membership) a cell must answer: derived from the rule, the role table and the placement. */
export function expectedOf(row: Row, o: Owner): Expected {
  const rule = row.rule;
  if (rule.where === 'public') return { status: row.ok };
  if (!o) return { status: 401 };
  const f = row.family;
  const own = FAMILIES[f].own;
  switch (rule.where) {
    case 'self':
      return { status: row.ok };
    case 'nobody':
      return { status: rule.deny };
    case 'somewhere':
      return { status: has(o.role, rule.perm) ? row.ok : 403 };
    case 'root':
      return { status: has(o.role, rule.perm) && unitOf(f, o) === ROOT ? row.ok : 403 };
    case 'target': {
      const at = (rule.at ?? ['own']).map((r) => codeOf(f, r));
      const seeAt = (rule.seeAt ?? rule.at ?? ['own']).map((r) => codeOf(f, r));
      if (rule.gate && !has(o.role, rule.gate)) return { status: 403 };
      if (rule.hidden && !seeAt.some((t) => holdsAt(f, o, rule.hidden!, t))) return { status: 404 };
      return { status: rule.perm.some((p) => at.some((t) => holdsAt(f, o, p, t))) ? row.ok : 403 };
    }
    case 'scoped':
      return has(o.role, rule.perm) ? { status: 200, present: holdsAt(f, o, rule.perm, own) } : { status: 403 };
    case 'grant': {
      if (!has(o.role, 'user:write')) return { status: 403 };
      // A user without roles is reachable only district-wide; below the root the service names the field (400).
      if (rule.role === null) return { status: holdsAt(f, o, 'user:write', ROOT) ? row.ok : 400 };
      return { status: mayGrant(f, o, rule.role, own) ? row.ok : 403 };
    }
    case 'manage': {
      if (!has(o.role, 'user:write')) return { status: 403 };
      const held = rule.holds.map((h) => ({ role: h.role, at: codeOf(f, h.at) }));
      const sees = held.some((h) => holdsAt(f, o, 'user:read', h.at)) || holdsAt(f, o, 'user:read', ROOT);
      if (!sees) return { status: 404 };
      const reach = held.length === 0 ? holdsAt(f, o, 'user:write', ROOT) : held.every((h) => mayGrant(f, o, h.role, h.at));
      const grants = (rule.grants ?? []).every((g) => mayGrant(f, o, g.role, codeOf(f, g.at)));
      return { status: reach && grants ? row.ok : 403 };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------

/** What the test knows about the world it built (ids of units, shared targets, current settings). */
export interface Fx {
  org(code: string): { id: string; path: string; code: string; name: string; parentCode: string | null; type: string };
  /** A number unique in the run (fresh codes, usernames, phones). */
  seq(): number;
  shared: {
    /** A submitted case of 碧眼社区 with an attachment, an order and a notice. */
    caseId: string;
    trackingNo: string;
    /** A case 碧眼社区 received first and escalated to 光明街道 (owner: the parent placement; dispatched). */
    escalatedCaseId: string;
    /** Another open case of 碧眼社区 that merges land in. */
    mergeTargetId: string;
    /** An order of 碧眼社区 to 区人力资源局 (issued). */
    orderId: string;
    attachmentOnCase: string;
    /** Uploaded by a demo user and on no case yet: only its uploader may read it. */
    orphanAttachment: string;
    buildingCode: string;
    appointmentId: string;
    noticeId: string;
    reportId: number;
    /** A notification of another user (a demo user). */
    foreignNotification: number;
    publicCase: { trackingNo: string; accessCode: string };
    verificationToken: string;
    settings: Record<string, unknown>;
  };
}

/** The fresh target of a cell, as `fresh` made it. */
export interface FreshCase {
  id: string;
  trackingNo: string;
}

export interface Cell {
  owner: Owner;
  /** The actor's user id (null when anonymous). */
  userId: string | null;
  /** The actor's roles as stored, for requests about the actor itself. */
  roles: { role: Role; orgId: string }[];
  /** What `fresh` made for this cell (undefined when the row has none). */
  target: unknown;
  fx: Fx;
}

export interface Req {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A multipart upload instead of JSON. */
  upload?: { fileName: string; mimeType: string; bytes: Buffer };
}

/** Fresh targets made in bulk before the row's cells run, one per cell, in cell order. */
export type FreshKind =
  | { kind: 'case'; state: 'submitted' | 'accepted' | 'dispatched' | 'in_progress' | 'resolved' | 'confirmed' | 'rejected' | 'suspended' | 'escalated' }
  | { kind: 'order'; status: 'issued' | 'acknowledged' | 'arrived' | 'completed' }
  | { kind: 'user'; holds: { role: Role; at: UnitRef }[] }
  | { kind: 'appointment' }
  | { kind: 'notice' }
  /** A notification of the cell's own actor. */
  | { kind: 'own-notification' }
  /** A session of the cell's own actor, used instead of the shared one (logout ends it). */
  | { kind: 'own-session' }
  /** A new user with the cell's role at the cell's unit, and a session of it, used instead of the shared actor. */
  | { kind: 'own-user' }
  /** A phone that was sent a one-time code: `{ phone, code }`. */
  | { kind: 'otp' };

export interface Row {
  /** `METHOD /path` as in the OpenAPI document. */
  route: string;
  /** Several rows of one route (case actions, user grants): what this one sends. */
  variant?: string;
  family: Family;
  rule: Rule;
  /** The success status. */
  ok: number;
  fresh?: FreshKind;
  request: (cell: Cell) => Req;
  /** Streams: the answer is read as far as the status line, then dropped. */
  stream?: boolean;
  /** The route is in the document only in some builds (the web bundles): no failure when it is absent. */
  optional?: boolean;
  /** Other statuses that count as the positive answer (e.g. 503 for posters on a machine without CJK fonts). */
  okAlso?: number[];
  /** Why the rule is what it is, when it is not obvious (shown in the report). */
  note?: string;
}

// ---------------------------------------------------------------------------------------------------
// Helpers for request bodies
// ---------------------------------------------------------------------------------------------------

const freshCase = (c: Cell) => c.target as FreshCase;
const freshId = (c: Cell) => c.target as string;
const id = (c: Cell, code: string) => c.fx.org(code).id;
const BIYAN = FAMILIES.case.own;
const MATRIX = FAMILIES.org.own;
const HRSS = FAMILIES.dept.own;

/** A 1×1 PNG: the upload sniffer reads the bytes, not the name. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const intakeBody = {
  channel: 'hotline', category: 'neighbor.noise', title: '楼上深夜噪音', description: '楼上住户每晚十二点后仍有敲击声',
  location: { address: '碧眼社区碧眼路1号' }, reporter: { name: '李四', phone: '13800138000' },
};

/** `POST /cases/{id}/actions`: one row per action of the contract, each on a fresh case in a state that allows it. */
const ACTIONS: {
  action: string;
  state: Extract<FreshKind, { kind: 'case' }>['state'] | null;
  perm: Permission[];
  body?: (c: Cell) => Record<string, unknown>;
}[] = [
  { action: 'respond', state: 'submitted', perm: ['case:handle', 'case:intake'] },
  { action: 'accept', state: 'submitted', perm: ['case:handle'] },
  { action: 'reject', state: 'submitted', perm: ['case:handle'], body: () => ({ note: '不属于受理范围', redirectTo: '区法院诉讼服务中心' }) },
  { action: 'dispatch', state: 'accepted', perm: ['case:dispatch'], body: (c) => ({ targetOrgId: id(c, BIYAN) }) },
  { action: 'transfer', state: 'dispatched', perm: ['case:dispatch', 'case:handle'], body: (c) => ({ targetOrgId: id(c, 'GM.GUANGMING.DONGZHOU'), note: '属东周社区辖区' }) },
  { action: 'escalate', state: 'dispatched', perm: ['case:handle'], body: () => ({ note: '社区协调未果，提级办理' }) },
  { action: 'start', state: 'dispatched', perm: ['case:handle'] },
  { action: 'resolve', state: 'in_progress', perm: ['case:handle'], body: () => ({ note: '已上门协调，双方达成一致' }) },
  { action: 'confirm', state: 'resolved', perm: ['case:handle'] },
  { action: 'reopen', state: 'resolved', perm: ['case:handle', 'case:supervise'], body: () => ({ note: '回访不满意' }) },
  { action: 'close', state: 'confirmed', perm: ['case:handle'] },
  { action: 'suspend', state: 'in_progress', perm: ['case:handle'], body: () => ({ note: '等待法院判决' }) },
  { action: 'resume', state: 'suspended', perm: ['case:handle'] },
  { action: 'merge', state: 'submitted', perm: ['case:handle'], body: (c) => ({ targetCaseId: c.fx.shared.mergeTargetId, note: '同一事项' }) },
  { action: 'regrade', state: 'submitted', perm: ['case:handle', 'case:supervise'], body: () => ({ riskLevel: 'yellow', note: '涉及老人' }) },
  { action: 'add_info', state: 'submitted', perm: ['case:handle', 'case:intake'], body: () => ({ note: '补充：噪音多在夜间' }) },
  // A comment changes no state, owner or clock: every cell writes on the one shared case.
  { action: 'comment', state: null, perm: ['case:read'], body: () => ({ note: '已电话联系反映人' }) },
];

/** The one-row CSV of an import: updates 矩阵社区 itself, or adds a grid under it. */
const importCsv = (c: Cell, what: 'update' | 'create') => {
  const m = c.fx.org(MATRIX);
  const line = what === 'update' ? `${m.code},${m.name},community,${m.parentCode}` : `${MATRIX}.I${c.fx.seq()},导入网格,grid,${m.code}`;
  return { fileName: 'orgs.csv', content: `code,name,type,parent_code\n${line}\n` };
};

// ---------------------------------------------------------------------------------------------------
// THE TABLE
// ---------------------------------------------------------------------------------------------------

const caseTarget = (perm: Permission[], gate?: Permission): Rule => ({ where: 'target', perm, gate, hidden: 'case:read' });
const listed = (path: string[], match: (item: Record<string, unknown>) => boolean) => (body: unknown) => {
  let v: unknown = body;
  for (const k of path) v = (v as Record<string, unknown> | null)?.[k];
  return Array.isArray(v) && v.some((item) => match(item as Record<string, unknown>));
};

export const TABLE: Row[] = [
  // ---- public: anyone, no token; a resident proves themselves by access code or verified phone -------------------
  // `GET /` is a route of its own only while the web bundles are not built; then the static files below take over.
  { route: 'GET /', family: 'case', rule: { where: 'public' }, ok: 200, optional: true, request: () => ({}) },
  // The web bundles: in the document only when they are built (`optional`); static files, so 200 or 404 alike.
  ...(
    [['GET /m', {}], ['GET /m/{*}', { '*': 'index.html' }], ['GET /screen', {}], ['GET /screen/{*}', { '*': 'index.html' }], ['GET /{*}', { '*': 'index.html' }]] as [string, Record<string, string>][]
  ).map(([route, params]): Row => ({ route, family: 'case', rule: { where: 'public' }, ok: 200, okAlso: [301, 302, 404], optional: true, request: () => ({ params }) })),
  { route: 'GET /api/v1/time', family: 'case', rule: { where: 'public' }, ok: 200, request: () => ({}) },
  { route: 'GET /api/v1/categories', family: 'case', rule: { where: 'public' }, ok: 200, request: () => ({}) },
  { route: 'GET /api/v1/orgs/map', family: 'case', rule: { where: 'public' }, ok: 200, request: () => ({}) },
  { route: 'GET /api/v1/public/buildings/{code}', family: 'case', rule: { where: 'public' }, ok: 200, request: (c) => ({ params: { code: c.fx.shared.buildingCode } }) },
  { route: 'POST /api/v1/public/otp', family: 'case', rule: { where: 'public' }, ok: 202, request: (c) => ({ body: { phone: `137${String(10_000_000 + c.fx.seq()).slice(-8)}` } }) },
  {
    route: 'POST /api/v1/public/otp/verify', family: 'case', rule: { where: 'public' }, ok: 200, fresh: { kind: 'otp' },
    request: (c) => ({ body: c.target as { phone: string; code: string } }),
  },
  {
    route: 'POST /api/v1/public/cases', family: 'case', rule: { where: 'public' }, ok: 201,
    request: () => ({ body: { category: 'environment.pollution', title: '河道有异味', description: '茅洲河支流有刺鼻气味', anonymous: true } }),
  },
  {
    route: 'GET /api/v1/public/cases/{trackingNo}', family: 'case', rule: { where: 'public' }, ok: 200,
    request: (c) => ({ params: { trackingNo: c.fx.shared.publicCase.trackingNo }, query: { accessCode: c.fx.shared.publicCase.accessCode } }),
  },
  {
    route: 'POST /api/v1/public/cases/{trackingNo}/info', family: 'case', rule: { where: 'public' }, ok: 200,
    request: (c) => ({ params: { trackingNo: c.fx.shared.publicCase.trackingNo }, body: { accessCode: c.fx.shared.publicCase.accessCode, text: '补充：晚上味道更重' } }),
  },
  {
    route: 'POST /api/v1/public/cases/{trackingNo}/confirm', family: 'case', rule: { where: 'public' }, ok: 200, fresh: { kind: 'case', state: 'resolved' },
    request: (c) => ({ params: { trackingNo: freshCase(c).trackingNo }, body: { accessCode: FRESH_ACCESS_CODE } }),
  },
  {
    route: 'POST /api/v1/public/cases/{trackingNo}/rate', family: 'case', rule: { where: 'public' }, ok: 200, fresh: { kind: 'case', state: 'resolved' },
    request: (c) => ({ params: { trackingNo: freshCase(c).trackingNo }, body: { accessCode: FRESH_ACCESS_CODE, rating: 5 } }),
  },
  { route: 'GET /api/v1/public/my-cases', family: 'case', rule: { where: 'public' }, ok: 200, request: (c) => ({ headers: { 'x-verification-token': c.fx.shared.verificationToken } }) },

  {
    route: 'POST /api/v1/auth/login', family: 'case', rule: { where: 'public' }, ok: 200,
    request: () => ({ body: { username: SHARED_MARK.username, password: TEST_PASSWORD } }), note: 'a staff token changes nothing: the body signs in',
  },

  // ---- the caller's own session and inbox ----------------------------------------------------------------------------
  {
    route: 'POST /api/v1/auth/password', family: 'case', rule: { where: 'self' }, ok: 204, fresh: { kind: 'own-user' },
    request: () => ({ body: { currentPassword: TEST_PASSWORD, newPassword: 'Matrix@2026-new' } }),
    note: 'changing one’s own password ends one’s other sessions: each cell is a user of its own',
  },
  { route: 'GET /api/v1/auth/me', family: 'case', rule: { where: 'self' }, ok: 200, request: () => ({}) },
  { route: 'POST /api/v1/auth/logout', family: 'case', rule: { where: 'self' }, ok: 204, fresh: { kind: 'own-session' }, request: () => ({}) },
  { route: 'GET /api/v1/notifications', family: 'case', rule: { where: 'self' }, ok: 200, request: () => ({}) },
  { route: 'POST /api/v1/notifications/read-all', family: 'case', rule: { where: 'self' }, ok: 200, request: () => ({}) },
  {
    route: 'POST /api/v1/notifications/{id}/read', variant: 'own', family: 'case', rule: { where: 'self' }, ok: 200, fresh: { kind: 'own-notification' },
    request: (c) => ({ params: { id: String(c.target) } }),
  },
  {
    route: 'POST /api/v1/notifications/{id}/read', variant: "someone else's", family: 'case', rule: { where: 'nobody', deny: 404 }, ok: 200,
    request: (c) => ({ params: { id: String(c.fx.shared.foreignNotification) } }),
  },
  { route: 'GET /api/v1/config/leader-ranks', family: 'case', rule: { where: 'self' }, ok: 200, request: () => ({}), note: 'a fixed list of ranks: any session' },

  // ---- settings: read by any staff, written only at the district root (rule 2) -------------------------------------
  ...(['grading-rules', 'sla-policy', 'office-hours', 'order-matrix'] as const).flatMap((name): Row[] => [
    { route: `GET /api/v1/config/${name}`, family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 200, request: () => ({}) },
    {
      route: `PUT /api/v1/config/${name}`, family: 'case', rule: { where: 'root', perm: 'config:write' }, ok: 200,
      request: (c) => ({ body: c.fx.shared.settings[name] }), note: 'the current value written back: valid, and harmless to the other rows',
    },
  ]),
  {
    route: 'GET /api/v1/config/assessment-weights', family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 200, request: () => ({}),
    note: 'rule 2: reading config is for any staff',
  },
  {
    route: 'PUT /api/v1/config/assessment-weights', family: 'case', rule: { where: 'root', perm: 'config:write' }, ok: 200,
    request: (c) => ({ body: c.fx.shared.settings['assessment-weights'] }),
  },

  // ---- the working calendar: read by any staff, changed only at the district root (rule 2) ---------------------------
  { route: 'GET /api/v1/calendar', family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 200, request: () => ({}) },
  { route: 'GET /api/v1/calendar/{year}', family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 200, request: () => ({ params: { year: '2027' } }) },
  {
    route: 'PUT /api/v1/calendar/{year}', family: 'case', rule: { where: 'root', perm: 'config:write' }, ok: 200,
    request: () => ({ params: { year: '2031' }, body: { days: [] } }), note: 'a far year with nothing stored: harmless to every other cell',
  },
  {
    route: 'POST /api/v1/calendar/{year}/import', family: 'case', rule: { where: 'root', perm: 'config:write' }, ok: 200,
    request: () => ({ params: { year: '2031' }, body: { fileName: 'n.csv', content: '2031-03-03,holiday,测试\n' } }),
  },

  // ---- district-wide operations (rule 2) -----------------------------------------------------------------------------
  { route: 'GET /api/v1/admin/audit/verify', family: 'case', rule: { where: 'root', perm: 'audit:read' }, ok: 200, request: () => ({}) },
  { route: 'POST /api/v1/admin/clock', family: 'case', rule: { where: 'root', perm: 'clock:control' }, ok: 200, request: () => ({ body: { advanceMinutes: 0 } }), note: 'advanceMinutes 0 only reads the clock' },
  { route: 'GET /api/v1/dashboard/reconciliation', family: 'case', rule: { where: 'root', perm: 'audit:read' }, ok: 200, request: () => ({}) },

  // ---- cases ------------------------------------------------------------------------------------------------------------
  {
    route: 'POST /api/v1/cases', family: 'case', rule: { where: 'somewhere', perm: 'case:intake' }, ok: 201, request: () => ({ body: intakeBody }),
    note: 'the new case is owned by the receiving unit (首接负责): intake is confined to where the role sits',
  },
  {
    route: 'GET /api/v1/cases', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'case:read', present: listed(['items'], (item) => item.trackingNo === SHARED_MARK.trackingNo) },
    request: (c) => ({ query: { q: c.fx.shared.trackingNo } }),
  },
  { route: 'GET /api/v1/cases/{id}', family: 'case', rule: caseTarget(['case:read'], 'case:read'), ok: 200, request: (c) => ({ params: { id: c.fx.shared.caseId } }) },
  { route: 'GET /api/v1/cases/{id}/events', family: 'case', rule: caseTarget(['case:read'], 'case:read'), ok: 200, request: (c) => ({ params: { id: c.fx.shared.caseId } }) },
  { route: 'GET /api/v1/cases/{id}/ladder', family: 'case', rule: caseTarget(['case:read'], 'case:read'), ok: 200, request: (c) => ({ params: { id: c.fx.shared.caseId } }) },
  {
    route: 'POST /api/v1/cases/{id}/reveal', family: 'case', rule: caseTarget(['pii:view'], 'case:read'), ok: 200,
    request: (c) => ({ params: { id: c.fx.shared.caseId } }), note: 'pii:view on the owner or first-receiving unit; audited',
  },
  ...ACTIONS.map((a): Row => ({
    route: 'POST /api/v1/cases/{id}/actions', variant: a.action, family: 'case', rule: caseTarget(a.perm), ok: 200,
    ...(a.state ? { fresh: { kind: 'case', state: a.state } as const } : {}),
    request: (c) => ({ params: { id: a.state ? freshCase(c).id : c.fx.shared.caseId }, body: { action: a.action, ...(a.body?.(c) ?? {}) } }),
  })),
  {
    route: 'POST /api/v1/cases/{id}/orders', family: 'case', rule: caseTarget(['order:issue'], 'order:issue'), ok: 201,
    request: (c) => ({ params: { id: c.fx.shared.caseId }, body: { kind: 'routine', departmentIds: [id(c, HRSS)], instructions: '请到现场核实处置' } }),
  },
  {
    route: 'POST /api/v1/cases/{id}/supervision-notices', family: 'case', rule: caseTarget(['case:supervise'], 'case:supervise'), ok: 201,
    request: (c) => ({ params: { id: c.fx.shared.caseId }, body: { content: '请于24小时内反馈办理进展' } }),
  },

  // ---- after an escalation the first-receiving unit (碧眼社区) still reads, but acts no more (rule 1) -------------
  ...(['GET /api/v1/cases/{id}', 'GET /api/v1/cases/{id}/events'] as const).map((route): Row => ({
    route, variant: 'escalated to the subdistrict', family: 'case', ok: 200,
    rule: { where: 'target', perm: ['case:read'], at: ['own', 'parent'], gate: 'case:read', hidden: 'case:read' },
    request: (c) => ({ params: { id: c.fx.shared.escalatedCaseId } }),
  })),
  {
    route: 'POST /api/v1/cases/{id}/actions', variant: 'start, escalated to the subdistrict', family: 'case', ok: 200, fresh: { kind: 'case', state: 'escalated' },
    rule: { where: 'target', perm: ['case:handle'], at: ['parent'], hidden: 'case:read', seeAt: ['own', 'parent'] },
    request: (c) => ({ params: { id: freshCase(c).id }, body: { action: 'start' } }),
    note: 'the owner is now 光明街道: holding case:handle at 碧眼社区 (first receiver) is not enough',
  },
  {
    route: 'POST /api/v1/cases/{id}/orders', variant: 'escalated to the subdistrict', family: 'case', ok: 201,
    rule: { where: 'target', perm: ['order:issue'], at: ['parent'], gate: 'order:issue', hidden: 'case:read', seeAt: ['own', 'parent'] },
    request: (c) => ({ params: { id: c.fx.shared.escalatedCaseId }, body: { kind: 'routine', departmentIds: [id(c, HRSS)], instructions: '请到现场核实处置' } }),
  },
  {
    route: 'POST /api/v1/cases/{id}/supervision-notices', variant: 'escalated to the subdistrict', family: 'case', ok: 201,
    rule: { where: 'target', perm: ['case:supervise'], at: ['parent'], gate: 'case:supervise', hidden: 'case:read', seeAt: ['own', 'parent'] },
    request: (c) => ({ params: { id: c.fx.shared.escalatedCaseId }, body: { content: '请于24小时内反馈办理进展' } }),
  },

  // ---- a department a case was ordered to reads the case (SPEC §12: "or dispatched/ordered to their unit") ----------
  // KNOWN GAP, issue 16 ("a department is blind once ordered"): today only the case's own units read it, so the
  // department's own placement is left out of `at`. When issue 16 lands, put 'own' back: `at: ['own', { code: BIYAN }]`.
  ...(['GET /api/v1/cases/{id}', 'GET /api/v1/cases/{id}/events'] as const).map((route): Row => ({
    route, variant: 'ordered to the department', family: 'dept', ok: 200,
    rule: { where: 'target', perm: ['case:read'], at: [{ code: BIYAN }], gate: 'case:read', hidden: 'case:read' },
    request: (c) => ({ params: { id: c.fx.shared.caseId } }),
  })),

  // ---- attachments ------------------------------------------------------------------------------------------------------
  {
    route: 'POST /api/v1/attachments', family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 201,
    request: () => ({ upload: { fileName: 'photo.png', mimeType: 'image/png', bytes: PNG_1x1 } }), note: 'staff upload; the file reaches a case only through a case they may act on',
  },
  {
    route: 'GET /api/v1/attachments/{id}', variant: 'on the case', family: 'case', rule: { where: 'target', perm: ['case:read'], hidden: 'case:read' }, ok: 200,
    request: (c) => ({ params: { id: c.fx.shared.attachmentOnCase } }),
  },
  {
    route: 'GET /api/v1/attachments/{id}', variant: 'on no case yet', family: 'case', rule: { where: 'nobody', deny: 404 }, ok: 200,
    request: (c) => ({ params: { id: c.fx.shared.orphanAttachment } }), note: 'before it is on a case only its uploader (a demo user) reads it',
  },

  // ---- orders: the issuing side (碧眼社区) and the receiving department (区人力资源局) ------------------------------------
  {
    route: 'GET /api/v1/orders', family: 'dept', ok: 200,
    rule: { where: 'scoped', perm: 'case:read', present: listed(['items'], (item) => item.id === SHARED_MARK.orderId) },
    request: (c) => ({ query: { caseId: c.fx.shared.caseId, pageSize: '200' } }),
    note: 'the target order is listed for the department side; the issuer side (碧眼社区) is the root column here',
  },
  {
    route: 'GET /api/v1/orders/{id}', variant: 'department side', family: 'dept', ok: 200,
    rule: { where: 'target', perm: ['case:read'], hidden: 'case:read', seeAt: ['own', { code: BIYAN }] }, request: (c) => ({ params: { id: c.fx.shared.orderId } }),
  },
  {
    route: 'GET /api/v1/orders/{id}', variant: 'issuer side', family: 'case', ok: 200,
    rule: { where: 'target', perm: ['case:read'], hidden: 'case:read', seeAt: ['own', { code: HRSS }] }, request: (c) => ({ params: { id: c.fx.shared.orderId } }),
  },
  {
    route: 'POST /api/v1/orders/{id}/acknowledge', family: 'dept', fresh: { kind: 'order', status: 'issued' }, ok: 200,
    rule: { where: 'target', perm: ['order:execute'], hidden: 'case:read', seeAt: ['own', { code: BIYAN }] }, request: (c) => ({ params: { id: freshId(c) } }),
  },
  {
    route: 'POST /api/v1/orders/{id}/check-in', family: 'dept', fresh: { kind: 'order', status: 'acknowledged' }, ok: 200,
    rule: { where: 'target', perm: ['order:execute'], hidden: 'case:read', seeAt: ['own', { code: BIYAN }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { leaderRank: 'section', headcount: 2 } }),
  },
  {
    route: 'POST /api/v1/orders/{id}/complete', family: 'dept', fresh: { kind: 'order', status: 'arrived' }, ok: 200,
    rule: { where: 'target', perm: ['order:execute'], hidden: 'case:read', seeAt: ['own', { code: BIYAN }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { report: '已到现场协调，工资已结清' } }),
  },
  {
    route: 'POST /api/v1/orders/{id}/confirm', family: 'case', fresh: { kind: 'order', status: 'completed' }, ok: 200,
    rule: { where: 'target', perm: ['order:issue'], hidden: 'case:read', seeAt: ['own', { code: HRSS }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { note: '已核实' } }), note: 'the issuer (碧眼社区) confirms the department’s work',
  },

  // ---- supervision ----------------------------------------------------------------------------------------------------
  {
    route: 'GET /api/v1/supervision-notices', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'case:read', present: listed(['items'], (item) => item.id === SHARED_MARK.noticeId) },
    request: (c) => ({ query: { caseId: c.fx.shared.caseId, pageSize: '200' } }),
  },
  {
    route: 'POST /api/v1/supervision-notices/{id}/answer', family: 'case', fresh: { kind: 'notice' }, ok: 200,
    rule: { where: 'target', perm: ['case:handle'], hidden: 'case:read' }, request: (c) => ({ params: { id: freshId(c) }, body: { answer: '已安排专人跟进' } }),
  },
  {
    route: 'GET /api/v1/leader-appointments', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'case:read', present: listed(['items'], (item) => item.id === SHARED_MARK.appointmentId) },
    request: (c) => ({ query: { caseId: c.fx.shared.caseId, pageSize: '200', status: 'pending' } }),
  },
  {
    route: 'POST /api/v1/leader-appointments/{id}/schedule', family: 'case', fresh: { kind: 'appointment' }, ok: 200,
    rule: { where: 'target', perm: ['case:supervise', 'case:handle'], hidden: 'case:read' }, request: (c) => ({ params: { id: freshId(c) }, body: { scheduledAt: '2026-11-24T06:00:00.000Z' } }),
  },
  {
    route: 'POST /api/v1/leader-appointments/{id}/hold', family: 'case', fresh: { kind: 'appointment' }, ok: 200,
    rule: { where: 'target', perm: ['case:supervise', 'case:handle'], hidden: 'case:read' }, request: (c) => ({ params: { id: freshId(c) }, body: { outcome: '领导约见，当面答复' } }),
  },
  {
    route: 'GET /api/v1/supervision/reports', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'case:read', present: listed(['items'], (item) => item.id === SHARED_MARK.reportId) },
    request: () => ({ query: { kind: 'digest', period: MATRIX_REPORT_PERIOD } }),
  },

  // ---- command centre, assessment ------------------------------------------------------------------------------------
  {
    route: 'GET /api/v1/dashboard/summary', family: 'case', rule: { where: 'target', perm: ['case:read'], gate: 'case:read' }, ok: 200,
    request: (c) => ({ query: { orgId: id(c, BIYAN) } }),
  },
  {
    route: 'GET /api/v1/dashboard/stream', family: 'case', rule: { where: 'target', perm: ['case:read'], gate: 'case:read' }, ok: 200, stream: true,
    request: (c) => ({ query: { orgId: id(c, BIYAN) } }),
  },
  { route: 'GET /api/v1/events/stream', family: 'case', rule: { where: 'somewhere', perm: 'case:read' }, ok: 200, stream: true, request: () => ({}), note: 'each event then filtered to the caller’s scope' },
  {
    route: 'GET /api/v1/assessment/rankings', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'report:read', present: listed(['items'], (item) => item.orgCode === BIYAN) },
    request: () => ({ query: { period: 'month', kind: 'community', date: '2026-11-23' } }),
  },
  {
    route: 'GET /api/v1/assessment/drilldown', family: 'case', rule: { where: 'target', perm: ['report:read'], gate: 'report:read', hidden: 'report:read' }, ok: 200,
    request: (c) => ({ query: { metric: 'resolutionRate', orgId: id(c, BIYAN), period: 'month', date: '2026-11-23' } }),
  },

  // ---- org tree ---------------------------------------------------------------------------------------------------------
  {
    route: 'GET /api/v1/orgs', family: 'org', ok: 200,
    rule: { where: 'scoped', perm: 'org:read', present: listed(['items'], (item) => item.code === MATRIX) },
    request: () => ({ query: { q: MATRIX, includeInactive: 'true' } }),
  },
  { route: 'GET /api/v1/orgs/departments', family: 'org', rule: { where: 'somewhere', perm: 'org:read' }, ok: 200, request: () => ({}), note: 'a directory for dispatch and orders: names only' },
  { route: 'GET /api/v1/orgs/{id}', family: 'org', rule: { where: 'target', perm: ['org:read'] }, ok: 200, request: (c) => ({ params: { id: id(c, MATRIX) } }) },
  {
    route: 'POST /api/v1/orgs', family: 'org', rule: { where: 'target', perm: ['org:write'], gate: 'org:write' }, ok: 201,
    request: (c) => ({ body: { code: `${MATRIX}.N${c.fx.seq()}`, name: '新网格', type: 'grid', parentId: id(c, MATRIX) } }), note: 'a unit under the target',
  },
  { route: 'PATCH /api/v1/orgs/{id}', family: 'org', rule: { where: 'target', perm: ['org:write'] }, ok: 200, request: (c) => ({ params: { id: id(c, MATRIX) }, body: { name: c.fx.org(MATRIX).name } }) },
  { route: 'POST /api/v1/orgs/{id}/deactivate', family: 'org', rule: { where: 'target', perm: ['org:write'] }, ok: 200, request: (c) => ({ params: { id: id(c, MATRIX) } }), note: 'its children are inactive before each cell' },
  { route: 'POST /api/v1/orgs/{id}/activate', family: 'org', rule: { where: 'target', perm: ['org:write'] }, ok: 200, request: (c) => ({ params: { id: id(c, MATRIX) } }) },
  {
    route: 'POST /api/v1/orgs/import', variant: 'update the unit', family: 'org', rule: { where: 'target', perm: ['org:write'], gate: 'org:write' }, ok: 200,
    request: (c) => ({ body: importCsv(c, 'update') }), note: 'rule 3: org:write on the existing unit being updated',
  },
  {
    route: 'POST /api/v1/orgs/import', variant: 'a unit under it', family: 'org', rule: { where: 'target', perm: ['org:write'], gate: 'org:write' }, ok: 200,
    request: (c) => ({ body: importCsv(c, 'create') }), note: 'rule 3: org:write on the new row’s parent',
  },
  {
    route: 'GET /api/v1/buildings', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'org:read', present: listed(['items'], (item) => item.code === SHARED_MARK.buildingCode) },
    request: (c) => ({ query: { q: c.fx.shared.buildingCode } }),
  },
  { route: 'GET /api/v1/buildings/{code}', family: 'case', rule: { where: 'target', perm: ['org:read'] }, ok: 200, request: (c) => ({ params: { code: c.fx.shared.buildingCode } }) },
  {
    route: 'GET /api/v1/qr/posters', family: 'case', rule: { where: 'target', perm: ['org:read'], gate: 'org:read' }, ok: 200,
    okAlso: [503], request: (c) => ({ query: { buildingCode: c.fx.shared.buildingCode } }), note: '503 counts as the positive answer on a machine without CJK fonts',
  },

  // ---- users (rule 3) -----------------------------------------------------------------------------------------------------
  {
    route: 'GET /api/v1/users', family: 'case', ok: 200,
    rule: { where: 'scoped', perm: 'user:read', present: listed(['items'], (item) => item.username === SHARED_MARK.username) },
    request: () => ({ query: { q: SHARED_MARK.username } }),
  },
  ...(['receptionist', 'community_secretary', 'subdistrict_admin', 'leader', 'district_admin', 'sysadmin'] as const).map((role): Row => ({
    route: 'POST /api/v1/users', variant: `grant ${role}`, family: 'case', rule: { where: 'grant', role }, ok: 201,
    request: (c) => ({ body: { username: `matrix.new${c.fx.seq()}`, displayName: '新用户', password: 'Matrix@2026x', roles: [{ role, orgId: id(c, BIYAN) }] } }),
  })),
  {
    route: 'POST /api/v1/users', variant: 'no role', family: 'case', rule: { where: 'grant', role: null }, ok: 201,
    request: (c) => ({ body: { username: `matrix.new${c.fx.seq()}`, displayName: '新用户', password: 'Matrix@2026x', roles: [] } }),
  },
  ...(
    [
      ['a receptionist', [{ role: 'receptionist', at: 'own' }]],
      ['a subdistrict_admin', [{ role: 'subdistrict_admin', at: 'own' }]],
      ['a district_admin', [{ role: 'district_admin', at: 'own' }]],
      ['a receptionist here and elsewhere', [{ role: 'receptionist', at: 'own' }, { role: 'receptionist', at: { code: ELSEWHERE } }]],
      ['a user with no role', []],
    ] as [string, { role: Role; at: UnitRef }[]][]
  ).map(([who, holds]): Row => ({
    route: 'PATCH /api/v1/users/{id}', variant: who, family: 'case', rule: { where: 'manage', holds }, ok: 200, fresh: { kind: 'user', holds },
    request: (c) => ({ params: { id: freshId(c) }, body: { displayName: '改名' } }),
  })),
  {
    route: 'PUT /api/v1/users/{id}/password', variant: 'a receptionist', family: 'case', ok: 204,
    rule: { where: 'manage', holds: [{ role: 'receptionist', at: 'own' }] }, fresh: { kind: 'user', holds: [{ role: 'receptionist', at: 'own' }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { password: 'Reset@2026x' } }),
  },
  {
    route: 'PUT /api/v1/users/{id}/password', variant: 'a subdistrict_admin', family: 'case', ok: 204,
    rule: { where: 'manage', holds: [{ role: 'subdistrict_admin', at: 'own' }] }, fresh: { kind: 'user', holds: [{ role: 'subdistrict_admin', at: 'own' }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { password: 'Reset@2026x' } }),
  },
  {
    route: 'PUT /api/v1/users/{id}/roles', variant: 'a receptionist becomes a grid_worker', family: 'case', ok: 204,
    rule: { where: 'manage', holds: [{ role: 'receptionist', at: 'own' }], grants: [{ role: 'grid_worker', at: 'own' }] },
    fresh: { kind: 'user', holds: [{ role: 'receptionist', at: 'own' }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { roles: [{ role: 'grid_worker', orgId: id(c, BIYAN) }] } }),
  },
  {
    route: 'PUT /api/v1/users/{id}/roles', variant: 'a receptionist promoted to community_secretary', family: 'case', ok: 204,
    rule: { where: 'manage', holds: [{ role: 'receptionist', at: 'own' }], grants: [{ role: 'community_secretary', at: 'own' }] },
    fresh: { kind: 'user', holds: [{ role: 'receptionist', at: 'own' }] },
    request: (c) => ({ params: { id: freshId(c) }, body: { roles: [{ role: 'community_secretary', orgId: id(c, BIYAN) }] } }),
  },
  {
    route: 'PUT /api/v1/users/{id}/roles', variant: 'my own roles', family: 'case', ok: 204, rule: { where: 'nobody', deny: 403 }, fresh: { kind: 'own-session' },
    request: (c) => ({ params: { id: c.userId ?? NOBODY }, body: { roles: c.roles } }), note: 'nobody edits their own roles; the body keeps them as they are',
  },
  {
    route: 'PUT /api/v1/users/{id}/password', variant: 'my own account', family: 'case', ok: 204, rule: { where: 'nobody', deny: 403 }, fresh: { kind: 'own-session' },
    request: (c) => ({ params: { id: c.userId ?? NOBODY }, body: { password: 'Matrix@2026x' } }), note: 'the self-service password change is the only door to one’s own account',
  },
  {
    route: 'PATCH /api/v1/users/{id}', variant: 'my own account', family: 'case', ok: 200, rule: { where: 'nobody', deny: 403 }, fresh: { kind: 'own-session' },
    request: (c) => ({ params: { id: c.userId ?? NOBODY }, body: { displayName: '自己改名' } }),
  },
];

/** The access code of every fresh case (its hash is written with the clone). */
export const FRESH_ACCESS_CODE = '246810';
/** The period of the supervision report the test files under 碧眼社区. */
export const MATRIX_REPORT_PERIOD = 'matrix-2026-11-23';

/** Values the list rows look for, filled by the test once it has made them. */
export const SHARED_MARK = { trackingNo: '', orderId: '', noticeId: '', appointmentId: '', reportId: 0, buildingCode: '', username: 'matrix.listed' };

/** A user id for requests about "my own account" sent without a session (nobody's). */
export const NOBODY = '00000000-0000-4000-8000-000000000000';

/** Every owner of a row: the 14 roles at the five placements, then anonymous. */
export const OWNERS: Owner[] = [...ROLES.flatMap((role) => PLACEMENTS.map((placement) => ({ role, placement }))), null];

export const rowLabel = (r: Row) => (r.variant ? `${r.route} [${r.variant}]` : r.route);
