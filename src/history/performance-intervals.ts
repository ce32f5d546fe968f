import type { Insertable } from 'kysely';
import type { PerformanceIntervalTable } from '../db/schema.js';
import type { PerformanceKind } from './performance-kind.js';
import { utcDateTime } from '../lib/dates.js';
import { groupBy } from '../lib/group-by.js';
import { cpuOf, INTERVAL_MINUTES, type IntervalMinutes, MEMORY_TOTAL, METRICS, perCpuMetric, RETENTION_SECONDS } from './performance-metrics.js';

/**
 * Performance samples as they are stored: each sample's values are folded into the 15-minute interval
 * and the hour they fall in, per metric: sum and count (the average is their quotient, exact however
 * many samples arrive later), highest and lowest value, and the newest sample folded in. An hourly
 * interval therefore holds the mean and extremes of all the samples of its four quarters (the mean of
 * the quarters' means when they hold as many samples each, as a steady agent's do).
 *
 * The writer (history-writer.ts) and the demo seeder both build their rows with `foldSamples`, so the
 * seeder stores exactly what the writer would for the same samples.
 */
export type FoldSample = { readonly monitorId: number; readonly at: number; readonly values: Readonly<Record<string, number>> };

/** The newest sample already stored for a monitor, interval and metric (undefined: none). */
export type FoldedUpTo = (monitorId: number, minutes: IntervalMinutes, start: number, metric: string) => number | undefined;

/** Start of the interval of `minutes` holding `at`. */
export function intervalStart(at: number, minutes: IntervalMinutes): number {
  const step = minutes * 60;
  return Math.floor(at / step) * step;
}

/**
 * The oldest interval start kept once a monitor has a sample at `newestAt`: the interval running then
 * and the retention before it (24 hours of quarters, 8 days of hours). The writer deletes older rows.
 */
export function retentionCutoff(newestAt: number, minutes: IntervalMinutes): number {
  return intervalStart(newestAt, minutes) - RETENTION_SECONDS[minutes];
}

/**
 * The interval rows the samples make (new rows, or the increments of stored ones when `foldedUpTo` says
 * what is stored). Per metric, a sample at or before the newest one already folded into its interval is
 * skipped, so a re-sent sample never counts twice (an out-of-order one, older than what is stored, is
 * dropped alike). Intervals older than the retention (relative to the monitor's newest sample) are left out.
 */
export function foldSamples(accountId: number, samples: readonly FoldSample[], foldedUpTo: FoldedUpTo = () => undefined): Insertable<PerformanceIntervalTable>[] {
  const rows: Insertable<PerformanceIntervalTable>[] = [];
  for (const [monitorId, list] of groupBy(samples, (s) => s.monitorId)) {
    list.sort((a, b) => a.at - b.at);
    const newestAt = list[list.length - 1]!.at;
    // Samples are in time order, so an interval's samples are consecutive: one interval of each length
    // is open at a time, and its rows are complete when a sample falls in the next one.
    const open = INTERVAL_MINUTES.map((minutes) => ({ minutes, cutoff: retentionCutoff(newestAt, minutes), start: Number.NaN, rows: new Map<string, Insertable<PerformanceIntervalTable>>() }));
    for (const sample of list) {
      const values = Object.entries(sample.values);
      for (const interval of open) {
        const start = intervalStart(sample.at, interval.minutes);
        if (start < interval.cutoff) continue;
        if (start !== interval.start) {
          rows.push(...interval.rows.values());
          interval.rows.clear();
          interval.start = start;
        }
        for (const [metric, value] of values) {
          const row = interval.rows.get(metric);
          if (row) {
            if (sample.at <= row.last_at) continue;
            row.total += value;
            row.samples += 1;
            row.max_value = Math.max(row.max_value, value);
            row.min_value = Math.min(row.min_value, value);
            row.last_at = sample.at;
          } else {
            const stored = foldedUpTo(monitorId, interval.minutes, start, metric);
            if (stored !== undefined && sample.at <= stored) continue;
            interval.rows.set(metric, { account_id: accountId, monitor_id: monitorId, minutes: interval.minutes, start, metric, total: value, samples: 1, max_value: value, min_value: value, last_at: sample.at });
          }
        }
      }
    }
    for (const interval of open) rows.push(...interval.rows.values());
  }
  return rows;
}

/**
 * The interval starts a history answers: completed intervals (the one running now is not) within the
 * retention, at or after `since` rounded up to an interval start. `from` inclusive, `to` exclusive.
 */
export function intervalWindow(now: number, minutes: IntervalMinutes, since?: number): { from: number; to: number } {
  const step = minutes * 60;
  const to = intervalStart(now, minutes);
  const from = Math.max(to - RETENTION_SECONDS[minutes], since === undefined ? -Infinity : Math.ceil(since / step) * step);
  return { from, to };
}

/** One stored metric of one interval, as the read path selects it. */
export type StoredInterval = { start: number; metric: string; total: number; samples: number; max_value: number; min_value: number };

function format(value: number, decimals: number): string {
  return decimals === 0 ? String(Math.round(value)) : value.toFixed(decimals);
}

/** The average and extreme elements of one metric from its stored interval. */
function metricValues(kind: PerformanceKind, metricIndex: number, stored: StoredInterval | undefined): Record<string, string> {
  const metric = METRICS[kind][metricIndex]!;
  if (!stored) return {};
  const out: Record<string, string> = { [metric.average]: format(stored.total / stored.samples, metric.decimals) };
  if (metric.extreme) out[metric.extreme.name] = format(metric.extreme.direction === 'min' ? stored.min_value : stored.max_value, metric.decimals);
  return out;
}

/**
 * The `data` rows of one monitor from its stored intervals (ordered by start), oldest first. An interval
 * holding per-processor cpu_load values answers the multi-CPU form. A metric not reported in an interval
 * leaves its elements empty; memory_usage's `total` falls back to the device's memory when not reported.
 */
export function intervalData(kind: PerformanceKind, minutes: IntervalMinutes, intervals: readonly StoredInterval[], deviceMemoryMb: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < intervals.length; ) {
    const start = intervals[i]!.start;
    const metrics = new Map<string, StoredInterval>();
    for (; i < intervals.length && intervals[i]!.start === start; i++) metrics.set(intervals[i]!.metric, intervals[i]!);
    const row: Record<string, unknown> = { start: utcDateTime(start), end: utcDateTime(start + minutes * 60 - 1) };
    const cpus = kind === 'cpu_load' ? [...metrics.keys()].map(cpuOf).filter((c) => c !== undefined).sort((a, b) => a - b) : [];
    if (cpus.length > 0) {
      row.cpus = cpus.map((cpu) => ({ cpu_id: cpu, ...metricValues(kind, 0, metrics.get(perCpuMetric(cpu))) }));
    } else {
      METRICS[kind].forEach((metric, index) => Object.assign(row, metricValues(kind, index, metrics.get(metric.name))));
    }
    if (kind === 'memory_usage') {
      const total = metrics.get(MEMORY_TOTAL);
      row.total = String(total ? Math.round(total.total / total.samples) : deviceMemoryMb);
    }
    rows.push(row);
  }
  return rows;
}
