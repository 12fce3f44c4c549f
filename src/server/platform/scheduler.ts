/**
 * Drives background work (timer sweeps, outbox delivery). The database rows are
 * the source of truth; this loop only polls them, so a restart loses nothing.
 */
import type { AppContext, Sweeper } from './context.js';

export type { Sweeper };

/**
 * Runs every sweeper of the app (`ctx.sweepers`, composed in app.ts) until
 * none has work left (bounded), so that when it returns, everything due by
 * `ctx.clock.now()` has been processed.
 */
export async function runDueWork(ctx: AppContext, maxRounds = 1000): Promise<number> {
  let total = 0;
  for (let round = 0; round < maxRounds; round++) {
    let handled = 0;
    for (const sweep of ctx.sweepers) handled += await sweep(ctx);
    total += handled;
    if (handled === 0) break;
  }
  return total;
}

/** Polls in the background until the returned stop function is called. */
export function startScheduler(ctx: AppContext, intervalMs: number): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    if (stopped) return;
    running = runDueWork(ctx, 20).catch((err) => ctx.log.error({ err }, 'background sweep failed'));
    await running;
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  let timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
