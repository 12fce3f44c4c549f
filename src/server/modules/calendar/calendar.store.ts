/**
 * The day table this process computes deadlines with. Deadlines stay pure functions: the table is an input,
 * loaded once, immutable, and replaced as a whole when the calendar changes — never edited in place, so a
 * computation that started on one table finishes on it.
 *
 * Every process (`serve --workers N`) compares the latest revision number at most once a second and reloads
 * only when it moved, so a change made in one process is seen by all within a second, on both engines, with
 * no LISTEN connection to lose; the writing process forgets its copy at commit and sees its change at once.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { cachedRead, forget } from '../../platform/read-cache.js';
import { latestRevision, storedDays } from './calendar.repo.js';
import { createDayTable, type BuiltInDays, type DayTable } from './days.rules.js';
import { packageCovers, packageDays } from './package-days.js';
import { statutoryDays } from './statutory.rules.js';

const REVISION_CHECK_MS = 1000;
const CACHE_NS = 'calendar';

export const BUILT_IN_DAYS: BuiltInDays = { packageCovers, packageDays, statutoryDays };

/** The table of the built-in days alone (nothing imported or edited yet): revision 0. */
let builtInTable: DayTable | null = null;
export function builtInDayTable(): DayTable {
  return (builtInTable ??= createDayTable(0, [], BUILT_IN_DAYS));
}

// Tables by content: transactions are separate handles for the read cache, and rebuilding the same rows for
// each would throw away the resolved years.
const tables = new Map<string, DayTable>();

async function load(db: Kysely<DB>): Promise<DayTable> {
  const revision = await latestRevision(db);
  if (revision === 0) return builtInDayTable();
  const rows = await storedDays(db);
  const key = `${revision}|${JSON.stringify(rows)}`;
  let table = tables.get(key);
  if (!table) {
    if (tables.size >= 16) tables.clear();
    tables.set(key, (table = createDayTable(revision, rows, BUILT_IN_DAYS)));
  }
  return table;
}

/** The current day table (at most a second old; see above). */
export function currentDayTable(db: Kysely<DB>): Promise<DayTable> {
  return cachedRead(db, CACHE_NS, 'table', REVISION_CHECK_MS, () => load(db));
}

/** A table no older than `revision`: what a follower recomputing for that revision must use. */
export async function dayTableAtLeast(db: Kysely<DB>, revision: number): Promise<DayTable> {
  const table = await currentDayTable(db);
  if (table.revision >= revision) return table;
  forget(db, CACHE_NS);
  return currentDayTable(db);
}

/** After this process committed a change. */
export function forgetDayTable(db: Kysely<DB>): void {
  forget(db, CACHE_NS);
}
