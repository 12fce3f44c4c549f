/**
 * The config module's doorway: the settings routes and the list of every setting (migration 0015 writes their defaults).
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { configModule as routes } from './config.routes.js';

export { SETTINGS } from './config.registry.js';

export const configModule: ModuleDefinition = { name: 'config', routes };
