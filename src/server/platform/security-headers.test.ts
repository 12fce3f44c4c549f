import { describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/test-app.js';

// Strict-Transport-Security only means something over TLS; sent over plain HTTP it tells a browser that this host
// (and, with includeSubDomains, every subdomain) is HTTPS-only, locking out a plain-HTTP intranet deployment.
describe('HSTS', () => {
  it('is absent on plain HTTP, even if a client claims https without a trusted proxy', async () => {
    const t = await createTestApp({ kind: 'empty' });
    try {
      const plain = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['x-content-type-options']).toBe('nosniff');
      expect(plain.headers['strict-transport-security']).toBeUndefined();
      const spoofed = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
      expect(spoofed.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('is sent behind a trusted proxy that says the request came over https, and only then', async () => {
    const t = await createTestApp({ kind: 'empty', env: { FENGQIAO_TRUST_PROXY: '1' } });
    try {
      const https = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      const http = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'http' } });
      expect(http.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
