import { describe, expect, it } from 'vitest';
import { foldSamples, intervalData, intervalWindow, retentionCutoff } from './performance-intervals.js';

const T = Date.parse('2026-11-26T13:00:00Z') / 1000;
const at = (minutes: number) => T + minutes * 60;

describe('folding samples into intervals', () => {
  it('keeps sum, count and extremes per metric for the quarter and the hour', () => {
    const rows = foldSamples(1, [
      { monitorId: 7, at: at(0), values: { queue: 1 } },
      { monitorId: 7, at: at(5), values: { queue: 4 } },
      { monitorId: 7, at: at(10), values: { queue: 2 } },
      { monitorId: 7, at: at(20), values: { queue: 9 } },
    ]);
    const quarter = rows.filter((r) => r.minutes === 15);
    expect(quarter.map((r) => [r.start, r.total, r.samples, r.max_value, r.min_value, r.last_at])).toEqual([
      [T, 7, 3, 4, 1, at(10)],
      [at(15), 9, 1, 9, 9, at(20)],
    ]);
    expect(rows.filter((r) => r.minutes === 60).map((r) => [r.start, r.total, r.samples, r.max_value, r.min_value])).toEqual([[T, 16, 4, 9, 1]]);
  });

  it('folds each metric alone, in time order whatever the order sent, and counts a repeated time once', () => {
    const rows = foldSamples(1, [
      { monitorId: 7, at: at(5), values: { available: 300, total: 16384 } },
      { monitorId: 7, at: at(0), values: { available: 100 } },
      { monitorId: 7, at: at(5), values: { available: 999 } },
    ]).filter((r) => r.minutes === 15);
    expect(rows.map((r) => [r.metric, r.total, r.samples])).toEqual([['available', 400, 2], ['total', 16384, 1]]);
  });

  it('skips what is already stored and leaves out intervals past the retention of the newest sample', () => {
    const stored = (monitorId: number, minutes: number, start: number, metric: string) => (minutes === 15 && start === T && metric === 'queue' ? at(5) : undefined);
    const rows = foldSamples(1, [
      { monitorId: 7, at: at(5), values: { queue: 50 } },
      { monitorId: 7, at: at(10), values: { queue: 2 } },
    ], stored);
    expect(rows.find((r) => r.minutes === 15)).toMatchObject({ total: 2, samples: 1 });
    expect(rows.find((r) => r.minutes === 60)).toMatchObject({ total: 52, samples: 2 });

    const late = foldSamples(1, [
      { monitorId: 7, at: at(0), values: { queue: 1 } },
      { monitorId: 7, at: at(25 * 60), values: { queue: 2 } },
    ]);
    expect(late.filter((r) => r.minutes === 15).map((r) => r.start)).toEqual([at(25 * 60)]);
    expect(late.filter((r) => r.minutes === 60).map((r) => r.start)).toEqual([T, at(25 * 60)]);
    expect(retentionCutoff(at(25 * 60), 15)).toBe(at(60));
    expect(retentionCutoff(at(25 * 60), 60)).toBe(at(25 * 60) - 8 * 86400);
  });
});

describe('reading intervals', () => {
  const NOW = Date.parse('2026-11-26T14:37:00Z') / 1000;

  it('answers the completed intervals of the retention, from since rounded up', () => {
    expect(intervalWindow(NOW, 15)).toEqual({ from: Date.parse('2026-11-25T14:30:00Z') / 1000, to: Date.parse('2026-11-26T14:30:00Z') / 1000 });
    expect(intervalWindow(NOW, 60)).toEqual({ from: Date.parse('2026-11-18T14:00:00Z') / 1000, to: Date.parse('2026-11-26T14:00:00Z') / 1000 });
    expect(intervalWindow(NOW, 60, Date.parse('2026-11-26T12:00:01Z') / 1000).from).toBe(Date.parse('2026-11-26T13:00:00Z') / 1000);
  });

  it('formats averages and extremes, answers the multi-CPU form, and the device memory when total was not reported', () => {
    const stored = (start: number, metric: string, total: number, samples: number, max: number, min: number) => ({ start, metric, total, samples, max_value: max, min_value: min });
    expect(intervalData('memory_usage', 15, [stored(T, 'available', 9001, 2, 4600, 4401)], 8192)).toEqual([
      { start: '2026-11-26 13:00:00', end: '2026-11-26 13:14:59', available_average: '4501', available_min: '4401', total: '8192' },
    ]);
    expect(intervalData('cpu_queue', 60, [stored(T, 'queue', 3.5, 3, 1.5, 0.5)], 0)).toEqual([
      { start: '2026-11-26 13:00:00', end: '2026-11-26 13:59:59', queue_average: '1.17', queue_max: '1.50' },
    ]);
    expect(intervalData('cpu_load', 15, [stored(T, 'load.1', 40, 2, 30, 10), stored(T, 'load.0', 10, 1, 10, 10), stored(at(15), 'load', 5, 1, 5, 5)], 0)).toEqual([
      { start: '2026-11-26 13:00:00', end: '2026-11-26 13:14:59', cpus: [{ cpu_id: 0, load_average: '10', load_max: '10' }, { cpu_id: 1, load_average: '20', load_max: '30' }] },
      { start: '2026-11-26 13:15:00', end: '2026-11-26 13:29:59', load_average: '5', load_max: '5' },
    ]);
  });
});
