/**
 * The admin module's doorway: the test clock and audit verification routes.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { adminModule as routes } from './admin.routes.js';

export const adminModule: ModuleDefinition = { name: 'admin', routes };
