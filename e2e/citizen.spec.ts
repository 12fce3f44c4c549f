/**
 * The citizen portal on a 360×740 phone against the real server: a resident
 * scans a building's QR code (/q/{code}), reports a neighbour's noise with a
 * photo (compressed in the browser), verifies the phone with the one-time code
 * the development SMS sender logs, survives a dropped connection (the draft is
 * kept and the same submission retried), gets a tracking number; staff resolve
 * the case through the API; the resident follows it, confirms, and a
 * dissatisfied rating reopens it. Screenshots go to artifacts/e2e.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall, apiToken, baseUrl, launchBrowser, openSession, shot, type Session } from './support.js';

const PHONE = '13912340606';
const PHONE_VIEWPORT = { width: 360, height: 740 };

let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
});

/** The newest one-time code texted to `phone`, as the development SMS sender logged it. */
async function loggedCode(phone: string, after: number): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(
      () => {
        const log = fs.readFileSync(inject('serverLog'), 'utf8').slice(after);
        const all = [...log.matchAll(new RegExp(`SMS \\(development, not sent\\) to ${phone}: [^"]*?(\\d{6})`, 'g'))];
        code = all.at(-1)?.[1];
        return code;
      },
      { timeout: 15_000 },
    )
    .toMatch(/^\d{6}$/);
  return code!;
}

/** A 1200×900 photo-like PNG (noise on a gradient), large enough that the browser scales and re-encodes it. */
function photo(): Buffer {
  const png = new PNG({ width: 1200, height: 900 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      png.data[i] = (x * 255) / png.width;
      png.data[i + 1] = (y * 255) / png.height;
      png.data[i + 2] = (x * y) % 256;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

describe('citizen portal on a phone', () => {
  let trackingNo = '';
  let accessCode = '';
  let buildingCode = '';
  let buildingAddress = '';

  it('scans a building code, reports noise with a photo, verifies the phone, keeps the draft through a dropped connection, and gets a tracking number', async () => {
    const staff = await apiToken('biyan.secretary');
    const buildings = await apiCall<{ items: { code: string; address: string }[] }>(staff, 'GET', '/buildings?pageSize=5');
    ({ code: buildingCode, address: buildingAddress } = buildings.items[0]);

    const s = await openSession(browser, { viewport: PHONE_VIEWPORT });
    sessions.push(s);
    const { page, errors } = s;
    await page.goto(`${baseUrl()}/q/${buildingCode}`);
    await page.waitForURL((u) => u.pathname === '/m/' && u.searchParams.get('building') === buildingCode);
    const building = page.locator('[data-testid="building"]');
    await building.waitFor();
    expect(await building.textContent()).toContain(buildingAddress);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    await page.locator('[data-testid="svc-dispute"]').click();
    await page.locator('#category').selectOption('neighbor.noise');
    await page.locator('#description').fill('楼上住户每天深夜12点后还在装修敲打，噪音很大，已经持续两周，多次沟通无效。');
    await page.locator('[data-testid="photo-input"]').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: photo() });
    await page.locator('.photos img').first().waitFor();

    const logOffset = fs.statSync(inject('serverLog')).size;
    await page.locator('#phone').fill(PHONE);
    await page.locator('[data-testid="send-code"]').click();
    await page.locator('#code').fill(await loggedCode(PHONE, logOffset));
    await page.locator('[data-testid="verify"]').click();
    await page.locator('[data-testid="verified"]').waitFor();
    await page.locator('#name').fill('王女士');
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await shot(page, '20-citizen-form');

    // The first send of the case is lost on the way; the portal keeps the draft and retries by itself.
    let sends = 0;
    await page.route('**/api/v1/public/cases', async (route) => {
      if (route.request().method() === 'POST' && sends++ === 0) return route.abort('internetdisconnected');
      return route.continue();
    });
    await page.locator('[data-testid="submit"]').click();
    await page.locator('[data-testid="retrying"]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('fengqiao.m.draft'))).toContain('深夜12点');
    await shot(page, '21-citizen-retrying');

    const tracking = page.locator('[data-testid="tracking-no"]');
    await tracking.waitFor({ timeout: 20_000 });
    trackingNo = (await tracking.textContent())!.trim();
    accessCode = (await page.locator('[data-testid="access-code"]').textContent())!.trim();
    expect(trackingNo).toMatch(/^GM\d{8}-\d{6}$/);
    expect(accessCode).toMatch(/^\d{6}$/);
    expect(sends).toBe(2);
    expect(await page.evaluate(() => localStorage.getItem('fengqiao.m.draft'))).toBeNull();
    await shot(page, '22-citizen-receipt');

    // Staff see one case (the retry did not file a second), from the QR channel, at the building, with the photo, reporter phone verified.
    const list = await apiCall<{ items: { id: string }[]; total: number }>(staff, 'GET', `/cases?q=${trackingNo}`);
    expect(list.total).toBe(1);
    const c = await apiCall<{ channel: string; category: string; location: { buildingCode: string }; reporter: { name: string } }>(staff, 'GET', `/cases/${list.items[0].id}`);
    expect(c).toMatchObject({ channel: 'qr', category: 'neighbor.noise', location: { buildingCode } });
    // Staff without pii:view see the name masked.
    expect(c.reporter.name.startsWith('王')).toBe(true);
    const events = await apiCall<{ items?: { attachments?: { mimeType: string }[] }[] } | { attachments?: { mimeType: string }[] }[]>(staff, 'GET', `/cases/${list.items[0].id}/events`);
    const items = Array.isArray(events) ? events : (events.items ?? []);
    const attachments = items.flatMap((e) => e.attachments ?? []);
    expect(attachments.length).toBe(1);
    expect(attachments[0].mimeType).toBe('image/jpeg');
    expect(errors).toEqual([]);
  });

  it('follows the case after staff resolve it, confirms, and a dissatisfied rating reopens it', async () => {
    expect(trackingNo).not.toBe('');
    const secretary = await apiToken('biyan.secretary');
    const id = (await apiCall<{ items: { id: string }[] }>(secretary, 'GET', `/cases?q=${trackingNo}`)).items[0].id;
    const grids = await apiCall<{ items: { id: string; name: string }[] }>(secretary, 'GET', '/orgs?type=grid&pageSize=5');
    await apiCall(secretary, 'POST', `/cases/${id}/actions`, { action: 'accept' });
    await apiCall(secretary, 'POST', `/cases/${id}/actions`, { action: 'dispatch', targetOrgId: grids.items[0].id, note: '请网格员上门了解' });
    const mediator = await apiToken('biyan.mediator');
    await apiCall(mediator, 'POST', `/cases/${id}/actions`, { action: 'start' });
    await apiCall(mediator, 'POST', `/cases/${id}/actions`, { action: 'resolve', note: '已上门协调，楼上住户承诺晚上10点后不再施工。' });

    const s = await openSession(browser, { viewport: PHONE_VIEWPORT });
    sessions.push(s);
    const { page, errors } = s;
    await page.goto(`${baseUrl()}/m/`);
    await page.locator('[data-testid="home-track"]').click();
    await page.locator('#trackingNo').fill(trackingNo);
    await page.locator('#accessCode').fill(accessCode);
    await page.locator('[data-testid="track-go"]').click();
    const card = page.locator('[data-testid="case"]');
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('resolved');
    expect(await page.locator('[data-testid="resolution"]').textContent()).toContain('晚上10点后不再施工');
    expect(await page.locator('[data-testid="handler"]').textContent()).not.toBe('—');
    const timeline = (await page.locator('[data-testid="timeline"]').textContent()) ?? '';
    expect(timeline).toContain('您提交了诉求');
    expect(timeline).not.toContain('biyan');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    await shot(page, '23-citizen-resolved');

    await page.locator('[data-testid="confirm"]').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('confirmed');

    await page.locator('[data-testid="star-2"]').click();
    await page.locator('[data-testid="rate-comment"]').fill('晚上还是很吵，问题没有解决。');
    await page.locator('[data-testid="rate-send"]').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('in_progress');
    await shot(page, '24-citizen-reopened');

    const after = await apiCall<{ status: string }>(secretary, 'GET', `/cases/${id}`);
    expect(after.status).toBe('in_progress');
    expect(errors).toEqual([]);
    expect(s.failed).toEqual([]);
  });
});
