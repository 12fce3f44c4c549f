import { Type } from 'typebox';
import type { ApiModule } from '../../platform/context.js';
import { isTestClock } from '../../platform/clock.js';

export const TimeResponse = Type.Object({ now: Type.String(), testClock: Type.Boolean() });

/**
 * `GET /time`: the server's clock. Deadlines are server times, so countdowns
 * in the browser must run on the server's clock, not the workstation's (a
 * desk PC several minutes off would show a red case as safe). Under
 * `--test-clock` it is also the only way a client can learn the moved time.
 * Public: the time of day is no secret and the sign-in page uses it too.
 */
export const timeModule: ApiModule = async (api, ctx) => {
  api.get('/time', { schema: { tags: ['config'], security: [], response: { 200: TimeResponse } } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { now: ctx.clock.now().toISOString(), testClock: isTestClock(ctx.clock) };
  });
};
