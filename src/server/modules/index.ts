/**
 * Every module, in registration order: the one list `app.ts` composes into the
 * routes under /api/v1 and the one background registry (timer kinds, outbox
 * topics, sweepers). Adding a capability means adding its folder, its
 * `index.ts` and one entry below; nothing registers itself by being imported.
 */
import type { ModuleDefinition } from '../platform/modules.js';
import { adminModule } from './admin/index.js';
import { assessmentModule } from './assessment/index.js';
import { attachmentsModule } from './attachments/index.js';
import { calendarModule } from './calendar/index.js';
import { casesModule } from './cases/index.js';
import { configModule } from './config/index.js';
import { dashboardModule } from './dashboard/index.js';
import { eventsModule } from './events/index.js';
import { notificationsModule } from './notifications/index.js';
import { ordersModule } from './orders/index.js';
import { orgsModule } from './orgs/index.js';
import { publicModule } from './public/index.js';
import { qrModule } from './qr/index.js';
import { supervisionModule } from './supervision/index.js';
import { timeModule } from './time/index.js';
import { usersModule } from './users/index.js';

/**
 * Routes register in this order. Background sweepers run timers first, then
 * the outbox, then the modules' own sweepers in this order (supervision's
 * daily-timer keeper before the orphan-upload clean-up, as before).
 */
export const MODULES: readonly ModuleDefinition[] = [
  usersModule,
  orgsModule,
  configModule,
  calendarModule,
  casesModule,
  notificationsModule,
  eventsModule,
  adminModule,
  timeModule,
  publicModule,
  dashboardModule,
  ordersModule,
  supervisionModule,
  attachmentsModule,
  assessmentModule,
  qrModule,
];
