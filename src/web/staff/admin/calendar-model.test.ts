import { describe, expect, it } from 'vitest';
import { effectiveDay, monthRuns, monthWeeks, normaliseEdit, putDays, weekdayOf, type CalendarDay, type DayEdit } from './calendar-model.js';

const day = (date: string, kind: CalendarDay['kind'], name: string, source: CalendarDay['source']): CalendarDay => ({ date, kind, name, source });

describe('month grids', () => {
  it('start on Monday and pad to whole weeks', () => {
    // 1 February 2027 is a Monday; 1 March 2026 a Sunday.
    expect(weekdayOf(2027, 2, 1)).toBe(0);
    expect(monthWeeks(2027, 2)).toHaveLength(4);
    const march = monthWeeks(2026, 3);
    expect(march[0]).toEqual([null, null, null, null, null, null, 1]);
    expect(march.flat().filter((d) => d !== null)).toHaveLength(31);
    expect(march.every((w) => w.length === 7)).toBe(true);
    // A leap February has 29 days.
    expect(monthWeeks(2028, 2).flat().filter((d) => d !== null)).toHaveLength(29);
  });
});

describe('edits over the loaded year', () => {
  const loaded = [
    day('2026-01-01', 'holiday', '元旦', 'package'),
    day('2026-01-04', 'workday', '元旦', 'package'),
    day('2026-03-02', 'holiday', '台风停工', 'local'),
    day('2026-05-01', 'holiday', '劳动节', 'official'),
  ];
  const byDate = new Map(loaded.map((d) => [d.date, d]));

  it('drop edits that change nothing', () => {
    expect(normaliseEdit(byDate.get('2026-01-01'), { kind: 'holiday', name: ' 元旦 ' })).toBeNull();
    expect(normaliseEdit(byDate.get('2026-01-01'), 'default')).toBeNull();
    expect(normaliseEdit(byDate.get('2026-05-01'), 'default')).toBeNull();
    expect(normaliseEdit(undefined, 'default')).toBeNull();
    expect(normaliseEdit(byDate.get('2026-03-02'), 'default')).toBe('default');
    expect(normaliseEdit(byDate.get('2026-01-04'), { kind: 'holiday', name: ' 元旦 ' })).toEqual({ kind: 'holiday', name: '元旦' });
  });

  it('show the edit, or nothing for a local day being reset', () => {
    const edits = new Map<string, DayEdit>([['2026-03-02', 'default'], ['2026-01-04', { kind: 'holiday', name: '元旦' }]]);
    expect(effectiveDay(byDate, edits, '2026-03-02')).toBeUndefined();
    expect(effectiveDay(byDate, edits, '2026-01-04')).toEqual(day('2026-01-04', 'holiday', '元旦', 'local'));
    expect(effectiveDay(byDate, edits, '2026-01-01')).toEqual(loaded[0]);
  });

  it('send the stored days with the edits as local days, never the built-in ones', () => {
    const edits = new Map<string, DayEdit>([
      ['2026-03-02', 'default'],
      ['2026-01-04', { kind: 'holiday', name: '元旦 ' }],
      ['2026-06-01', { kind: 'holiday', name: '区庆' }],
    ]);
    expect(putDays(loaded, edits)).toEqual([
      { date: '2026-01-04', kind: 'holiday', name: '元旦', source: 'local' },
      { date: '2026-05-01', kind: 'holiday', name: '劳动节', source: 'official' },
      { date: '2026-06-01', kind: 'holiday', name: '区庆', source: 'local' },
    ]);
    expect(putDays(loaded, new Map())).toEqual([
      { date: '2026-03-02', kind: 'holiday', name: '台风停工', source: 'local' },
      { date: '2026-05-01', kind: 'holiday', name: '劳动节', source: 'official' },
    ]);
  });
});

describe('month runs', () => {
  it('join consecutive days of one name and kind', () => {
    const feb = [
      day('2027-02-06', 'holiday', '春节', 'statutory'),
      day('2027-02-05', 'holiday', '春节', 'statutory'),
      day('2027-02-07', 'holiday', '春节', 'statutory'),
      day('2027-02-09', 'holiday', '春节（补假）', 'statutory'),
      day('2027-02-10', 'holiday', '春节（补假）', 'statutory'),
      day('2027-02-20', 'workday', '春节', 'local'),
    ];
    expect(monthRuns(feb)).toEqual([
      { from: 5, to: 7, kind: 'holiday', name: '春节' },
      { from: 9, to: 10, kind: 'holiday', name: '春节（补假）' },
      { from: 20, to: 20, kind: 'workday', name: '春节' },
    ]);
  });
});
