/**
 * The notifications module's doorway: queueing in-app notifications, text messages and webhooks
 * (its outbox topics, delivered through the app's registry), and the SMS gateway tests replace.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { notificationsModule as routes } from './notifications.routes.js';
import { notificationTopics } from './notifications.outbox.js';

export { NOTIFY_TOPIC, notify, postWebhook, sendSms } from './notifications.outbox.js';
export type { NotifyPayload } from './notifications.schemas.js';
export { smsGateway, type SmsSender } from './sms.js';

export const notificationsModule: ModuleDefinition = { name: 'notifications', routes, topics: notificationTopics };
