/**
 * The working calendar page (issue 15): a district admin sees next year marked 暂定 (provisional, no
 * State Council notice imported yet) with its twelve month grids and the edit and import controls; a
 * receptionist reads the same calendar without them. Neither page shows an internal code. Read-only on
 * purpose: a change here would move the deadlines the other specs check.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiToken, baseUrl, launchBrowser, login, openSession, shot, type Session } from './support.js';

let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
});

const RAW_CODES = /\b(statutory|provisional|package|official|local|holiday|workday)\b/;

describe('working calendar', () => {
  it('shows next year as 暂定 to a district admin, with the month grids and edit controls', async () => {
    const token = await apiToken('district.admin');
    const overview = await apiCall<{ years: { year: number; status: string }[] }>(token, 'GET', '/calendar');
    const next = overview.years[2]!;
    expect(next.status).toBe('provisional');

    const s = await openSession(browser);
    sessions.push(s);
    const { page, errors, failed } = s;
    await login(page, 'district.admin');
    await page.goto(`${baseUrl()}/admin/calendar?year=${next.year}`);
    const status = page.locator('[data-testid="calendar-status"]');
    await status.waitFor();
    expect(await status.textContent()).toBe('暂定');
    expect(await page.locator('[data-month]').count()).toBe(12);
    // The statutory derivation always has 元旦 on 1 January.
    expect(await page.locator(`[data-date="${next.year}-01-01"]`).getAttribute('data-kind')).toBe('holiday');
    await page.locator('[data-testid="calendar-save"]').waitFor();
    await page.locator('[data-testid="calendar-import"]').waitFor();
    expect(await page.locator('.ant-layout-content').first().innerText()).not.toMatch(RAW_CODES);
    await shot(page, '16-admin-calendar');
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('lets a receptionist read the calendar without edit controls', async () => {
    const token = await apiToken('biyan.reception');
    const overview = await apiCall<{ years: { year: number; status: string }[] }>(token, 'GET', '/calendar');
    const label = overview.years[1]!.status === 'official' ? '正式' : '暂定';
    const s = await openSession(browser);
    sessions.push(s);
    const { page, errors, failed } = s;
    await login(page, 'biyan.reception');
    await page.goto(`${baseUrl()}/admin/calendar`);
    await page.locator('[data-testid="calendar-readonly"]').waitFor();
    expect(await page.locator('[data-testid="calendar-status"]').textContent()).toBe(label);
    expect(await page.locator('[data-testid="calendar-save"]').count()).toBe(0);
    expect(await page.locator('[data-testid="calendar-import"]').count()).toBe(0);
    // Dates are not buttons for a reader.
    expect(await page.locator('button[data-date]').count()).toBe(0);
    expect(await page.locator('.ant-layout-content').first().innerText()).not.toMatch(RAW_CODES);
    await shot(page, '17-calendar-reception');
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
