import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../platform/context.js';
import { enqueue } from '../../platform/outbox.js';
import type { RealtimeEvent } from '../../platform/realtime.js';
import { runDueWork } from '../../platform/scheduler.js';
import { inTransaction } from '../../platform/tx.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { deliverNotify, notify, postWebhook, sendSms } from './notifications.outbox.js';
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
    const recipients = (await ctx.db.selectFrom('notifications').select('user_id').execute()).map((r) => r.user_id).sort();
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
    await enqueue(ctx.db, 'sms', { phone: 'call me', text: '' }, ctx.clock.now());
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
