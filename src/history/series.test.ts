import { describe, expect, it } from 'vitest';
import { intervalStarts, performanceSeries } from './performance-series.js';
import { isValidSince, storageSeries } from './storage-series.js';

const NOW = Date.parse('2026-11-26T14:37:00Z') / 1000;

describe('derived performance series', () => {
  it('keeps 96 quarter-hours or 192 hours of completed intervals', () => {
    const quarters = intervalStarts(NOW, 15, 0);
    expect(quarters).toHaveLength(96);
    expect(quarters.at(-1)).toBe(Date.parse('2026-11-26T14:15:00Z') / 1000);
    const hours = intervalStarts(NOW, 60, 0);
    expect(hours).toHaveLength(192);
    expect(hours[0]).toBe(Date.parse('2026-11-18T14:00:00Z') / 1000);
  });

  it('starts no earlier than the monitor and rounds since up to an interval start', () => {
    expect(intervalStarts(NOW, 15, Date.parse('2026-11-26T13:01:00Z') / 1000)[0]).toBe(Date.parse('2026-11-26T13:15:00Z') / 1000);
    expect(intervalStarts(NOW, 60, 0, Date.parse('2026-11-26T12:00:00Z') / 1000)).toHaveLength(2);
  });

  it('gives the same numbers for the same monitor, different ones for another seed', () => {
    const monitor = { kind: 'memory_usage' as const, seed: 5, cpu_count: 1, created_at: 0, totalMemoryMb: 16384 };
    const a = performanceSeries(monitor, NOW, 60);
    expect(performanceSeries(monitor, NOW, 60)).toEqual(a);
    expect(performanceSeries({ ...monitor, seed: 6 }, NOW, 60)).not.toEqual(a);
    for (const row of a) {
      expect(Number(row.available_min)).toBeLessThanOrEqual(Number(row.available_average));
      expect(Number(row.commit_charge_max)).toBeLessThanOrEqual(100);
      expect(row.total).toBe('16384');
    }
  });
});

describe('derived storage series', () => {
  const monitor = { first_day: '2026-11-01', base_mb: 1000, daily_growth_mb: 10, seed: 1 };

  it('runs from the first day to today and averages weeks and months', () => {
    const days = storageSeries(monitor, NOW, 'DAY');
    expect(days).toHaveLength(26);
    expect(days[0]!.period).toBe('2026-11-01');
    expect(days.at(-1)!.period).toBe('2026-11-26');
    const weeks = storageSeries(monitor, NOW, 'WEEK');
    expect(weeks.map((w) => w.period)).toEqual(['2026W44', '2026W45', '2026W46', '2026W47', '2026W48']);
    // 2026W45 is 2–8 November: the mean of those seven days.
    const w45 = days.filter((d) => d.period >= '2026-11-02' && d.period <= '2026-11-08');
    expect(weeks[1]!.size).toBe(Math.round(w45.reduce((s, d) => s + d.size, 0) / 7));
    expect(storageSeries(monitor, NOW, 'MONTH')).toHaveLength(1);
  });

  it('validates since in the interval\'s own format', () => {
    expect(isValidSince('DAY', '2026-11-02')).toBe(true);
    expect(isValidSince('DAY', '2026-11')).toBe(false);
    expect(isValidSince('WEEK', '2013W31')).toBe(true);
    expect(isValidSince('WEEK', '2013W00')).toBe(false);
    expect(isValidSince('MONTH', '2026-13')).toBe(false);
    expect(storageSeries(monitor, NOW, 'DAY', '2026-11-25').map((d) => d.period)).toEqual(['2026-11-25', '2026-11-26']);
  });
});
