import { describe, expect, it } from 'vitest';
import { DailyNumberAllocator, MAX_BLOCK } from './tracking-numbers.js';

/** A day counter like `case_daily_counters`, recording each reservation. */
function fakeCounter() {
  const last = new Map<string, number>();
  const reservations: Array<{ day: string; count: number }> = [];
  const reserve = async (day: string, count: number) => {
    await Promise.resolve();
    reservations.push({ day, count });
    last.set(day, (last.get(day) ?? 0) + count);
    return last.get(day)!;
  };
  return { reserve, reservations, last };
}

describe('daily tracking numbers', () => {
  it('hands out 1, 2, 3… one reservation each while cases arrive slowly', async () => {
    const counter = fakeCounter();
    let t = 0;
    const allocator = new DailyNumberAllocator(counter.reserve, () => t);
    const numbers: number[] = [];
    for (let i = 0; i < 4; i++) {
      numbers.push(await allocator.take('20261123'));
      t += 5000;
    }
    expect(numbers).toEqual([1, 2, 3, 4]);
    expect(counter.reservations.map((r) => r.count)).toEqual([1, 1, 1, 1]);
  });

  it('reserves growing blocks during a burst, and concurrent takers get distinct, consecutive numbers', async () => {
    const counter = fakeCounter();
    const allocator = new DailyNumberAllocator(counter.reserve, () => 0);
    const numbers = await Promise.all(Array.from({ length: 500 }, () => allocator.take('20261123')));
    expect(new Set(numbers).size).toBe(500);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const sizes = counter.reservations.map((r) => r.count);
    expect(sizes.slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(Math.max(...sizes)).toBe(MAX_BLOCK);
    expect(counter.reservations.length).toBeLessThan(20);
  });

  it('starts the next day from its own counter, skipping what is left of the old block', async () => {
    const counter = fakeCounter();
    const allocator = new DailyNumberAllocator(counter.reserve, () => 0);
    await Promise.all(Array.from({ length: 5 }, () => allocator.take('20261123')));
    expect(await allocator.take('20261124')).toBe(1);
    expect(counter.reservations.at(-1)).toEqual({ day: '20261124', count: 1 });
  });

  it('two processes sharing one counter never hand out the same number', async () => {
    const counter = fakeCounter();
    const a = new DailyNumberAllocator(counter.reserve, () => 0);
    const b = new DailyNumberAllocator(counter.reserve, () => 0);
    const numbers = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).take('20261123')));
    expect(new Set(numbers).size).toBe(300);
  });

  it('a failed reservation fails the takers and the next take tries again', async () => {
    let fail = true;
    const counter = fakeCounter();
    const allocator = new DailyNumberAllocator(async (day, count) => {
      if (fail) throw new Error('database unavailable');
      return counter.reserve(day, count);
    });
    await expect(allocator.take('20261123')).rejects.toThrow('database unavailable');
    fail = false;
    expect(await allocator.take('20261123')).toBe(1);
  });
});
