/**
 * The time module's doorway: the server time route.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { timeModule as routes } from './time.routes.js';

export const timeModule: ModuleDefinition = { name: 'time', routes };
