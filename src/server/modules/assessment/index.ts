/**
 * The assessment module's doorway: rankings and the period arithmetic supervision's reports use.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { assessmentModule as routes } from './assessment.routes.js';

export { computeRankings, type Rankings } from './assessment.service.js';
export { periodRange, previousPeriod } from './assessment.rules.js';
export { ASSESSMENT_WEIGHTS } from './assessment.settings.js';

export const assessmentModule: ModuleDefinition = { name: 'assessment', routes };
