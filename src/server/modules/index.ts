/**
 * Every API module, in registration order. A module is one folder here; adding
 * a capability means adding its folder and one line below.
 */
import type { ApiModule } from '../platform/context.js';
import { adminModule } from './admin/admin.routes.js';
import { orgsModule } from './orgs/orgs.routes.js';
import { usersModule } from './users/users.routes.js';

export const apiModules: ApiModule[] = [usersModule, orgsModule, adminModule];

import type { Sweeper } from '../platform/scheduler.js';

/** Background sweepers (timers, outbox) run by the scheduler and by the test clock. */
export const sweepers: Sweeper[] = [];
