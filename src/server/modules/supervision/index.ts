/**
 * The supervision module's doorway: routes, its daily, end-of-day and notice timers, and the
 * sweeper that keeps the daily ones scheduled.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { supervisionModule as routes } from './supervision.routes.js';
import { supervisionScheduleSweeper, supervisionTimers } from './supervision.timers.js';

export const supervisionModule: ModuleDefinition = { name: 'supervision', routes, timers: supervisionTimers, sweepers: [supervisionScheduleSweeper] };
