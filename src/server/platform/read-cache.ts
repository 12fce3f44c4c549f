/**
 * A short-lived, per-database cache for reference data that every request
 * reads and staff rarely change: settings, the category catalogue, the org
 * tree, buildings, signed-in actors. Each entry lives `ttlMs`; a process that
 * writes such data calls `forget` after its commit, so it sees its own change
 * at once, while other server processes see it within the TTL.
 *
 * The pending read is cached, not only its result: when an entry expires under
 * load, the dozens of requests that miss at once share one query instead of
 * each sending their own. A failed read is not cached.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Entry = { at: number; value: Promise<unknown> };

// Keyed by the database handle, so test apps (one database each) never share entries.
const caches = new WeakMap<Kysely<DB>, Map<string, Map<string, Entry>>>();

function namespace(db: Kysely<DB>, ns: string): Map<string, Entry> {
  let perDb = caches.get(db);
  if (!perDb) caches.set(db, (perDb = new Map()));
  let entries = perDb.get(ns);
  if (!entries) perDb.set(ns, (entries = new Map()));
  return entries;
}

/**
 * The cached value of `load()` under (ns, key), read again after `ttlMs`.
 * `keep(value)` false leaves a result uncached (e.g. "not found", so a typo
 * cannot fill memory and a newly added row is seen at once).
 */
export async function cachedRead<V>(
  db: Kysely<DB>,
  ns: string,
  key: string,
  ttlMs: number,
  load: () => Promise<V>,
  keep: (value: V) => boolean = () => true,
): Promise<V> {
  const entries = namespace(db, ns);
  const hit = entries.get(key);
  // Monotonic time: a cache lifetime, not business time (the injected clock may stand still in tests).
  if (hit && performance.now() - hit.at < ttlMs) return hit.value as Promise<V>;
  const entry: Entry = { at: performance.now(), value: load() };
  entries.set(key, entry);
  try {
    const value = (await entry.value) as V;
    if (!keep(value) && entries.get(key) === entry) entries.delete(key);
    return value;
  } catch (err) {
    if (entries.get(key) === entry) entries.delete(key);
    throw err;
  }
}

/** Drops one key, or the whole namespace, after a write this process committed. */
export function forget(db: Kysely<DB>, ns: string, key?: string): void {
  const entries = caches.get(db)?.get(ns);
  if (!entries) return;
  if (key === undefined) entries.clear();
  else entries.delete(key);
}
