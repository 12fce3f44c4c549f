import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { RESIDENT_DAILY_MAX_BYTES, RESIDENT_DAILY_MAX_FILES, judgeDailyQuota, judgeUpload, safeFileName, shanghaiDay, storageKey } from './attachments.rules.js';

let t: TestApp;
let dataDir: string;
let biyanBuilding: string;

beforeAll(async () => {
  // Uploads land in the data directory: a private one, never the repository's ./data.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-uploads-'));
  t = await createTestApp({ env: { FENGQIAO_DATA_DIR: dataDir } });
  const biyan = (await findOrgByCode(t.database.db, 'GM.GUANGMING.BIYAN'))!.id;
  biyanBuilding = (await t.database.db.selectFrom('buildings').select('code').where('community_id', '=', biyan).limit(1).executeTakeFirstOrThrow()).code;
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// Smallest byte patterns the sniffer recognises, padded to a size.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(200)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(200)]);
const WAV_HEADER = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WAVEfmt ')]);

function multipart(fileName: string, contentType: string, data: Buffer) {
  const boundary = '----fengqiao-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(headers: Record<string, string>, fileName: string, contentType: string, data: Buffer) {
  const body = multipart(fileName, contentType, data);
  return t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...headers, ...body.headers }, payload: body.payload });
}

const download = (id: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url: `/api/v1/attachments/${id}`, headers });

const leftovers = () => {
  const tmp = path.join(dataDir, 'uploads', 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
};

describe('upload', () => {
  it('stores a sniffed image under uploads/<yyyy>/<mm>/<uuid> and records it', async () => {
    // The client claims a JPEG; the bytes are a PNG: the bytes win, and so does the extension.
    const res = await upload(await t.as('biyan.reception'), '现场照片.jpg', 'image/jpeg', PNG);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ fileName: '现场照片.png', mimeType: 'image/png', size: PNG.length });
    const row = await t.database.db.selectFrom('attachments').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.storage_key).toBe(`uploads/2026/11/${body.id}`);
    expect(fs.readFileSync(path.join(dataDir, row.storage_key)).equals(PNG)).toBe(true);
    expect(row.case_id).toBeNull();
    expect(leftovers()).toEqual([]);
  });

  it('refuses a .jpg that is really text (415)', async () => {
    const res = await upload(await t.as('biyan.reception'), 'photo.jpg', 'image/jpeg', Buffer.from('这不是图片，只是一段文字。'.repeat(20)));
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(leftovers()).toEqual([]);
  });

  it('refuses an image over 10 MB (413) but takes audio of the same size', async () => {
    const headers = await t.as('biyan.reception');
    const big = Buffer.alloc(10 * 1024 * 1024 + 1);
    JPEG.copy(big);
    const image = await upload(headers, 'big.jpg', 'image/jpeg', big);
    expect(image.statusCode).toBe(413);
    expect(image.json().error.details.limitBytes).toBe(10 * 1024 * 1024);
    WAV_HEADER.copy(big);
    const audio = await upload(headers, 'voice.wav', 'audio/wav', big);
    expect(audio.statusCode, audio.body).toBe(201);
    expect(audio.json().mimeType).toBe('audio/wav');
    expect(leftovers()).toEqual([]);
  });

  it('cuts anything over 20 MB (413)', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024 + 10);
    WAV_HEADER.copy(huge);
    const res = await upload(await t.as('biyan.reception'), 'long.wav', 'audio/wav', huge);
    expect(res.statusCode).toBe(413);
    expect(leftovers()).toEqual([]);
  });

  it('needs a staff token or a resident verification', async () => {
    const res = await upload({}, 'a.jpg', 'image/jpeg', JPEG);
    expect(res.statusCode).toBe(401);
    const forged = await upload({ 'x-verification-token': 'y'.repeat(43) }, 'a.jpg', 'image/jpeg', JPEG);
    expect(forged.statusCode).toBe(401);
  });

  it('a request without a file is a 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: await t.as('biyan.reception'), payload: { file: 'x' } });
    expect(res.statusCode).toBe(400);
  });
});

describe('download scope', () => {
  it('staff who see the case read its attachments; a community outside its scope gets 404', async () => {
    const reception = await t.as('biyan.reception');
    const up = (await upload(reception, 'scene.jpg', 'image/jpeg', JPEG)).json();
    // Before it is on a case, only the uploader reads it.
    expect((await download(up.id, reception)).statusCode).toBe(200);
    expect((await download(up.id, await t.as('biyan.secretary'))).statusCode).toBe(404);

    const created = await t.app.inject({
      method: 'POST', url: '/api/v1/cases', headers: reception,
      payload: {
        channel: 'walk_in', category: 'neighbor.noise', title: '噪音', description: '楼下商铺音响声音过大',
        location: { buildingCode: biyanBuilding }, reporter: { name: '王五', phone: '13700001111' }, attachmentIds: [up.id],
      },
    });
    expect(created.statusCode, created.body).toBe(201);

    const secretary = await download(up.id, await t.as('biyan.secretary'));
    expect(secretary.statusCode).toBe(200);
    expect(secretary.headers['content-type']).toBe('image/jpeg');
    expect(secretary.headers['content-disposition']).toContain("filename*=UTF-8''scene.jpg");
    expect(secretary.rawPayload.equals(JPEG)).toBe(true);
    expect((await download(up.id, await t.as('guangming.admin'))).statusCode).toBe(200);
    const outside = await download(up.id, await t.as('changzhen.secretary'));
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('NOT_FOUND');
    expect((await download(up.id, {})).statusCode).toBe(401);
  });

  it('a resident uploads with a verification token and puts the file on a submission', async () => {
    const phone = '13911112222';
    await t.app.inject({ method: 'POST', url: '/api/v1/public/otp', payload: { phone } });
    const sms = await t.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').where(sql<boolean>`payload->>'phone' = ${phone}`).executeTakeFirstOrThrow();
    const code = /(\d{6})/.exec((sms.payload as { text: string }).text)![1];
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/public/otp/verify', payload: { phone, code } })).json().verificationToken;
    const resident = { 'x-verification-token': token };

    const pdf = await upload(resident, '证明.pdf', 'application/octet-stream', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1'));
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ mimeType: 'application/pdf', fileName: '证明.pdf' });
    expect((await download(pdf.json().id, resident)).statusCode).toBe(200);
    // A staff member did not upload it and there is no case yet.
    expect((await download(pdf.json().id, await t.as('biyan.secretary'))).statusCode).toBe(404);

    // Another resident cannot put it on their case.
    const other = '13911113333';
    await t.app.inject({ method: 'POST', url: '/api/v1/public/otp', payload: { phone: other } });
    const sms2 = await t.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').where(sql<boolean>`payload->>'phone' = ${other}`).executeTakeFirstOrThrow();
    const otherToken = (await t.app.inject({ method: 'POST', url: '/api/v1/public/otp/verify', payload: { phone: other, code: /(\d{6})/.exec((sms2.payload as { text: string }).text)![1] } })).json().verificationToken;
    const base = { category: 'neighbor.noise', title: '噪音', description: '夜间施工', location: { buildingCode: biyanBuilding }, attachmentIds: [pdf.json().id] };
    const stolen = await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { ...base, verificationToken: otherToken } });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().error.details.fields[0].path).toBe('body.attachmentIds');

    const submitted = await t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { ...base, verificationToken: token } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    expect((await download(pdf.json().id, await t.as('biyan.secretary'))).statusCode).toBe(200);
    expect((await download(pdf.json().id, await t.as('changzhen.secretary'))).statusCode).toBe(404);
  });
});

describe('rules', () => {
  it('judges by sniffed type and per-kind size', () => {
    expect(judgeUpload(undefined, 10)).toEqual({ ok: false, reason: 'unsupported' });
    expect(judgeUpload('video/mp4', 10)).toEqual({ ok: false, reason: 'unsupported' });
    expect(judgeUpload('image/heic', 10)).toMatchObject({ ok: true, kind: 'image', ext: 'heic' });
    expect(judgeUpload('audio/amr', 20 * 1024 * 1024)).toMatchObject({ ok: true, kind: 'audio' });
    expect(judgeUpload('application/pdf', 10 * 1024 * 1024 + 1)).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('cleans file names', () => {
    expect(safeFileName('../../etc/passwd', 'png')).toBe('passwd.png');
    expect(safeFileName('C:\\Users\\a\\录音 1.m4a', 'm4a')).toBe('录音 1.m4a');
    expect(safeFileName('a"b\u0000c.jpg', 'jpg')).toBe('abc.jpg');
    expect(safeFileName(undefined, 'pdf')).toBe('attachment.pdf');
  });

  it('a daily allowance: before reading, anything left; after measuring, this file', () => {
    const max = { files: RESIDENT_DAILY_MAX_FILES, bytes: RESIDENT_DAILY_MAX_BYTES };
    expect(judgeDailyQuota({ files: max.files - 1, bytes: 0 })).toEqual({ ok: true });
    expect(judgeDailyQuota({ files: max.files, bytes: 0 })).toEqual({ ok: false, exceeded: 'files' });
    expect(judgeDailyQuota({ files: 0, bytes: max.bytes - 1 })).toEqual({ ok: true });
    expect(judgeDailyQuota({ files: 0, bytes: max.bytes })).toEqual({ ok: false, exceeded: 'bytes' });
    expect(judgeDailyQuota({ files: 0, bytes: max.bytes - 10 }, 10)).toEqual({ ok: true });
    expect(judgeDailyQuota({ files: 0, bytes: max.bytes - 10 }, 11)).toEqual({ ok: false, exceeded: 'bytes' });
  });

  it('days are Shanghai calendar days', () => {
    // 23:59 on 23 November in Shanghai is 15:59 UTC; midnight starts the 24th.
    expect(shanghaiDay(new Date('2026-11-23T15:59:00Z'))).toEqual({
      start: new Date('2026-11-22T16:00:00Z'), next: new Date('2026-11-23T16:00:00Z'), nextDate: '2026-11-24',
    });
    expect(shanghaiDay(new Date('2026-11-23T16:00:00Z')).start).toEqual(new Date('2026-11-23T16:00:00Z'));
  });

  it('keys files by UTC month', () => {
    expect(storageKey(new Date('2026-01-31T20:00:00Z'), 'x')).toBe('uploads/2026/01/x');
  });
});
