/**
 * Server time for countdowns. Deadlines are computed on the server's clock;
 * the browser measures the offset to it (GET /time) and counts down on
 * server time, so a desk PC with a wrong clock — or a server on a test
 * clock — still shows honest countdowns.
 */
import { useEffect, useState } from 'react';
import { api } from './api.js';

let offsetMs = 0;
let lastSync = 0;
const listeners = new Set<() => void>();

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** Measures the offset to the server clock, halving the round trip. */
export async function syncServerClock(): Promise<void> {
  const sent = Date.now();
  const { now } = await api.get<{ now: string }>('/time');
  const received = Date.now();
  offsetMs = new Date(now).getTime() - (sent + received) / 2;
  lastSync = received;
  for (const l of listeners) l();
}

/** The server's current time, re-rendered every `intervalMs`; re-syncs with the server every minute. */
export function useServerNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const tick = () => setNow(serverNow());
    listeners.add(tick);
    if (Date.now() - lastSync > 60_000) void syncServerClock().catch(() => undefined);
    const id = setInterval(() => {
      tick();
      if (Date.now() - lastSync > 60_000) void syncServerClock().catch(() => undefined);
    }, intervalMs);
    return () => {
      clearInterval(id);
      listeners.delete(tick);
    };
  }, [intervalMs]);
  return now;
}

/** `-` for past. Hours roll into days beyond 48 h so a 3-working-day clock stays readable. */
export function formatCountdown(ms: number, locale: string): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (days >= 2) return `${sign}${days}${locale === 'en' ? 'd ' : '天'}${pad(h)}:${pad(m)}`;
  const hours = h + days * 24;
  return hours > 0 ? `${sign}${hours}:${pad(m)}:${pad(sec)}` : `${sign}${pad(m)}:${pad(sec)}`;
}

const TZ = 'Asia/Shanghai';

/** Date and time in the district's zone, whatever the workstation's zone is. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}
