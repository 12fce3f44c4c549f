import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { it } from 'vitest';
import { createTestApp } from '../../testing/test-app.js';
it('close timing', async () => {
  const t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const headers = await t.as('biyan.secretary');
  t.app.server.on('connection', (sock) => { const s0 = performance.now(); sock.on('close', () => console.log('SOCK_CLOSED after', performance.now() - s0)); });
  const mode = process.env.DBG_MODE;
  if (mode === 'http') {
    await new Promise<void>((resolve) => {
      const req = http.get(`http://127.0.0.1:${port}/api/v1/events/stream`, { headers }, (res) => { res.once('data', () => resolve()); });
      (globalThis as any).__req = req;
    });
  } else {
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events/stream`, { headers, signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    if (mode === 'abort') abort.abort();
  }
  await new Promise((r) => setTimeout(r, 50));
  t.app.server.getConnections((_e, n) => console.log('CONNS', n));
  const s = performance.now();
  await t.app.close();
  console.log('APP_CLOSE_MS', performance.now() - s);
});
