import { Type, type Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { actorForToken, bearerToken } from '../../platform/auth.js';
import type { ApiModule, AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/policies.js';
import { requirePermission } from '../../platform/scope.js';
import { eventVisibleTo, openEventStream, type EventStream } from './events.stream.js';

/** Query string of a stream request. */
export const StreamQuery = Type.Object(
  {
    /** EventSource cannot send headers, so the token may come in the query string instead (it is redacted from logs). */
    accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

/**
 * The actor of a stream request and the token it came with: the
 * `Authorization: Bearer` header (already resolved by the app) or, for
 * EventSource, `?accessToken=`. 401 when neither resolves to a live session.
 * Exported for other streams (the big screen) to authenticate the same way.
 */
export async function resolveStreamActor(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  request: FastifyRequest,
  query: Static<typeof StreamQuery>,
): Promise<{ actor: Actor; token: string }> {
  const header = bearerToken(request);
  if (request.actor && header) return { actor: request.actor, token: header };
  const queryToken = query.accessToken;
  const actor = queryToken ? await actorForToken(ctx.db, ctx.clock, queryToken) : null;
  if (!actor || !queryToken) throw new AppError('UNAUTHENTICATED');
  return { actor, token: queryToken };
}

/**
 * `GET /events/stream`: realtime events for staff, each limited to the
 * caller's case:read scope (see `eventVisibleTo`). The session is re-checked
 * at every heartbeat, so logging out or expiring ends the stream, and role
 * changes apply without reconnecting.
 */
export const eventsModule: ApiModule = async (api, ctx) => {
  const open = new Set<EventStream>();
  // Open streams would keep `app.close()` waiting forever; end them first.
  api.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });

  api.get(
    '/events/stream',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events for the caller’s scope (text/event-stream); auth by Bearer header or ?accessToken=',
        querystring: StreamQuery,
      },
    },
    async (req, reply) => {
      const { actor, token } = await resolveStreamActor(ctx, req, req.query);
      requirePermission(actor, 'case:read');
      let current = actor;
      const stream = openEventStream(req, reply, {
        realtime: ctx.realtime,
        accept: (event) => eventVisibleTo(event, current),
        revalidate: async () => {
          const fresh = await actorForToken(ctx.db, ctx.clock, token);
          if (!fresh) return false;
          current = fresh;
          return true;
        },
      });
      open.add(stream);
      void stream.closed.then(() => open.delete(stream));
      return reply;
    },
  );
};
