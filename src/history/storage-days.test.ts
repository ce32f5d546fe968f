import { describe, expect, it } from 'vitest';
import { dayRows, firstDayOf, isValidSince, storagePeriods } from './storage-days.js';

describe('stored drive and store days', () => {
  it('keeps the last measurement of each UTC day', () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const rows = dayRows(1, [
      { monitorId: 3, at: at('2026-11-25T23:30:00Z'), sizeMb: 500 },
      { monitorId: 3, at: at('2026-11-25T08:00:00Z'), sizeMb: 400 },
      { monitorId: 3, at: at('2026-11-26T00:10:00Z'), sizeMb: 510 },
      { monitorId: 4, at: at('2026-11-25T12:00:00Z'), sizeMb: 70 },
    ]);
    expect(rows.map((r) => [r.monitor_id, r.day, r.size_mb])).toEqual([[3, '2026-11-25', 500], [3, '2026-11-26', 510], [4, '2026-11-25', 70]]);
  });

  it('averages the days a week or month has, and lists only periods with days', () => {
    const days = [
      { day: '2026-11-01', size_mb: 100 }, // Sunday: ISO week 44
      { day: '2026-11-02', size_mb: 200 },
      { day: '2026-11-04', size_mb: 301 },
      { day: '2026-12-01', size_mb: 50 },
    ];
    expect(storagePeriods(days, 'WEEK')).toEqual([{ period: '2026W44', size: 100 }, { period: '2026W45', size: 251 }, { period: '2026W49', size: 50 }]);
    expect(storagePeriods(days, 'MONTH')).toEqual([{ period: '2026-11', size: 200 }, { period: '2026-12', size: 50 }]);
    expect(storagePeriods(days, 'DAY')).toHaveLength(4);
  });

  it('validates since in the interval\'s own format and finds its first day, across ISO year boundaries', () => {
    expect(isValidSince('DAY', '2026-11-02')).toBe(true);
    expect(isValidSince('DAY', '2026-11')).toBe(false);
    expect(isValidSince('WEEK', '2013W31')).toBe(true);
    expect(isValidSince('WEEK', '2013W00')).toBe(false);
    expect(isValidSince('MONTH', '2026-13')).toBe(false);
    expect(firstDayOf('DAY', '2026-11-02')).toBe('2026-11-02');
    expect(firstDayOf('MONTH', '2026-02')).toBe('2026-02-01');
    expect(firstDayOf('WEEK', '2026W45')).toBe('2026-11-02');
    expect(firstDayOf('WEEK', '2026W01')).toBe('2025-12-29');
    expect(firstDayOf('WEEK', '2021W01')).toBe('2021-01-04');
    expect(firstDayOf('WEEK', '2020W53')).toBe('2020-12-28');
  });
});
