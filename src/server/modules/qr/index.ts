/**
 * The QR module's doorway: the /q/{building} links and the poster command.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { qrModule as routes } from './qr.routes.js';

export { installQrRedirect } from './qr.routes.js';
export { qrPostersCommand } from './qr.cli.js';

export const qrModule: ModuleDefinition = { name: 'qr', routes };
