import { describe, expect, it } from 'vitest';
import { dayLabel, dayNumber, dayStart, levelOf, resolutionRate, rollUp, trendStart } from './dashboard.rules.js';
import { nextReconcileAt } from './dashboard.timers.js';

describe('dashboard rules', () => {
  it('buckets instants by the Shanghai calendar day, like the SQL dashboard_day', () => {
    // 23:59 and 00:00 Shanghai are 15:59 and 16:00 UTC.
    expect(dayLabel(dayNumber(new Date('2026-11-23T15:59:59Z')))).toBe('2026-11-23');
    expect(dayLabel(dayNumber(new Date('2026-11-23T16:00:00Z')))).toBe('2026-11-24');
    expect(dayStart(dayNumber(new Date('2026-11-23T02:00:00Z'))).toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(dayNumber(new Date('2026-11-23T16:00:00Z'))).toBe(20781);
    expect(dayNumber(new Date('2026-11-23T02:00:00Z')) - trendStart(new Date('2026-11-23T02:00:00Z'))).toBe(29);
  });

  it('computes the resolution rate as resolved ÷ accepted, null without acceptances', () => {
    expect(resolutionRate(0, 0)).toBeNull();
    expect(resolutionRate(2, 3)).toBe(0.667);
    expect(resolutionRate(5, 5)).toBe(1);
  });

  it('colours a unit by its most serious open risk', () => {
    expect(levelOf({ red: 0, yellow: 0, blue: 0, total: 0 })).toBe('none');
    expect(levelOf({ red: 0, yellow: 0, blue: 4, total: 4 })).toBe('blue');
    expect(levelOf({ red: 0, yellow: 1, blue: 4, total: 5 })).toBe('yellow');
    expect(levelOf({ red: 1, yellow: 1, blue: 4, total: 6 })).toBe('red');
  });

  it('rolls rows of owning units up to every target whose subtree contains them', () => {
    const units = [
      { id: 's', name: 'S', nameEn: null, type: 'subdistrict', path: '/d/s/', parentId: 'd' },
      { id: 'c', name: 'C', nameEn: null, type: 'community', path: '/d/s/c/', parentId: 's' },
    ];
    const rows = [
      { orgId: 'c', ownerPath: '/d/s/c/', bucket: 0, metric: 'received', dim: '', n: 2 },
      { orgId: 's', ownerPath: '/d/s/', bucket: 0, metric: 'received', dim: '', n: 3 },
      { orgId: 'x', ownerPath: '/d/x/', bucket: 0, metric: 'received', dim: '', n: 7 },
    ];
    const out = rollUp(rows, units);
    expect(out.find((r) => r.orgId === 's')?.n).toBe(5);
    expect(out.find((r) => r.orgId === 'c')?.n).toBe(2);
    expect(out).toHaveLength(2);
  });

  it('schedules the reconciliation at the next 02:30 Shanghai', () => {
    expect(nextReconcileAt(new Date('2026-11-23T02:00:00Z')).toISOString()).toBe('2026-11-23T18:30:00.000Z');
    expect(nextReconcileAt(new Date('2026-11-23T18:29:00Z')).toISOString()).toBe('2026-11-23T18:30:00.000Z');
    expect(nextReconcileAt(new Date('2026-11-23T18:30:00Z')).toISOString()).toBe('2026-11-24T18:30:00.000Z');
  });
});
