import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { createOutboxSweeper } from '../../platform/outbox.js';
import type { Realtime, RealtimeEvent } from '../../platform/realtime.js';
import { runDueWork } from '../../platform/scheduler.js';
import { inTransaction } from '../../platform/tx.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { deliverNotify, notificationDeliverers, notify, postWebhook, sendSms } from './notifications.outbox.js';
import { resolveRecipientsMany, type RecipientSpec } from './notifications.repo.js';
import type { NotifyPayload } from './notifications.schemas.js';
import { createLogSmsSender, smsGateway, type SmsSender } from './sms.js';

let t: TestApp;
let ctx: AppContext;
const userIds: Record<string, string> = {};
const orgIds: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  ctx = t.app.ctx;
  for (const u of await ctx.db.selectFrom('users').select(['id', 'username']).execute()) userIds[u.username] = u.id;
  for (const o of await ctx.db.selectFrom('org_units').select(['id', 'code']).execute()) orgIds[o.code] = o.id;
});
afterAll(async () => t.close());
beforeEach(async () => {
  await ctx.db.deleteFrom('notifications').execute();
  await ctx.db.deleteFrom('outbox').execute();
});

const inboxOf = async (username: string) =>
  ctx.db.selectFrom('notifications').selectAll().where('user_id', '=', userIds[username]).orderBy('id').execute();

const title = { 'zh-CN': '诉求即将超时', en: 'Case nearly overdue' };

/** A message no producer could enqueue (unknown topic, payload failing its schema): as an older version, or a person, might have written it. */
async function writtenByHand(topic: string, payload: Record<string, unknown>): Promise<number> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .insertInto('outbox')
    .values({ topic, payload: JSON.stringify(payload), created_at: now, available_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('notify topic', () => {
  it('rejects a malformed payload where it is produced', async () => {
    const bad = { recipients: { userIds: ['not-a-uuid'] }, kind: 'x', title: 'T' };
    await expect(inTransaction(ctx, (trx) => notify(trx, bad, ctx.clock.now()))).rejects.toThrow(/invalid notify payload/);
    expect(await ctx.db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });

  it('delivers one notification per resolved recipient: role holders at the units, plus named users', async () => {
    await inTransaction(ctx, (trx) =>
      notify(
        trx,
        {
          recipients: { orgIds: [orgIds['GM.GUANGMING.BIYAN']], roles: ['community_secretary'], userIds: [userIds['hrss.handler'], userIds['biyan.secretary']] },
          kind: 'case.warning',
          title,
          body: { 'zh-CN': '请尽快处理', en: 'Please act soon' },
          caseId: '00000000-0000-4000-8000-000000000001',
          data: { clock: 'respond' },
        },
        ctx.clock.now(),
      ),
    );
    expect(await inboxOf('biyan.secretary')).toHaveLength(0);
    await runDueWork(ctx);
    const recipients = (await ctx.db.selectFrom('notifications').select('user_id').where('kind', '=', 'case.warning').execute()).map((r) => r.user_id).sort();
    expect(recipients).toEqual([userIds['biyan.secretary'], userIds['hrss.handler']].sort());
    const [n] = await inboxOf('biyan.secretary');
    expect(n).toMatchObject({ kind: 'case.warning', title: '诉求即将超时', title_en: 'Case nearly overdue', body: '请尽快处理', data: { clock: 'respond' } });
  });

  it('an org without roles means everyone there; roles alone mean those roles anywhere', async () => {
    await inTransaction(ctx, async (trx) => {
      await notify(trx, { recipients: { orgIds: [orgIds['GM.YUTANG.CHANGZHEN']] }, kind: 'k', title: 'to Changzhen' }, ctx.clock.now());
      await notify(trx, { recipients: { roles: ['judge'] }, kind: 'k', title: 'to judges' }, ctx.clock.now());
    });
    await runDueWork(ctx);
    expect((await inboxOf('changzhen.reception')).map((n) => n.title)).toEqual(['to Changzhen']);
    expect((await inboxOf('changzhen.secretary')).map((n) => n.title)).toEqual(['to Changzhen']);
    expect((await inboxOf('court.judge')).map((n) => n.title)).toEqual(['to judges']);
    expect(await inboxOf('biyan.secretary')).toEqual([]);
  });

  it('never duplicates a notification when a row is delivered twice', async () => {
    const id = await inTransaction(ctx, (trx) =>
      notify(trx, { recipients: { orgIds: [orgIds['GM.GUANGMING.BIYAN']] }, kind: 'k', title: 'once' }, ctx.clock.now()),
    );
    await runDueWork(ctx);
    const first = await ctx.db.selectFrom('notifications').select(['id', 'user_id']).orderBy('id').execute();
    expect(first.length).toBeGreaterThan(1);

    // At-least-once redelivery: the row comes back (e.g. a crash after delivering, before the mark) …
    await ctx.db.updateTable('outbox').set({ delivered_at: null }).where('id', '=', id).execute();
    expect(await runDueWork(ctx)).toBeGreaterThan(0);
    // … and the deliverer also runs directly on the same row.
    const row = await ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await inTransaction(ctx, (trx, afterCommit) => deliverNotify(trx, ctx, row, afterCommit));

    expect(await ctx.db.selectFrom('notifications').select(['id', 'user_id']).orderBy('id').execute()).toEqual(first);
  });

  it('pushes a realtime event to each recipient after delivery', async () => {
    const received: RealtimeEvent[] = [];
    let done!: () => void;
    const arrived = new Promise<void>((r) => (done = r));
    const stop = ctx.realtime.subscribe((e) => {
      if (e.name !== 'notification') return;
      received.push(e);
      done();
    });
    try {
      await inTransaction(ctx, (trx) => notify(trx, { recipients: { userIds: [userIds['biyan.grid']] }, kind: 'k', title: 'hi' }, ctx.clock.now()));
      await runDueWork(ctx);
      await arrived;
      const [n] = await inboxOf('biyan.grid');
      expect(received).toEqual([{ name: 'notification', userId: userIds['biyan.grid'], data: { id: n.id, kind: 'k' } }]);
    } finally {
      stop();
    }
  });
});

/** Counts the statements run through the database handle it is attached to. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The context with its statements counted and its realtime events recorded (published = handed to the bus). */
function observed() {
  const counter = new QueryCounter();
  const published: RealtimeEvent[] = [];
  const realtime: Realtime = {
    mode: ctx.realtime.mode,
    publish: async (event) => void published.push(event),
    subscribe: (listener) => ctx.realtime.subscribe(listener),
    close: async () => undefined,
  };
  const c: AppContext = { ...ctx, db: ctx.db.withPlugin(counter), realtime };
  return { c, counter, published };
}

/** Every notification, in a form that two deliveries of the same rows must agree on. */
const allNotifications = () =>
  ctx.db
    .selectFrom('notifications')
    .select(['user_id', 'kind', 'title', 'title_en', 'body', 'body_en', 'case_id', 'data', 'source_id', 'created_at', 'read_at'])
    .orderBy('source_id')
    .orderBy('user_id')
    .execute();

/** The recipients as the single-spec resolver had them (the semantics the batch resolver must keep). */
async function referenceRecipients(db: Kysely<DB>, r: RecipientSpec): Promise<string[]> {
  const ids = new Set<string>();
  if (r.userIds && r.userIds.length > 0) {
    for (const row of await db.selectFrom('users').select('id').where('id', 'in', [...r.userIds]).where('active', '=', true).execute()) ids.add(row.id);
  }
  const byOrg = r.orgIds !== undefined && r.orgIds.length > 0;
  const byRole = r.roles !== undefined && r.roles.length > 0;
  if (byOrg || byRole) {
    let query = db.selectFrom('user_roles').innerJoin('users', 'users.id', 'user_roles.user_id').select('users.id').distinct().where('users.active', '=', true);
    if (byOrg) query = query.where('user_roles.org_id', 'in', [...(r.orgIds ?? [])]);
    if (byRole) query = query.where('user_roles.role', 'in', [...(r.roles ?? [])]);
    for (const row of await query.execute()) ids.add(row.id);
  }
  return [...ids].sort();
}

const CASE_A = '00000000-0000-4000-8000-00000000000a';
const CASE_B = '00000000-0000-4000-8000-00000000000b';

describe('notify batch delivery', () => {
  const specs = (): RecipientSpec[] => [
    { userIds: [userIds['biyan.secretary'], userIds['hrss.handler']] },
    { roles: ['handler'] },
    { orgIds: [orgIds['GM.GUANGMING.BIYAN']] },
    { orgIds: [orgIds['GM.GUANGMING.BIYAN'], orgIds['GM.YUTANG.CHANGZHEN']], roles: ['community_secretary', 'receptionist'] },
    { orgIds: [orgIds['GM.YUTANG.CHANGZHEN']], userIds: [userIds['court.judge']], roles: ['community_secretary'] },
    // The same users as the first spec, listed differently: resolved alike.
    { userIds: [userIds['hrss.handler'], userIds['biyan.secretary'], userIds['hrss.handler']], roles: [] },
    // Nobody: a warning, no notification.
    {},
    { roles: ['no_such_role'] },
  ];

  /** 3 messages per spec (so specs are shared within the batch), varied contents, one transaction. */
  async function enqueueMany(): Promise<number[]> {
    const all = specs();
    return inTransaction(ctx, async (trx) => {
      const ids: number[] = [];
      for (let i = 0; i < 3 * all.length; i++) {
        const payload: NotifyPayload = {
          recipients: all[i % all.length] as NotifyPayload['recipients'],
          kind: i % 2 === 0 ? 'case.warning' : 'case.assigned',
          title: i % 3 === 0 ? `标题${i}` : { 'zh-CN': `标题${i}`, en: `Title ${i}` },
          ...(i % 4 === 0 ? {} : { body: i % 4 === 1 ? `正文${i}` : { 'zh-CN': `正文${i}`, en: `Body ${i}` } }),
          ...(i % 5 === 0 ? {} : { caseId: i % 2 === 0 ? CASE_A : CASE_B }),
          ...(i % 3 === 1 ? { data: { n: i, clock: 'respond' } } : {}),
        };
        ids.push(await notify(trx, payload, ctx.clock.now()));
        t.clock.advanceMinutes(1);
      }
      return ids;
    });
  }

  it('delivers a batch exactly as delivering each row alone would, in a handful of statements, with one event per notification', async () => {
    const ids = await enqueueMany();
    const rows = await ctx.db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();

    // Each row alone, one transaction each.
    const alone = observed();
    for (const row of rows) await inTransaction(alone.c, (trx, afterCommit) => deliverNotify(trx, alone.c, row, afterCommit));
    const expected = await allNotifications();
    expect(new Set(expected.map((n) => n.source_id)).size).toBe(rows.length - 6); // two specs (3 rows each) reach nobody
    expect(alone.counter.count).toBeGreaterThanOrEqual(2 * (rows.length - 6));
    await ctx.db.deleteFrom('notifications').execute();

    // The same rows, swept as one batch.
    const batch = observed();
    expect(await createOutboxSweeper(notificationDeliverers)(batch.c)).toBe(rows.length);
    expect(await allNotifications()).toEqual(expected);
    const outbox = await ctx.db.selectFrom('outbox').selectAll().where('id', 'in', ids).execute();
    expect(outbox.every((r) => r.delivered_at !== null && r.attempts === 0)).toBe(true);
    // Claim, savepoint, recipients, INSERT, mark delivered; then the look for external topics.
    expect(batch.counter.count).toBeLessThanOrEqual(6);

    const inserted = await ctx.db.selectFrom('notifications').select(['id', 'user_id', 'kind', 'case_id']).orderBy('id').execute();
    const events = (list: RealtimeEvent[]) => [...list].sort((a, b) => Number(a.data?.id) - Number(b.data?.id));
    const want = inserted.map((n) => ({ name: 'notification', userId: n.user_id, ...(n.case_id ? { caseId: n.case_id } : {}), data: { id: n.id, kind: n.kind } }));
    expect(events(batch.published)).toEqual(want);
    expect(alone.published).toHaveLength(want.length);
  });

  it('fails only the row with an invalid payload and the row with an unknown topic; the rest of the batch is delivered once', async () => {
    const good1 = await notify(ctx.db, { recipients: { orgIds: [orgIds['GM.GUANGMING.BIYAN']] }, kind: 'k', title: 'one' }, ctx.clock.now());
    const invalid = await writtenByHand('notify', { recipients: { userIds: ['not-a-uuid'] }, kind: 'k' });
    const good2 = await notify(ctx.db, { recipients: { roles: ['handler'] }, kind: 'k', title: 'two', caseId: CASE_A }, ctx.clock.now());
    const unknown = await writtenByHand('notify.typo', { recipients: {}, kind: 'k', title: 'lost' });
    const good3 = await notify(ctx.db, { recipients: { userIds: [userIds['court.judge']] }, kind: 'k', title: 'three' }, ctx.clock.now());

    const o = observed();
    expect(await createOutboxSweeper(notificationDeliverers)(o.c)).toBe(5);

    const byId = new Map((await ctx.db.selectFrom('outbox').selectAll().execute()).map((r) => [r.id, r]));
    for (const id of [good1, good2, good3]) expect(byId.get(id)).toMatchObject({ attempts: 0, last_error: null, failed_at: null });
    for (const id of [good1, good2, good3]) expect(byId.get(id)?.delivered_at).not.toBeNull();
    expect(byId.get(invalid)).toMatchObject({ attempts: 1, delivered_at: null });
    expect(byId.get(invalid)?.last_error).toContain('invalid notify payload');
    expect(byId.get(invalid)?.failed_at).not.toBeNull(); // permanent: dead-lettered at once
    expect(byId.get(unknown)).toMatchObject({ attempts: 1, delivered_at: null, failed_at: null });
    expect(byId.get(unknown)?.last_error).toContain('no deliverer registered for outbox topic "notify.typo"');

    // Exactly what each good row gives alone: the batch attempt that failed left nothing behind.
    const got = await allNotifications();
    const recipients = await resolveRecipientsMany(ctx.db, [{ orgIds: [orgIds['GM.GUANGMING.BIYAN']] }, { roles: ['handler'] }, { userIds: [userIds['court.judge']] }]);
    expect(got.map((n) => [n.source_id, n.user_id, n.title])).toEqual([
      ...recipients[0].map((u) => [good1, u, 'one']),
      ...recipients[1].map((u) => [good2, u, 'two']),
      ...recipients[2].map((u) => [good3, u, 'three']),
    ]);
    expect(got.filter((n) => n.source_id === good2).every((n) => n.case_id === CASE_A)).toBe(true);
    // One event per notification: the callbacks of the rolled-back batch attempt were dropped.
    expect(o.published).toHaveLength(got.length);
  });

  it('redelivering already-delivered rows inserts nothing and publishes nothing', async () => {
    const ids = await enqueueMany();
    await createOutboxSweeper(notificationDeliverers)(ctx);
    const first = await ctx.db.selectFrom('notifications').select(['id', 'user_id', 'source_id']).orderBy('id').execute();
    expect(first.length).toBeGreaterThan(ids.length);

    await ctx.db.updateTable('outbox').set({ delivered_at: null }).where('id', 'in', ids).execute();
    const again = observed();
    expect(await createOutboxSweeper(notificationDeliverers)(again.c)).toBe(ids.length);
    const rows = await ctx.db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const direct = observed();
    await inTransaction(direct.c, (trx, afterCommit) => deliverNotify.many!(trx, direct.c, rows, afterCommit));

    expect(await ctx.db.selectFrom('notifications').select(['id', 'user_id', 'source_id']).orderBy('id').execute()).toEqual(first);
    expect(again.published).toEqual([]);
    expect(direct.published).toEqual([]);
  });

  it('resolves recipients as before: user ids only, roles only, units only, both, nobody; inactive users skipped', async () => {
    const u = (...names: string[]) => names.map((n) => userIds[n]).sort();
    const cases: [RecipientSpec, string[]][] = [
      [{ userIds: [userIds['biyan.grid'], userIds['court.judge']] }, u('biyan.grid', 'court.judge')],
      [{ roles: ['handler'] }, u('hrss.handler', 'police.handler', 'housing.handler')],
      [{ orgIds: [orgIds['GM.YUTANG.CHANGZHEN']] }, u('changzhen.reception', 'changzhen.secretary')],
      [{ orgIds: [orgIds['GM.GUANGMING.BIYAN'], orgIds['GM.YUTANG.CHANGZHEN']], roles: ['community_secretary'] }, u('biyan.secretary', 'changzhen.secretary')],
      [{ orgIds: [orgIds['GM.YUTANG.CHANGZHEN']], roles: ['judge'] }, []],
      [{ userIds: [userIds['court.judge']], orgIds: [orgIds['GM.YUTANG.CHANGZHEN']], roles: ['receptionist'] }, u('court.judge', 'changzhen.reception')],
      [{}, []],
      [{ userIds: [], orgIds: [], roles: [] }, []],
      [{ userIds: ['00000000-0000-4000-8000-0000000000ff'] }, []],
    ];
    expect(await resolveRecipientsMany(ctx.db, cases.map(([spec]) => spec))).toEqual(cases.map(([, want]) => want));
    expect(await resolveRecipientsMany(ctx.db, [])).toEqual([]);

    // Inactive users are skipped whichever way they are named, and the result agrees with the single-spec rule.
    await ctx.db.updateTable('users').set({ active: false }).where('id', 'in', [userIds['biyan.grid'], userIds['changzhen.secretary']]).execute();
    try {
      const withInactive: RecipientSpec[] = [
        { userIds: [userIds['biyan.grid'], userIds['court.judge']] },
        { userIds: [userIds['biyan.grid']] },
        { orgIds: [orgIds['GM.YUTANG.CHANGZHEN']] },
        { roles: ['community_secretary', 'grid_worker'] },
        ...cases.map(([spec]) => spec),
      ];
      const got = await resolveRecipientsMany(ctx.db, withInactive);
      expect(got.slice(0, 4)).toEqual([u('court.judge'), [], u('changzhen.reception'), u('biyan.secretary')]);
      expect(got).toEqual(await Promise.all(withInactive.map((spec) => referenceRecipients(ctx.db, spec))));
    } finally {
      await ctx.db.updateTable('users').set({ active: true }).where('id', 'in', [userIds['biyan.grid'], userIds['changzhen.secretary']]).execute();
    }
  });
});

describe('notifications API', () => {
  beforeEach(async () => {
    await inTransaction(ctx, async (trx) => {
      for (let i = 1; i <= 3; i++) {
        await notify(trx, { recipients: { userIds: [userIds['biyan.secretary']] }, kind: 'k', title: { 'zh-CN': `通知${i}`, en: `Note ${i}` } }, ctx.clock.now());
      }
      await notify(trx, { recipients: { userIds: [userIds['changzhen.secretary']] }, kind: 'k', title: '别人的通知' }, ctx.clock.now());
    });
    await runDueWork(ctx);
  });

  it('lists only the caller’s own notifications, newest first, with the unread count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/notifications', headers: await t.as('biyan.secretary') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((n: { title: string }) => n.title)).toEqual(['通知3', '通知2', '通知1']);
    expect(body).toMatchObject({ total: 3, unread: 3, page: 1, pageSize: 20 });

    const en = await t.app.inject({ method: 'GET', url: '/api/v1/notifications?pageSize=2&page=2', headers: { ...(await t.as('biyan.secretary')), 'accept-language': 'en' } });
    expect(en.json().items.map((n: { title: string }) => n.title)).toEqual(['Note 1']);

    const other = await t.app.inject({ method: 'GET', url: '/api/v1/notifications', headers: await t.as('changzhen.secretary') });
    expect(other.json().items.map((n: { title: string }) => n.title)).toEqual(['别人的通知']);
  });

  it('marks one read (only the caller’s own) and all read; unread=true filters', async () => {
    const headers = await t.as('biyan.secretary');
    const mine = await inboxOf('biyan.secretary');
    const [foreign] = await inboxOf('changzhen.secretary');

    const read = await t.app.inject({ method: 'POST', url: `/api/v1/notifications/${mine[0].id}/read`, headers });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).toBe(ctx.clock.now().toISOString());

    const stolen = await t.app.inject({ method: 'POST', url: `/api/v1/notifications/${foreign.id}/read`, headers });
    expect(stolen.statusCode).toBe(404);
    expect((await inboxOf('changzhen.secretary'))[0].read_at).toBeNull();

    const unread = await t.app.inject({ method: 'GET', url: '/api/v1/notifications?unread=true', headers });
    expect(unread.json()).toMatchObject({ total: 2, unread: 2 });
    expect(unread.json().items.map((n: { id: number }) => n.id)).not.toContain(mine[0].id);

    const all = await t.app.inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers });
    expect(all.json()).toEqual({ updated: 2 });
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/notifications', headers });
    expect(after.json()).toMatchObject({ total: 3, unread: 0 });
    expect((await inboxOf('changzhen.secretary'))[0].read_at).toBeNull();
  });

  it('requires a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/notifications/read-all' })).statusCode).toBe(401);
  });
});

describe('sms topic', () => {
  it('delivers through the configured sender', async () => {
    const sent: [string, string][] = [];
    const original = smsGateway.senderFor;
    const capture: SmsSender = { send: async (phone, text) => void sent.push([phone, text]) };
    smsGateway.senderFor = () => capture;
    try {
      await inTransaction(ctx, (trx) => sendSms(trx, { phone: '13800135678', text: '验证码 123456' }, ctx.clock.now()));
      await runDueWork(ctx);
      expect(sent).toEqual([['13800135678', '验证码 123456']]);
    } finally {
      smsGateway.senderFor = original;
    }
  });

  it('the development sender logs the message; in production it refuses instead of leaking codes', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    await createLogSmsSender(log, false).send('13800135678', '验证码 654321');
    expect(lines.join('')).toContain('654321');
    lines.length = 0;
    await expect(createLogSmsSender(log, true).send('13800135678', '验证码 654321')).rejects.toThrow(/no SMS gateway/);
    expect(lines.join('')).not.toContain('654321');
  });

  it('a payload that can never be sent is dead-lettered at once', async () => {
    await writtenByHand('sms', { phone: 'call me', text: '' });
    await runDueWork(ctx);
    const [row] = await ctx.db.selectFrom('outbox').selectAll().execute();
    expect(row.failed_at).not.toBeNull();
    expect(row.last_error).toContain('invalid sms payload');
  });
});

describe('webhook topic', () => {
  it('posts JSON with an idempotency key; retries a 5xx; gives up on a 4xx', async () => {
    const received: { body: unknown; key: string | undefined }[] = [];
    let status = 500;
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(raw), key: req.headers['idempotency-key'] as string | undefined });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const original = ctx.config.webhookUrl;
    ctx.config.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const id = await inTransaction(ctx, (trx) => postWebhook(trx, ctx, { event: 'case.created', data: { trackingNo: 'GM-1' } }, ctx.clock.now()));
      expect(id).not.toBeNull();
      await runDueWork(ctx);
      let [row] = await ctx.db.selectFrom('outbox').selectAll().execute();
      expect(row.delivered_at).toBeNull();
      expect(row.last_error).toContain('webhook responded 500');

      status = 200;
      t.clock.advanceMinutes(5);
      await runDueWork(ctx);
      [row] = await ctx.db.selectFrom('outbox').selectAll().execute();
      expect(row.delivered_at).not.toBeNull();
      expect(received).toHaveLength(2);
      expect(received[1]).toEqual({
        key: `fengqiao-outbox-${id}`,
        body: { id, event: 'case.created', occurredAt: row.created_at.toISOString(), data: { trackingNo: 'GM-1' } },
      });

      status = 400;
      await inTransaction(ctx, (trx) => postWebhook(trx, ctx, { event: 'case.closed', data: {} }, ctx.clock.now()));
      await runDueWork(ctx);
      const rejected = await ctx.db.selectFrom('outbox').selectAll().where('delivered_at', 'is', null).executeTakeFirstOrThrow();
      expect(rejected.failed_at).not.toBeNull();
      expect(rejected.attempts).toBe(1);
    } finally {
      ctx.config.webhookUrl = original;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('enqueues nothing when no webhook URL is configured', async () => {
    expect(ctx.config.webhookUrl).toBeUndefined();
    expect(await inTransaction(ctx, (trx) => postWebhook(trx, ctx, { event: 'x', data: {} }, ctx.clock.now()))).toBeNull();
    expect(await ctx.db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });
});
