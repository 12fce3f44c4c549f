/**
 * The users module's doorway: accounts and roles for the CLI and the demo seed.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { usersModule as routes } from './users.routes.js';

export { findUserByUsername, insertUser, replaceRoles } from './users.repo.js';
export { createUser, setPassword, setRoles, type RoleGrant } from './users.service.js';

export const usersModule: ModuleDefinition = { name: 'users', routes };
