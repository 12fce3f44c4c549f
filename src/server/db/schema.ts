/**
 * Table types for Kysely. The platform and each module declare their own
 * tables next to their code; this file only joins them into the database
 * interface (no module widens another's tables).
 */
import type { PlatformTables } from '../platform/platform.tables.js';
import type { AttachmentTables } from '../modules/attachments/attachments.tables.js';
import type { CalendarTables } from '../modules/calendar/calendar.tables.js';
import type { CaseTables } from '../modules/cases/cases.tables.js';
import type { DashboardTables } from '../modules/dashboard/dashboard.tables.js';
import type { NotificationTables } from '../modules/notifications/notifications.tables.js';
import type { OrderTables } from '../modules/orders/orders.tables.js';
import type { OrgTables } from '../modules/orgs/orgs.tables.js';
import type { PublicTables } from '../modules/public/public.tables.js';
import type { SupervisionTables } from '../modules/supervision/supervision.tables.js';
import type { UserTables } from '../modules/users/users.tables.js';

export interface DB
  extends PlatformTables,
    OrgTables,
    UserTables,
    CalendarTables,
    CaseTables,
    AttachmentTables,
    NotificationTables,
    OrderTables,
    SupervisionTables,
    PublicTables,
    DashboardTables {}
