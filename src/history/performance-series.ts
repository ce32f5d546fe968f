import type { PerformanceKind } from './performance-kind.js';
import { utcDateTime } from '../lib/dates.js';
import { unit } from './noise.js';

/**
 * Performance samples are derived, not stored: a monitor's 15-minute sample at a given start is a pure
 * function of (seed, metric, start), a daily curve plus bounded noise. The same monitor therefore answers
 * the same numbers on every call, hourly samples are exactly the mean / extreme of their four quarters,
 * and 50,000 devices cost one row per monitor instead of ~300 rows per metric.
 */

/** Retention per interval (api-services.md §3.1): 24 hours of 15-minute samples, 8 days of hourly ones. */
export const RETENTION_SECONDS: Record<15 | 60, number> = { 15: 86400, 60: 8 * 86400 };

type Metric = {
  /** Element holding the interval's average (or only) value. */
  average: string;
  /** Element holding its extreme, and which extreme. */
  extreme?: { name: string; direction: 'max' | 'min' };
  base: number;
  /** Size of the daily swing (peaks mid-afternoon UTC). */
  swing: number;
  noise: number;
  decimals: number;
  ceiling?: number;
};

const m = (average: string, extreme: Metric['extreme'], base: number, swing: number, noise: number, decimals = 0, ceiling?: number): Metric => ({
  average, extreme, base, swing, noise, decimals, ceiling,
});
const max = (name: string) => ({ name, direction: 'max' as const });
const min = (name: string) => ({ name, direction: 'min' as const });

/** The `data` children of each section, in the documented order, with the shape of their series. */
export const METRICS: Record<PerformanceKind, readonly Metric[]> = {
  bandwidth: [m('receive', undefined, 900, 700, 250), m('transmit', undefined, 300, 220, 90)],
  cpu_load: [m('load_average', max('load_max'), 22, 15, 8, 0, 100)],
  cpu_queue: [m('queue_average', max('queue_max'), 0.8, 0.6, 0.4, 2)],
  disk_load: [
    m('disk_time_average', max('disk_time_max'), 12, 9, 5, 0, 100),
    m('read_queue_average', max('read_queue_max'), 0.3, 0.2, 0.15, 2),
    m('write_queue_average', max('write_queue_max'), 0.4, 0.3, 0.2, 2),
  ],
  network_usage: [
    m('total_average', max('total_max'), 9, 7, 3, 0, 100),
    m('transmit_average', max('transmit_max'), 4, 3, 1.5, 0, 100),
    m('receive_average', max('receive_max'), 5, 4, 2, 0, 100),
  ],
  memory_usage: [
    m('available_average', min('available_min'), 5200, -1400, 500),
    m('commit_charge_average', max('commit_charge_max'), 61, 12, 5, 0, 100),
    m('page_faults_average', max('page_faults_max'), 340, 220, 120),
    m('file_usage_average', max('file_usage_max'), 18, 6, 3, 0, 100),
    m('non_paged', undefined, 310, 20, 10),
  ],
};

export type PerformanceMonitor = {
  kind: PerformanceKind;
  seed: number;
  cpu_count: number;
  created_at: number;
  /** memory_usage's `total`: the device's memory in MB. */
  totalMemoryMb?: number;
};

/** One quarter-hour of one metric: [average, extreme]. */
function quarter(metric: Metric, seed: number, series: number, start: number): [number, number] {
  const slot = Math.floor(start / 900);
  const hour = (start % 86400) / 3600;
  const clamp = (v: number) => Math.min(metric.ceiling ?? Infinity, Math.max(0, v));
  const average = clamp(metric.base + metric.swing * Math.sin((2 * Math.PI * (hour - 9)) / 24) + metric.noise * (2 * unit(seed, series, slot, 0) - 1));
  const spread = Math.abs(metric.noise) * 2 * unit(seed, series, slot, 1);
  return [average, clamp(metric.extreme?.direction === 'min' ? average - spread : average + spread)];
}

function format(value: number, decimals: number): string {
  return decimals === 0 ? String(Math.round(value)) : value.toFixed(decimals);
}

/** The metric values of one interval (1 quarter for 15, 4 for 60): averages averaged, extremes of extremes. */
function intervalValues(metrics: readonly Metric[], seed: number, seriesBase: number, start: number, minutes: 15 | 60): Record<string, string> {
  const out: Record<string, string> = {};
  metrics.forEach((metric, i) => {
    const quarters = Array.from({ length: minutes / 15 }, (_, q) => quarter(metric, seed, seriesBase + i, start + q * 900));
    const average = quarters.reduce((sum, [a]) => sum + a, 0) / quarters.length;
    const extremes = quarters.map(([, e]) => e);
    out[metric.average] = format(average, metric.decimals);
    if (metric.extreme) out[metric.extreme.name] = format(metric.extreme.direction === 'min' ? Math.min(...extremes) : Math.max(...extremes), metric.decimals);
  });
  return out;
}

/** Interval starts a history answers: completed intervals within the retention window, at or after `since`. */
export function intervalStarts(now: number, minutes: 15 | 60, createdAt: number, since?: number): number[] {
  const step = minutes * 60;
  const end = Math.floor(now / step) * step; // the interval running now is not complete yet
  const earliest = Math.max(end - RETENTION_SECONDS[minutes], Math.ceil(createdAt / step) * step, since === undefined ? -Infinity : Math.ceil(since / step) * step);
  const starts: number[] = [];
  for (let t = earliest; t < end; t += step) starts.push(t);
  return starts;
}

/** The `data` rows of one monitor, oldest first. */
export function performanceSeries(monitor: PerformanceMonitor, now: number, minutes: 15 | 60, since?: number): Record<string, unknown>[] {
  const metrics = METRICS[monitor.kind];
  return intervalStarts(now, minutes, monitor.created_at, since).map((start) => {
    const row: Record<string, unknown> = { start: utcDateTime(start), end: utcDateTime(start + minutes * 60 - 1) };
    if (monitor.kind === 'cpu_load' && monitor.cpu_count > 1) {
      row.cpus = Array.from({ length: monitor.cpu_count }, (_, cpu) => ({ cpu_id: cpu, ...intervalValues(metrics, monitor.seed, 100 * (cpu + 1), start, minutes) }));
    } else {
      Object.assign(row, intervalValues(metrics, monitor.seed, 0, start, minutes));
    }
    if (monitor.kind === 'memory_usage') row.total = String(monitor.totalMemoryMb ?? 0);
    return row;
  });
}
