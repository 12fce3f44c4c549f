/**
 * The one registry of timer handlers the background sweeper fires. Modules
 * add their kinds at import time (modules/index.ts imports every module before
 * the scheduler starts), so the platform never imports business modules.
 */
import type { TimerHandler, TimerHandlers } from './timers.js';

/** Every registered handler by kind; the timer sweeper looks kinds up here when it fires. */
export const timerHandlers: TimerHandlers = {};

/**
 * Registers the handler for `kind`. Registering a different handler for a kind
 * that already has one throws, because two modules claiming one kind is a bug
 * that would otherwise silently fire only one of them.
 */
export function registerTimerHandler(kind: string, handler: TimerHandler): void {
  if (Object.hasOwn(timerHandlers, kind) && timerHandlers[kind] !== handler) {
    throw new Error(`timer kind "${kind}" already has a handler`);
  }
  timerHandlers[kind] = handler;
}
