/**
 * Table types for Kysely. Each module declares its own tables next to its code;
 * this file only joins them into the database interface.
 */
import type { CaseTables } from '../modules/cases/cases.tables.js';
import type { FoundationTables } from './foundation.tables.js';
import type { DashboardTables } from '../modules/dashboard/dashboard.tables.js';
import type { PublicTables } from '../modules/public/public.tables.js';
import type { OrderTables } from '../modules/orders/orders.tables.js';
import type { SupervisionTables } from '../modules/supervision/supervision.tables.js';
import type { UserTables } from '../modules/users/users.tables.js';

export interface DB extends FoundationTables, CaseTables, OrderTables, SupervisionTables, PublicTables, DashboardTables, UserTables {}
