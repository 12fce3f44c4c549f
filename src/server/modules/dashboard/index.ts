/**
 * The dashboard module's doorway: counters, summaries and reconciliation (the CLI, the bulk
 * generator), and the nightly reconciliation timer.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { dashboardModule as routes } from './dashboard.routes.js';
import { dashboardTimers } from './dashboard.timers.js';

export { driftAgainstCases, rebuildCounters } from './dashboard.repo.js';
export { getNaiveSummary, getSummary, reconcile } from './dashboard.service.js';

export const dashboardModule: ModuleDefinition = { name: 'dashboard', routes, timers: dashboardTimers };
