/**
 * Security issue #13, finding 5: uploads never put on a case are deleted
 * after the grace period (row and file, once, never a linked one), and a
 * verified phone's uploads are capped per Shanghai day.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { phoneFingerprint } from '../public/index.js';

// A seam to put a sweep exactly between intake's check of its uploads and its write:
// the real read, then (once, when armed) whatever the test wants to happen in that gap.
const seam = vi.hoisted(() => ({ afterAttachmentRead: null as null | ((ids: readonly string[]) => Promise<void>) }));
vi.mock('../cases/cases.repo.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../cases/cases.repo.js')>();
  return {
    ...original,
    attachmentsByIds: async (...args: Parameters<typeof original.attachmentsByIds>) => {
      const rows = await original.attachmentsByIds(...args);
      const hook = seam.afterAttachmentRead;
      if (hook) {
        seam.afterAttachmentRead = null;
        await hook(args[1]);
      }
      return rows;
    },
  };
});

const HOUR = 60;
const GRACE_MINUTES = 24 * HOUR;

let t: TestApp;
let dataDir: string;
let building: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-orphans-'));
  t = await createTestApp({ env: { FENGQIAO_DATA_DIR: dataDir } });
  const biyan = (await findOrgByCode(t.database.db, 'GM.GUANGMING.BIYAN'))!.id;
  building = (await t.database.db.selectFrom('buildings').select('code').where('community_id', '=', biyan).limit(1).executeTakeFirstOrThrow()).code;
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(200)]);

async function upload(headers: Record<string, string>, extra: Record<string, string> = {}) {
  const boundary = '----fengqiao-orphan-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    JPEG,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...headers, ...extra, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
}

async function uploaded(headers: Record<string, string>): Promise<string> {
  const res = await upload(headers);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

let ipCounter = 1;
/** A verification token for `phone` (each from its own address, so the per-IP code throttle never interferes). */
async function residentHeaders(phone: string): Promise<Record<string, string>> {
  const remoteAddress = `10.13.5.${ipCounter++}`;
  const sent = await t.app.inject({ method: 'POST', url: '/api/v1/public/otp', payload: { phone }, remoteAddress });
  expect(sent.statusCode, sent.body).toBe(202);
  const sms = await t.database.db
    .selectFrom('outbox').select('payload').where('topic', '=', 'sms').where(sql<boolean>`payload->>'phone' = ${phone}`)
    .orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const code = /(\d{6})/.exec((sms.payload as { text: string }).text)![1];
  const verified = await t.app.inject({ method: 'POST', url: '/api/v1/public/otp/verify', payload: { phone, code }, remoteAddress });
  expect(verified.statusCode, verified.body).toBe(200);
  return { 'x-verification-token': verified.json<{ verificationToken: string }>().verificationToken };
}

/** The test clock through the API: moves time and runs everything due (timers, outbox, sweeps). */
async function advance(minutes: number) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/clock', headers: await t.as('sysadmin'), payload: { advanceMinutes: minutes } });
  expect(res.statusCode, res.body).toBe(200);
}

const row = (id: string) => t.database.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
const fileOf = (key: string) => path.join(dataDir, key);

async function keyOf(id: string): Promise<string> {
  return (await row(id))!.storage_key;
}

function staffCase(headers: Record<string, string>, title: string, attachmentIds: string[]) {
  return t.app.inject({
    method: 'POST', url: '/api/v1/cases', headers,
    payload: {
      channel: 'walk_in', category: 'neighbor.noise', title, description: '楼下商铺音响声音过大',
      location: { buildingCode: building }, reporter: { name: '王五', phone: '13700001111' }, attachmentIds,
    },
  });
}

async function deletedCounter(): Promise<number> {
  const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = body.split('\n').find((l) => l.startsWith('fengqiao_orphan_uploads_deleted_total '));
  return line ? Number(line.split(' ')[1]) : NaN;
}

describe('orphan uploads', () => {
  it('a resident upload never put on a case is deleted after the grace period, row and file; an attached one and a younger one stay', async () => {
    const before = await deletedCounter();
    const resident = await residentHeaders('13911114444');
    const orphan = await uploaded(resident);
    const attached = await uploaded(resident);
    const staffOrphan = await uploaded(await t.as('biyan.reception'));
    const submitted = await t.app.inject({
      method: 'POST', url: '/api/v1/public/cases',
      payload: { category: 'neighbor.noise', title: '噪音', description: '夜间施工', location: { buildingCode: building }, attachmentIds: [attached], verificationToken: resident['x-verification-token'] },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const [orphanKey, attachedKey, staffKey] = [await keyOf(orphan), await keyOf(attached), await keyOf(staffOrphan)];
    expect(fs.existsSync(fileOf(orphanKey))).toBe(true);

    await advance(12 * HOUR);
    const younger = await uploaded(await residentHeaders('13911114444'));
    const youngerKey = await keyOf(younger);

    // Not yet: one minute short of the grace period.
    await advance(12 * HOUR - 1);
    expect(await row(orphan)).toBeDefined();
    expect(fs.existsSync(fileOf(orphanKey))).toBe(true);

    await advance(2);
    expect(await row(orphan)).toBeUndefined();
    expect(fs.existsSync(fileOf(orphanKey))).toBe(false);
    expect(await row(staffOrphan)).toBeUndefined();
    expect(fs.existsSync(fileOf(staffKey))).toBe(false);
    expect((await row(attached))?.case_id).not.toBeNull();
    expect(fs.existsSync(fileOf(attachedKey))).toBe(true);
    expect(await row(younger)).toBeDefined();
    expect(fs.existsSync(fileOf(youngerKey))).toBe(true);
    expect(await deletedCounter()).toBe(before + 2);

    // The younger one follows once its own grace period is over; the attached one never goes.
    await advance(12 * HOUR + 1);
    expect(await row(younger)).toBeUndefined();
    expect(fs.existsSync(fileOf(youngerKey))).toBe(false);
    expect(await row(attached)).toBeDefined();
    expect(fs.existsSync(fileOf(attachedKey))).toBe(true);
  });

  it('two sweepers racing delete each orphan exactly once, without an error', async () => {
    const staff = await t.as('biyan.reception');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await uploaded(staff));
    const keys = await Promise.all(ids.map(keyOf));
    // Past the grace period without sweeping, then two sweeps at once (on PostgreSQL on two connections).
    t.clock.advanceMinutes(GRACE_MINUTES + 1);
    await Promise.all([runDueWork(t.app.ctx), runDueWork(t.app.ctx)]);

    const left = await t.database.db.selectFrom('attachments').select('id').where('id', 'in', ids).execute();
    expect(left).toEqual([]);
    for (const key of keys) expect(fs.existsSync(fileOf(key))).toBe(false);
    const messages = await t.database.db
      .selectFrom('outbox').select(['payload', 'delivered_at', 'last_error', 'failed_at'])
      .where(sql<boolean>`payload->>'attachmentId' IN (${sql.join(ids)})`).execute();
    // One file removal per deleted row: nothing was deleted twice.
    expect(messages.map((m) => (m.payload as { attachmentId: string }).attachmentId).sort()).toEqual([...ids].sort());
    for (const m of messages) expect(m).toMatchObject({ last_error: null, failed_at: null, delivered_at: expect.any(Date) });
  });

  it('keeps the upload an intake linked just before the sweep, and deletes its unused neighbour', async () => {
    const staff = await t.as('biyan.reception');
    const linked = await uploaded(staff);
    const unused = await uploaded(staff);
    t.clock.advanceMinutes(GRACE_MINUTES + 1);
    const created = await staffCase(await t.as('biyan.reception'), '夜间噪音（附照片）', [linked]);
    expect(created.statusCode, created.body).toBe(201);
    await advance(0);
    expect((await row(linked))?.case_id).toBe(created.json<{ id: string }>().id);
    expect(fs.existsSync(fileOf(await keyOf(linked)))).toBe(true);
    expect(await row(unused)).toBeUndefined();
    const secretary = await t.app.inject({ method: 'GET', url: `/api/v1/attachments/${linked}`, headers: await t.as('biyan.secretary') });
    expect(secretary.statusCode).toBe(200);
  });

  it('an intake whose upload the sweep deletes between its check and its write is refused, and writes nothing', async () => {
    const staff = await t.as('biyan.reception');
    const doomed = await uploaded(staff);
    t.clock.advanceMinutes(GRACE_MINUTES + 1);
    const headers = await t.as('biyan.reception');
    let sweptInGap = false;
    seam.afterAttachmentRead = async (ids) => {
      if (!ids.includes(doomed)) return;
      await runDueWork(t.app.ctx);
      sweptInGap = (await row(doomed)) === undefined;
    };
    const title = `噪音-竞态-${doomed.slice(0, 8)}`;
    const res = await staffCase(headers, title, [doomed]);
    seam.afterAttachmentRead = null;
    expect(sweptInGap).toBe(true);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('body.attachmentIds');
    expect(await t.database.db.selectFrom('cases').select('id').where('title', '=', title).execute()).toEqual([]);
    const naming = await t.database.db.selectFrom('case_events').select('id').where(sql<boolean>`attachments @> ${JSON.stringify([{ id: doomed }])}::jsonb`).execute();
    expect(naming).toEqual([]);
  });
});

describe('daily upload allowance per verified phone', () => {
  it('the 31st upload of a day is a 429 naming tomorrow; the next Shanghai day it works again', async () => {
    // Start the day fresh: the next Shanghai midnight plus a minute.
    const now = t.clock.now().getTime();
    const shanghaiMidnight = Math.floor((now + 8 * 3_600_000) / 86_400_000 + 1) * 86_400_000 - 8 * 3_600_000;
    await advance((shanghaiMidnight - now) / 60_000 + 1);

    const phone = '13911115555';
    const resident = await residentHeaders(phone);
    for (let i = 0; i < 30; i++) await uploaded(resident);
    const refused = await upload(resident);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error.code).toBe('UPLOAD_QUOTA_EXCEEDED');
    expect(refused.json().error.message).toContain('每天最多30个文件');
    const tomorrow = new Date(shanghaiMidnight + 86_400_000);
    expect(refused.json().error.details).toMatchObject({ exceeded: 'files', retryAt: tomorrow.toISOString() });
    expect(Number(refused.headers['retry-after'])).toBe((tomorrow.getTime() - t.clock.now().getTime()) / 1000);
    const english = await upload(resident, { 'accept-language': 'en' });
    expect(english.statusCode).toBe(429);
    expect(english.json().error.message).toContain('30 files a day');
    // Another phone is not affected.
    await uploaded(await residentHeaders('13911116666'));

    await advance((tomorrow.getTime() - t.clock.now().getTime()) / 60_000);
    await uploaded(await residentHeaders(phone));
  });

  it('counts bytes too: a file that would pass 100 MB for the day is refused after measuring and not kept', async () => {
    const phone = '13911117777';
    const resident = await residentHeaders(phone);
    const now = t.clock.now();
    // Today's earlier uploads of this phone, as stored rows: 300 bytes short of 100 MB.
    await t.database.db.insertInto('attachments').values({
      case_id: null, file_name: 'earlier.wav', mime_type: 'audio/wav', size_bytes: 100 * 1024 * 1024 - 300, sha256: '0'.repeat(64),
      storage_key: 'uploads/none/earlier', uploaded_by: null, uploader_phone_hash: phoneFingerprint(phone), created_at: now,
    }).execute();
    await uploaded(resident); // 211 bytes: fits
    const filesBefore = fs.readdirSync(path.join(dataDir, 'uploads'), { recursive: true }).length;
    const refused = await upload(resident); // 211 more would pass the limit
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error.details.exceeded).toBe('bytes');
    expect(refused.json().error.message).toContain('每天最多100 MB');
    expect(fs.readdirSync(path.join(dataDir, 'uploads'), { recursive: true }).length).toBe(filesBefore);
  });
});
