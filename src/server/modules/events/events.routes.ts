import { Type, type Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { actorForToken, bearerToken } from '../../platform/auth.js';
import type { Api, ApiModule, AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import type { FastifyReply } from 'fastify';
import type { RealtimeEvent } from '../../platform/realtime.js';
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
 * Returns a function that streams events to an authenticated session until it
 * disconnects. The session is re-checked at every heartbeat (logout or expiry
 * ends the stream; role changes apply without reconnecting), and every open
 * stream is ended before the app closes, which would otherwise wait forever.
 */
export function sessionStreams(api: Api, ctx: Pick<AppContext, 'db' | 'clock' | 'realtime'>) {
  const open = new Set<EventStream>();
  api.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });
  return (
    request: FastifyRequest,
    reply: FastifyReply,
    session: { actor: Actor; token: string },
    accept: (event: RealtimeEvent, actor: Actor) => boolean,
    format?: (event: RealtimeEvent) => string,
  ): FastifyReply => {
    let current = session.actor;
    const stream = openEventStream(request, reply, {
      realtime: ctx.realtime,
      format,
      accept: (event) => accept(event, current),
      revalidate: async () => {
        const fresh = await actorForToken(ctx.db, ctx.clock, session.token);
        if (!fresh) return false;
        current = fresh;
        return true;
      },
    });
    open.add(stream);
    void stream.closed.then(() => open.delete(stream));
    return reply;
  };
}

/**
 * `GET /events/stream`: realtime events for staff, each limited to the
 * caller's case:read scope (see `eventVisibleTo`). The session is re-checked
 * at every heartbeat, so logging out or expiring ends the stream, and role
 * changes apply without reconnecting.
 */
export const eventsModule: ApiModule = async (api, ctx) => {
  const stream = sessionStreams(api, ctx);

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
      const session = await resolveStreamActor(ctx, req, req.query);
      requireSomewhere(session.actor, 'case:read');
      return stream(req, reply, session, eventVisibleTo);
    },
  );
};
