/**
 * Per-day tracking numbers (GM20261123-000123) without a database round trip
 * per case. A process reserves numbers from the day's counter in blocks and
 * hands them out from memory. The block is one number while cases arrive
 * slowly (numbers stay dense and in order, as residents expect) and doubles,
 * up to `MAX_BLOCK`, while reservations follow each other within a second
 * (a burst of intake), so a busy desk costs one counter update per block.
 * Unused numbers of a block are skipped when the process stops or the day
 * ends, as with a database sequence.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import * as repo from './cases.repo.js';

export const MAX_BLOCK = 64;
const BURST_MS = 1000;

/** Reserves `count` numbers of `day`; returns the last one reserved. */
export type Reserve = (day: string, count: number) => Promise<number>;

export class DailyNumberAllocator {
  private day = '';
  private next = 1;
  private last = 0;
  private block = 1;
  private lastReservedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly reserve: Reserve,
    // Monotonic time for sizing blocks only; the numbers themselves follow the business day given.
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  async take(day: string): Promise<number> {
    for (;;) {
      if (this.day === day && this.next <= this.last) return this.next++;
      // One reservation at a time; everyone waiting shares it, then takes from it in turn.
      this.pending ??= this.refill(day).finally(() => {
        this.pending = null;
      });
      await this.pending;
    }
  }

  private async refill(day: string): Promise<void> {
    const now = this.monotonicMs();
    this.block = this.day === day && now - this.lastReservedAt < BURST_MS ? Math.min(this.block * 2, MAX_BLOCK) : 1;
    this.lastReservedAt = now;
    const last = await this.reserve(day, this.block);
    this.day = day;
    this.next = last - this.block + 1;
    this.last = last;
  }
}

const allocators = new WeakMap<Kysely<DB>, DailyNumberAllocator>();

/** The next tracking number of `day` (Shanghai date, YYYYMMDD) for this database. */
export function nextDailyNumber(db: Kysely<DB>, day: string): Promise<number> {
  let allocator = allocators.get(db);
  if (!allocator) allocators.set(db, (allocator = new DailyNumberAllocator((d, n) => repo.reserveDailyNumbers(db, d, n))));
  return allocator.take(day);
}
