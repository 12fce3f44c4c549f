/**
 * The events module's doorway: the SSE stream, and its pieces the big screen's stream reuses.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { eventsModule as routes } from './events.routes.js';

export { resolveStreamActor, sessionStreams } from './events.routes.js';
export { eventVisibleTo, formatEvent } from './events.stream.js';

export const eventsModule: ModuleDefinition = { name: 'events', routes };
