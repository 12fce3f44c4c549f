/**
 * Serves the built web bundles (dist/web): the staff workbench at /, the
 * citizen portal at /m/ and the big screen at /screen/. Client-side routes
 * fall back to their entry's index.html; /api and /docs are never shadowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_ROOT = path.resolve(import.meta.dirname, '../../../dist/web');

const ENTRIES: { prefix: string; file: string }[] = [
  { prefix: '/m', file: 'm/index.html' },
  { prefix: '/screen', file: 'screen/index.html' },
  { prefix: '/', file: 'index.html' },
];

export async function installWeb(app: FastifyInstance): Promise<void> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<p>枫桥 Fengqiao: the web bundles are not built. Run <code>npm run build:web</code>. API docs: <a href="/docs">/docs</a></p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', wildcard: false, index: ['index.html'] });
  // Hashed assets are immutable; everything else is revalidated.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
    return payload;
  });
  for (const entry of ENTRIES) {
    const serveEntry = async (_req: unknown, reply: { sendFile(file: string): unknown }) => reply.sendFile(entry.file);
    if (entry.prefix !== '/') app.get(entry.prefix, serveEntry);
    app.get(`${entry.prefix === '/' ? '' : entry.prefix}/*`, async (request, reply) => {
      const url = request.url.split('?')[0];
      if (url.startsWith('/api/') || url.startsWith('/docs')) return reply.callNotFound();
      const candidate = path.join(WEB_ROOT, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
      if (candidate.startsWith(WEB_ROOT) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return reply.sendFile(path.relative(WEB_ROOT, candidate));
      }
      return reply.sendFile(entry.file);
    });
  }
}
