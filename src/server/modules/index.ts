/**
 * Every API module, in registration order. A module is one folder here; adding
 * a capability means adding its folder and one line below.
 */
import type { ApiModule } from '../platform/context.js';
import { adminModule } from './admin/admin.routes.js';
import { casesModule } from './cases/cases.routes.js';
import { configModule } from './config/config.routes.js';
import { orgsModule } from './orgs/orgs.routes.js';
import { usersModule } from './users/users.routes.js';
import { notificationsModule } from './notifications/notifications.routes.js';
import { eventsModule } from './events/events.routes.js';
import { publicModule } from './public/public.routes.js';
import { attachmentsModule } from './attachments/attachments.routes.js';
import { timeModule } from './time/time.routes.js';
import { dashboardModule } from './dashboard/dashboard.routes.js';

export const apiModules: ApiModule[] = [usersModule, orgsModule, configModule, casesModule, notificationsModule, eventsModule, adminModule, timeModule, publicModule, attachmentsModule, dashboardModule];

import type { Sweeper } from '../platform/scheduler.js';
import { createOutboxSweeper } from '../platform/outbox.js';
import { timerHandlers } from '../platform/timer-registry.js';
import { createTimerSweeper } from '../platform/timers.js';
import { notificationDeliverers } from './notifications/notifications.outbox.js';
import { attachmentDeliverers, orphanUploadSweeper } from './attachments/attachments.cleanup.js';

/**
 * Background sweepers (timers, outbox) run by the scheduler and by the test clock.
 * Timers first: a firing timer often enqueues notifications, which the outbox
 * sweeper then delivers in the same round. Modules add timer kinds to
 * `timerHandlers` (platform/timer-registry.ts) when imported above.
 */
export const sweepers: Sweeper[] = [createTimerSweeper(timerHandlers), createOutboxSweeper({ ...notificationDeliverers, ...attachmentDeliverers })];

// Orders (SPEC §6), supervision (§5 end of day, §7) and assessment (§7).
import { ordersModule } from './orders/orders.routes.js';
import { supervisionModule } from './supervision/supervision.routes.js';
import { assessmentModule } from './assessment/assessment.routes.js';
import { supervisionScheduleSweeper } from './supervision/supervision.timers.js';
apiModules.push(ordersModule, supervisionModule, assessmentModule);
sweepers.push(supervisionScheduleSweeper);

// Building QR codes and posters (SPEC §2, §9); `/q/:code` itself is installed outside /api by app.ts.
import { qrModule } from './qr/qr.routes.js';
apiModules.push(qrModule);

// Uploads never put on a case are deleted after a grace period (attachments.cleanup.ts); their files go through the outbox.
sweepers.push(orphanUploadSweeper);
