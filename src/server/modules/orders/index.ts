/**
 * The orders module's doorway (社区吹哨、部门报到): routes, the order deadline timers, the order matrix setting.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { ordersModule as routes } from './orders.routes.js';
import { orderTimers } from './orders.timers.js';
import { orderCalendarFollower } from './orders.recompute.js';

export { ORDER_MATRIX } from './orders.settings.js';

export const ordersModule: ModuleDefinition = { name: 'orders', routes, timers: orderTimers, sweepers: [orderCalendarFollower] };
