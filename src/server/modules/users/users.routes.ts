import { bearerToken, loadActor, requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { changeOwnPassword } from './own-password.service.js';
import * as service from './users.service.js';
import {
  ActorSchema, CreateUserBody, LoginBody, LoginResponse, OwnPasswordBody, PasswordBody, RolesBody, UpdateUserBody, UserIdParams, UserListQuery,
  UserListSchema,
} from './users.schemas.js';

export const usersModule: ApiModule = async (api, ctx) => {
  api.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], security: [], body: LoginBody, response: { 200: LoginResponse } },
      config: { rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (req) => {
      const result = await service.login(ctx, req.body.username, req.body.password, req.ip);
      return { token: result.token, expiresAt: result.expiresAt.toISOString(), user: service.presentActor(result.actor) };
    },
  );

  api.post('/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    requireActor(req);
    const token = bearerToken(req);
    if (token) await service.logout(ctx, token);
    return reply.status(204).send();
  });

  api.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'], body: OwnPasswordBody,
        summary: 'Change my own password',
        description:
          'Checks the current password (wrong ones count towards the sign-in throttle: 429 with Retry-After), applies the password ' +
          'policy and refuses the current password as the new one (400 naming the field), then ends every other session of the user.',
      },
      config: { rateLimit: { max: ctx.config.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const token = bearerToken(req);
      if (!token) throw new AppError('UNAUTHENTICATED');
      await changeOwnPassword(ctx, actor, token, req.body, req.ip);
      return reply.status(204).send();
    },
  );

  api.get('/auth/me', { schema: { tags: ['auth'], response: { 200: ActorSchema } } }, async (req) =>
    service.presentActor(requireActor(req)),
  );

  api.get('/users', { schema: { tags: ['users'], querystring: UserListQuery, response: { 200: UserListSchema } } }, async (req) =>
    service.listUsers(ctx, requireActor(req), req.query),
  );

  api.post('/users', { schema: { tags: ['users'], body: CreateUserBody } }, async (req, reply) => {
    const user = await service.createUser(ctx.db, ctx.clock, requireActor(req), req.body);
    const actor = await loadActor(ctx.db, user.id);
    if (!actor) throw AppError.notFound('user');
    return reply.status(201).send(service.presentActor(actor));
  });

  api.patch('/users/:id', { schema: { tags: ['users'], params: UserIdParams, body: UpdateUserBody } }, async (req) => {
    const user = await service.updateUser(ctx, requireActor(req), req.params.id, req.body);
    return { id: user.id, username: user.username, displayName: user.display_name, active: user.active };
  });

  api.put('/users/:id/roles', { schema: { tags: ['users'], params: UserIdParams, body: RolesBody } }, async (req, reply) => {
    await service.setRoles(ctx.db, ctx.clock, requireActor(req), req.params.id, req.body.roles);
    return reply.status(204).send();
  });

  api.put('/users/:id/password', { schema: { tags: ['users'], params: UserIdParams, body: PasswordBody } }, async (req, reply) => {
    await service.setPassword(ctx.db, ctx.clock, requireActor(req), req.params.id, req.body.password);
    return reply.status(204).send();
  });
};
