/**
 * The public module's doorway: the resident portal's routes, the verified phone other resident
 * uploads rely on, and the throttle rule sign-in shares.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { publicModule as routes } from './public.routes.js';

export { phoneFingerprint, verifiedPhone } from './otp.service.js';
export { clockTime, describeWait } from './throttle.rules.js';

export const publicModule: ModuleDefinition = { name: 'public', routes };
