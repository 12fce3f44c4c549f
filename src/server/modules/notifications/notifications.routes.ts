import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { pickLocale } from '../../platform/messages.js';
import {
  NotificationIdParams, NotificationListQuery, NotificationListResponse, NotificationSchema, ReadAllResponse,
} from './notifications.schemas.js';
import * as service from './notifications.service.js';

const tags = ['notifications'];

/** The caller's in-app inbox: list, mark one read, mark all read. */
export const notificationsModule: ApiModule = async (api, ctx) => {
  api.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: "The caller's own notifications, newest first, with the unread count",
        querystring: NotificationListQuery,
        response: { 200: NotificationListResponse },
      },
    },
    async (req) => service.listMine(ctx, requireActor(req), req.query, pickLocale(req.headers['accept-language'])),
  );

  api.post(
    '/notifications/:id/read',
    { schema: { tags, summary: 'Mark one notification read', params: NotificationIdParams, response: { 200: NotificationSchema } } },
    async (req) => service.markRead(ctx, requireActor(req), req.params.id, pickLocale(req.headers['accept-language'])),
  );

  api.post(
    '/notifications/read-all',
    { schema: { tags, summary: 'Mark all of the caller’s notifications read', response: { 200: ReadAllResponse } } },
    async (req) => service.markAllRead(ctx, requireActor(req)),
  );
};
