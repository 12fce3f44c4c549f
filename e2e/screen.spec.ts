/**
 * The command-centre big screen at 1920×1080 in Chromium: it renders with
 * Chinese text and a map coloured by risk (labelled as a schematic), and a
 * red case created through the API appears in its live feed and figures
 * without a reload (SSE). Screenshots go to artifacts/e2e.
 */
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiToken, baseUrl, launchBrowser, openSession, shot, type Session } from './support.js';

let browser: Browser;
let session: Session;

beforeAll(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, { viewport: { width: 1920, height: 1080 } });
});
afterAll(async () => {
  await session?.context.close().catch(() => undefined);
  await browser?.close();
});

/** Pixels of the page close to a colour (the map's fills). */
async function countPixels(rgb: [number, number, number], tolerance = 40): Promise<number> {
  const png = PNG.sync.read(await session.page.screenshot());
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - rgb[0]) + Math.abs(png.data[i + 1]! - rgb[1]) + Math.abs(png.data[i + 2]! - rgb[2]) < tolerance) n++;
  }
  return n;
}

const redCase = (title: string) => ({
  channel: 'walk_in', category: 'labor.wage_arrears', title, description: '工地二十名工人被拖欠三个月工资，情绪激动',
  peopleInvolved: 20, reporter: { name: '王五', phone: '13700001111' },
});

describe('command-centre big screen', () => {
  it('renders the district with Chinese text and a risk-coloured schematic map, and shows a new red case without a reload', async () => {
    const { page, errors, failed } = session;
    const reception = await apiToken('biyan.reception');
    // One red case before the screen opens, so the map has a red community from the start.
    await apiCall(reception, 'POST', '/cases', redCase('大屏测试：开屏前的红色诉求'));

    const token = await apiToken('district.admin');
    await page.goto(`${baseUrl()}/screen/?token=${token}`);
    await expect.poll(() => page.getByTestId('org-name').textContent(), { timeout: 20_000 }).toBe('光明区');
    // The token is taken out of the address bar once stored.
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => page.locator('.live').textContent(), { timeout: 20_000 }).toContain('实时');
    expect(await page.getByTestId('schematic').textContent()).toContain('示意图');
    for (const text of ['今日', '累计', '化解率', '在办风险', '服务类型', '心理服务', '近30日趋势', '诉求分类', '下辖单位']) {
      expect(await page.getByText(text, { exact: false }).count(), text).toBeGreaterThan(0);
    }
    // The map is drawn with the risk colours: red for the community with the open red case.
    await expect.poll(() => countPixels([0xff, 0x4d, 0x4f]), { timeout: 10_000 }).toBeGreaterThan(800);
    const receivedBefore = Number((await page.locator('.kpi-value').first().textContent())!.replace(/,/g, ''));
    await shot(page, 'screen-district');

    // A new red case reaches the open screen over SSE: feed item and today's count, no reload.
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const title = `大屏实时红色诉求 ${Date.now() % 100000}`;
    const created = await apiCall<{ trackingNo: string }>(reception, 'POST', '/cases', redCase(title));
    await expect.poll(() => page.getByTestId('feed').textContent(), { timeout: 10_000 }).toContain(title);
    expect(await page.getByTestId('feed').textContent()).toContain(created.trackingNo);
    await expect.poll(async () => Number((await page.locator('.kpi-value').first().textContent())!.replace(/,/g, '')), { timeout: 10_000 }).toBe(receivedBefore + 1);
    expect(navigations).toEqual([]);
    await shot(page, 'screen-live-red-case');

    // Drill down: click the subdistrict 光明街道 in the units list.
    await page.locator('tr.drill', { hasText: '光明街道' }).click();
    await expect.poll(() => page.getByTestId('org-name').textContent(), { timeout: 10_000 }).toBe('光明街道');
    expect(await page.getByTestId('schematic').textContent()).toContain('示意图');
    await shot(page, 'screen-subdistrict');

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
