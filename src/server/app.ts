/**
 * Builds the Fastify app. No listening, no migrations, no timers here: the
 * caller (serve command or a test) owns the database and the lifecycle, so the
 * app can be exercised with `app.inject` against any database.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet from 'helmet';
import { installTextGuard } from './platform/text-guard.js';
import { installNumberGuard } from './platform/number-guard.js';
import { installValidators } from './platform/validators.js';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { actorForToken, bearerToken } from './platform/auth.js';
import type { Clock } from './platform/clock.js';
import type { AppContext } from './platform/context.js';
import { installErrorHandling, replyWithError } from './platform/http-errors.js';
import { createMetrics, installMetrics, type Metrics } from './platform/metrics.js';
import { createRealtime } from './platform/realtime.js';
import { MODULES } from './modules/index.js';
import { composeModules } from './platform/modules.js';
import { installWeb } from './platform/web.js';
import { serializeRequest } from './platform/request-log.js';
import { installQrRedirect } from './modules/qr/index.js';

export interface BuildOptions {
  config: Config;
  database: Database;
  clock: Clock;
  /** Pass false to silence logs (tests). */
  logger?: boolean;
  /** Where the log lines go instead of stdout (tests read them back). */
  logStream?: { write(line: string): void };
}

export type App = FastifyInstance & { ctx: AppContext; metrics: Metrics };

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config } = opts;
  const serverOptions: FastifyServerOptions = {
    logger:
      opts.logger === false || config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            // Secrets in query strings (the SSE stream's token, a resident's access code…) stay out of logs.
            serializers: { req: serializeRequest },
          },
    bodyLimit: 1_048_576,
    // A path that is not valid percent-encoding, or an over-long path parameter, fails before routing:
    // without this Fastify answers in its own shape, unlocalised, bypassing the error handler.
    frameworkErrors: replyWithError,
    trustProxy: config.trustProxy,
  };
  const app = Fastify(serverOptions).withTypeProvider<TypeBoxTypeProvider>();

  const realtime = await createRealtime(opts.database, app.log);
  app.addHook('onClose', async () => realtime.close());
  // The one registry: every module's routes, timer kinds, outbox topics and sweepers (platform/modules.ts).
  const { routes, sweepers } = composeModules(MODULES);
  const ctx: AppContext = { config, database: opts.database, db: opts.database.db, clock: opts.clock, log: app.log, realtime, sweepers };
  const metrics = createMetrics();
  app.decorate('ctx', ctx);
  app.decorate('metrics', metrics);
  app.decorateRequest('actor', null);

  installErrorHandling(app);
  // Strict JSON bodies, coerced query strings, path parameters and headers (platform/validators.ts).
  installValidators(app);
  installTextGuard(app);
  installNumberGuard(app);
  // Security headers from helmet, whose middleware is built ONCE here: @fastify/helmet rebuilt it
  // (re-parsing the CSP directives) on every request, ≈3% of a busy server's CPU.
  const helmetOptions = {
    // The staff UI and Swagger UI load their own bundles and inline styles from this origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
      },
    },
  };
  // Strict-Transport-Security only over TLS: sent on plain HTTP it would make browsers refuse this host (and, with
  // includeSubDomains, its subdomains) over HTTP for a year. `request.protocol` is the socket's, or X-Forwarded-Proto
  // when FENGQIAO_TRUST_PROXY says a proxy terminates TLS in front of us.
  const httpsHeaders = helmet(helmetOptions);
  const httpHeaders = helmet({ ...helmetOptions, strictTransportSecurity: false });
  app.addHook('onRequest', (request, reply, done) =>
    (request.protocol === 'https' ? httpsHeaders : httpHeaders)(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  await app.register(cors, { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fengqiao 枫桥 API', version: '1', description: '群众诉求服务智慧管理平台 — citizen request and dispute-resolution platform' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installMetrics(app, metrics, ctx, config.metricsToken);

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (token) request.actor = await actorForToken(ctx.db, ctx.clock, token);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
      return { status: 'ready', engine: ctx.database.engine };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  await app.register(
    async (api) => {
      for (const register of routes) await register(api, ctx);
    },
    { prefix: '/api/v1' },
  );

  await installQrRedirect(app, ctx);
  await installWeb(app);
  await app.ready();
  return app as unknown as App;
}
