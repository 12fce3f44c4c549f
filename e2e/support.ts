/**
 * What the specs share: Debian's Chromium driven by playwright-core at
 * 1366×768, sign-in through the real login page, screenshots to
 * artifacts/e2e, console-error collection, and API calls for set-up steps
 * (seeding a case, moving the test clock).
 */
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const baseUrl = (): string => inject('baseUrl');
export const PASSWORD = process.env.FENGQIAO_DEMO_PASSWORD ?? 'Demo@2026';
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts/e2e');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (the app's own). */
  errors: string[];
  /** Requests Chromium reported as failed (any 4xx/5xx), as "status url". */
  failed: string[];
}

/**
 * Failed requests Chromium logs as console errors that are expected: endpoints
 * of modules not deployed yet, which the screens show as "not available".
 */
const EXPECTED_FAILURES = [/\/api\/v1\/supervision\//];

export async function openSession(browser: Browser, opts: { viewport?: { width: number; height: number } } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url ?? '';
    // Chromium logs every failed HTTP response as a console error; those are tracked in `failed`.
    if (msg.text().startsWith('Failed to load resource')) return;
    errors.push(`${msg.text()} ${url}`);
  });
  page.on('response', (res) => {
    if (res.status() < 400 || EXPECTED_FAILURES.some((re) => re.test(res.url()))) return;
    failed.push(`${res.status()} ${new URL(res.url()).pathname}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { context, page, errors, failed };
}

export async function login(page: Page, username: string): Promise<void> {
  await page.goto(`${baseUrl()}/login`);
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(PASSWORD);
  await page.locator('#login_password').press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

export async function apiToken(username: string): Promise<string> {
  const res = await fetch(`${baseUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function apiCall<T>(token: string, method: string, apiPath: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}/api/v1${apiPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Moves the server's test clock; every timer due by then has fired when this returns. */
export async function advanceClock(minutes: number): Promise<string> {
  const token = await apiToken('sysadmin');
  return (await apiCall<{ now: string }>(token, 'POST', '/admin/clock', { advanceMinutes: minutes })).now;
}
