/**
 * The orgs module's doorway (the only file another module imports): the org tree's lookups and
 * path rules, the directory intake routes by, geometry checks, the org import for the CLI.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { orgsModule as routes } from './orgs.routes.js';

export type { OrgType } from './orgs.tables.js';
export { findOrgByCode, findOrgById, insertOrg, rootOrgIds, type NewOrg, type OrgRow } from './orgs.repo.js';
export { ancestorIds, childPath, depthOf } from './orgs.rules.js';
export { checkGeometry, containsPoint } from './geometry.rules.js';
export { buildingByCode, orgDirectory, type DirectoryUnit } from './org-directory.js';
export { applyOrgImport, parseOrgFile } from './orgs.import.js';

export const orgsModule: ModuleDefinition = { name: 'orgs', routes };
