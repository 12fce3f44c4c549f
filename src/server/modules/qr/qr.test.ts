/**
 * Building QR codes: the stable `/q/{code}` redirect, the public building
 * look-up, and the A4 posters — one page per building, the CJK font embedded,
 * and a QR code that decodes (after rendering the page like a printer would)
 * to the building's URL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { CJK_FONT_PATHS } from './qr.posters.js';

// jsqr is CommonJS: its module object is the function and also carries it as `default` (what the types describe).
const jsQR = jsqrModule.default;
const PUBLIC_URL = 'https://fq.example.gov.cn';
let t: TestApp;
let biyanId: string;
let biyanCodes: string[];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-qr-'));
const hasPdftoppm = spawnSync('pdftoppm', ['-v']).error === undefined;
// Debian's fonts-noto-cjk: `.ci/run` installs it before the tests; on a machine without it the posters answer 503.
const hasCjkFont = CJK_FONT_PATHS.some((p) => fs.existsSync(p));

beforeAll(async () => {
  t = await createTestApp({ env: { FENGQIAO_PUBLIC_URL: PUBLIC_URL } });
  biyanId = (await findOrgByCode(t.database.db, 'GM.GUANGMING.BIYAN'))!.id;
  biyanCodes = (await t.database.db.selectFrom('buildings').select('code').where('community_id', '=', biyanId).where('active', '=', true).orderBy('code').execute()).map((r) => r.code);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Page count from the page tree: the root /Pages object's /Count. */
function pageCount(pdf: Buffer): number {
  const counts = [...pdf.toString('latin1').matchAll(/\/Type \/Pages[\s\S]*?\/Count (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...counts);
}

/** Renders one page to PNG with poppler and decodes the QR code on it. */
function decodePage(pdf: Buffer, page: number): string | null {
  const file = path.join(tmp, `p${page}.pdf`);
  fs.writeFileSync(file, pdf);
  const prefix = path.join(tmp, `p${page}`);
  execFileSync('pdftoppm', ['-png', '-r', '100', '-f', String(page), '-l', String(page), '-singlefile', file, prefix]);
  const png = PNG.sync.read(fs.readFileSync(`${prefix}.png`));
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
}

describe('the building URL /q/{code}', () => {
  it('redirects a known building to the portal with the building set', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/q/${biyanCodes[0]}` });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/m/?building=${biyanCodes[0]}`);
  });

  it('answers an unknown code with a friendly 404 page, in both languages, with a way to report anyway', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/q/GM-NOWHERE-9999' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('未找到楼栋');
    expect(res.body).toContain('does not match any building');
    expect(res.body).toContain('href="/m/"');
    const hostile = await t.app.inject({ method: 'GET', url: '/q/%3Cscript%3E' });
    expect(hostile.statusCode).toBe(404);
    expect(hostile.body).not.toContain('<script>');
  });

  it('lets the portal look up the building a scan set (address and community only)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/public/buildings/${biyanCodes[0]}` });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ code: string; address: string; communityName: string; communityId: string }>();
    expect(body).toMatchObject({ code: biyanCodes[0], communityName: '碧眼社区', communityId: biyanId });
    expect(body.address.length).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/buildings/GM-NOWHERE-9999' })).statusCode).toBe(404);
  });
});

describe('QR posters', () => {
  it.skipIf(hasCjkFont)('answers 503 naming the missing font package when fonts-noto-cjk is not installed', async () => {
    console.warn('fonts-noto-cjk is not installed: the poster PDF tests are skipped and the 503 answer is checked instead');
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?buildingCode=${biyanCodes[1]}`, headers: await t.as('biyan.reception') });
    expect(res.statusCode).toBe(503);
    expect(JSON.stringify(res.json())).toContain('fonts-noto-cjk');
  });

  it.runIf(hasCjkFont)('prints one A4 page per building of a community, with the CJK font embedded and a QR code of the building URL', async () => {
    expect(biyanCodes.length).toBeGreaterThan(1);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?communityId=${biyanId}`, headers: await t.as('biyan.secretary') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(biyanCodes.length);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/FontFile[23]/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    // A4 in points.
    expect(text).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    if (!hasPdftoppm) {
      console.warn('pdftoppm (Debian poppler-utils) is not installed: the QR decoding assertion is skipped');
      return;
    }
    expect(decodePage(pdf, 1)).toBe(`${PUBLIC_URL}/q/${biyanCodes[0]}`);
    expect(decodePage(pdf, biyanCodes.length)).toBe(`${PUBLIC_URL}/q/${biyanCodes[biyanCodes.length - 1]}`);
  });

  it.runIf(hasCjkFont)('prints a single building', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?buildingCode=${biyanCodes[1]}`, headers: await t.as('biyan.reception') });
    expect(res.statusCode).toBe(200);
    expect(pageCount(res.rawPayload)).toBe(1);
    if (hasPdftoppm) expect(decodePage(res.rawPayload, 1)).toBe(`${PUBLIC_URL}/q/${biyanCodes[1]}`);
  });

  it('refuses staff outside the community, anonymous callers and unclear requests', async () => {
    const other = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?communityId=${biyanId}`, headers: await t.as('changzhen.secretary') });
    expect(other.statusCode).toBe(403);
    expect(other.json<{ error: { code: string } }>().error.code).toBe('OUT_OF_SCOPE');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?communityId=${biyanId}` })).statusCode).toBe(401);
    const both = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?communityId=${biyanId}&buildingCode=${biyanCodes[0]}`, headers: await t.as('district.admin') });
    expect(both.statusCode).toBe(400);
    expect(JSON.stringify(both.json())).toContain('querystring.communityId');
    const subdistrict = (await findOrgByCode(t.database.db, 'GM.GUANGMING'))!.id;
    const notCommunity = await t.app.inject({ method: 'GET', url: `/api/v1/qr/posters?communityId=${subdistrict}`, headers: await t.as('district.admin') });
    expect(notCommunity.statusCode).toBe(400);
  });
});
