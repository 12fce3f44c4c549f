/**
 * What a module offers the app: its routes and its background definitions.
 * Each module's `index.ts` exports one of these; `modules/index.ts` lists them
 * in registration order and `app.ts` composes them (`composeModules`) into the
 * routes under /api/v1 and the one background registry. The platform knows
 * the shape, never a module.
 */
import { composeBackground, type BackgroundDefinitions } from './background.js';
import type { ApiModule, Sweeper } from './context.js';

export interface ModuleDefinition extends BackgroundDefinitions {
  /** The folder's name, for messages. */
  name: string;
  /** Installs the module's routes under /api/v1. */
  routes?: ApiModule;
}

export interface Composition {
  routes: ApiModule[];
  /** Timers first, then the outbox, then the modules' own sweepers (`composeBackground`). */
  sweepers: Sweeper[];
}

/** Composes the modules, in the given order; throws if two define the same timer kind or outbox topic. */
export function composeModules(modules: readonly ModuleDefinition[]): Composition {
  return {
    routes: modules.flatMap((m) => (m.routes ? [m.routes] : [])),
    sweepers: composeBackground(modules),
  };
}
