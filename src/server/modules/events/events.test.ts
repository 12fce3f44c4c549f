import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { newToken } from '../../platform/auth.js';
import type { Actor } from '../../platform/policies.js';
import { createRealtime } from '../../platform/realtime.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { eventVisibleTo, formatEvent, openEventStream } from './events.stream.js';

let t: TestApp;
let base: string;
const paths: Record<string, string> = {};
const userIds: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  for (const o of await t.app.ctx.db.selectFrom('org_units').select(['code', 'path']).execute()) paths[o.code] = o.path;
  for (const u of await t.app.ctx.db.selectFrom('users').select(['id', 'username']).execute()) userIds[u.username] = u.id;
});
afterAll(async () => t.close());

/** An open SSE connection over a real socket: read until a predicate holds on everything received so far. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const chunks: string[] = [];
  let ended = false;
  let wake: () => void = () => undefined;
  const { req, res } = await new Promise<{ req: http.ClientRequest; res: http.IncomingMessage }>((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => resolve({ req, res }));
    req.on('error', reject);
  });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    chunks.push(chunk);
    wake();
  });
  const finish = () => {
    ended = true;
    wake();
  };
  res.on('end', finish);
  res.on('close', finish);
  return {
    res,
    get text() {
      return chunks.join('');
    },
    /** Waits until `done(text)` holds; returns false if the server ended the stream first. */
    async readUntil(done: (text: string) => boolean): Promise<boolean> {
      for (;;) {
        if (done(chunks.join(''))) return true;
        if (ended) return false;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close() {
      req.destroy();
    },
  };
}

const token = async (username: string) => (await t.as(username)).authorization.slice('Bearer '.length);

describe('GET /api/v1/events/stream', () => {
  it('streams an in-scope event and not an out-of-scope one', async () => {
    const stream = await openStream(`${base}/api/v1/events/stream`, await t.as('biyan.secretary'));
    try {
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers['content-type']).toContain('text/event-stream');
      expect(await stream.readUntil((s) => s.includes(': connected'))).toBe(true);

      // Published in this order; the bus preserves it, so once the last arrives the others were decided.
      await t.app.ctx.realtime.publish({ name: 'case.elsewhere', caseId: 'c-other', orgPath: `${paths['GM.YUTANG.CHANGZHEN']}` });
      await t.app.ctx.realtime.publish({ name: 'notification', userId: userIds['changzhen.secretary'], data: { id: 1 } });
      await t.app.ctx.realtime.publish({ name: 'case.updated', caseId: 'c-mine', orgPath: `${paths['GM.GUANGMING.BIYAN.G1']}`, data: { status: 'accepted' } });
      expect(await stream.readUntil((s) => s.includes('event: case.updated'))).toBe(true);

      expect(stream.text).toContain('event: case.updated\ndata: {"name":"case.updated","caseId":"c-mine","data":{"status":"accepted"}}\n\n');
      expect(stream.text).not.toContain('case.elsewhere');
      expect(stream.text).not.toContain('notification');
      expect(stream.text).not.toContain('orgPath');
    } finally {
      stream.close();
    }
  });

  it('accepts ?accessToken= (for EventSource), delivers district-wide events and the user’s own events', async () => {
    const stream = await openStream(`${base}/api/v1/events/stream?accessToken=${encodeURIComponent(await token('district.admin'))}`);
    try {
      expect(stream.res.statusCode).toBe(200);
      await stream.readUntil((s) => s.includes(': connected'));
      await t.app.ctx.realtime.publish({ name: 'notification', userId: userIds['district.admin'], data: { id: 7 } });
      await t.app.ctx.realtime.publish({ name: 'case.updated', orgPath: paths['GM.YUTANG.CHANGZHEN'] });
      await t.app.ctx.realtime.publish({ name: 'system.notice' });
      expect(await stream.readUntil((s) => s.includes('event: system.notice'))).toBe(true);
      expect(stream.text).toContain('event: notification\ndata: {"name":"notification","data":{"id":7}}');
      expect(stream.text).toContain('event: case.updated');
    } finally {
      stream.close();
    }
  });

  it('refuses a missing or bad token, and users without case:read', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events/stream' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events/stream?accessToken=nope' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/events/stream', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);

    // A user holding no role at all (hence no case:read) with a live session.
    const db = t.app.ctx.db;
    const now = t.clock.now();
    const template = await db.selectFrom('users').select('password_hash').where('username', '=', 'biyan.grid').executeTakeFirstOrThrow();
    const user = await db
      .insertInto('users')
      .values({ username: 'no.roles', display_name: '无角色', password_hash: template.password_hash })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = newToken();
    await db
      .insertInto('sessions')
      .values({ token_hash: session.tokenHash, user_id: user.id, created_at: now, expires_at: new Date(now.getTime() + 3_600_000) })
      .execute();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/events/stream?accessToken=${session.token}` });
    expect(res.statusCode).toBe(403);
  });

  it('unsubscribes from the bus when the client disconnects', async () => {
    const realtime = t.app.ctx.realtime;
    const subscribe = realtime.subscribe.bind(realtime);
    let active = 0;
    let changed: () => void = () => undefined;
    realtime.subscribe = (listener) => {
      active++;
      const stop = subscribe(listener);
      return () => {
        active--;
        changed();
        stop();
      };
    };
    try {
      const stream = await openStream(`${base}/api/v1/events/stream`, await t.as('biyan.secretary'));
      await stream.readUntil((s) => s.includes(': connected'));
      expect(active).toBe(1);
      const unsubscribed = new Promise<void>((resolve) => (changed = resolve));
      stream.close();
      await unsubscribed;
      expect(active).toBe(0);
    } finally {
      realtime.subscribe = subscribe;
    }
  });

  it('app.close() ends open streams instead of waiting for them', async () => {
    const own = await createTestApp();
    await own.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(own.app.server.address() as AddressInfo).port}/api/v1/events/stream`;
    const stream = await openStream(url, await own.as('biyan.secretary'));
    await stream.readUntil((s) => s.includes(': connected'));
    await own.close();
    expect(await stream.readUntil(() => false)).toBe(false);
  });
});

describe('eventVisibleTo / formatEvent', () => {
  const role = (r: Actor['roles'][number]['role'], orgPath: string): Actor['roles'][number] => ({ role: r, orgId: 'o', orgPath, orgName: 'O', orgType: 'community' });
  const actor = (roles: Actor['roles']): Actor => ({ id: 'u1', username: 'u', displayName: 'U', roles });
  const secretary = actor([role('community_secretary', '/d/s/c1/')]);

  it('scopes by org path prefix, targets by user id, and sends un-scoped events to staff only', () => {
    expect(eventVisibleTo({ name: 'e', orgPath: '/d/s/c1/' }, secretary)).toBe(true);
    expect(eventVisibleTo({ name: 'e', orgPath: '/d/s/c1/g1/' }, secretary)).toBe(true);
    expect(eventVisibleTo({ name: 'e', orgPath: '/d/s/c2/' }, secretary)).toBe(false);
    expect(eventVisibleTo({ name: 'e', orgPath: '/d/s/' }, secretary)).toBe(false);
    expect(eventVisibleTo({ name: 'e' }, secretary)).toBe(true);
    expect(eventVisibleTo({ name: 'e', userId: 'u1', orgPath: '/elsewhere/' }, secretary)).toBe(true);
    expect(eventVisibleTo({ name: 'e', userId: 'u2', orgPath: '/d/s/c1/' }, secretary)).toBe(false);
    const citizen = actor([role('citizen', '/d/')]);
    expect(eventVisibleTo({ name: 'e' }, citizen)).toBe(false);
    expect(eventVisibleTo({ name: 'e', orgPath: '/d/s/c1/' }, citizen)).toBe(false);
  });

  it('formats one SSE message without routing fields', () => {
    expect(formatEvent({ name: 'case.updated', caseId: 'c', orgPath: '/d/', userId: 'u', data: { note: 'a\nb' } })).toBe(
      'event: case.updated\ndata: {"name":"case.updated","caseId":"c","data":{"note":"a\\nb"}}\n\n',
    );
  });
});

describe('openEventStream', () => {
  it('sends heartbeats, revalidates at each one, and ends the stream once revalidation fails', async () => {
    const app = Fastify();
    const realtime = await createRealtime({ engine: 'pglite', pool: t.database.pool, db: t.database.db }, app.log);
    let valid = true;
    let checks = 0;
    app.get('/stream', async (req, reply) => {
      openEventStream(req, reply, {
        realtime,
        accept: () => true,
        heartbeatMs: 10,
        revalidate: async () => {
          checks++;
          return valid;
        },
      });
      return reply;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const stream = await openStream(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/stream`);
      expect(await stream.readUntil((s) => s.split(': heartbeat').length > 3)).toBe(true);
      expect(checks).toBeGreaterThan(0);
      valid = false;
      // The server must end the stream by itself; hanging here would time the test out.
      expect(await stream.readUntil(() => false)).toBe(false);
    } finally {
      await app.close();
      await realtime.close();
    }
  });
});
