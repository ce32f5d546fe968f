import type { PerformanceKind } from './performance-kind.js';

/**
 * What each section of list_performance_history measures: the protocol's metric names (a
 * `PerformanceSample`'s `values` keys) and the `data` elements they become, in the documented order.
 */
export type Metric = {
  /** The protocol's name, e.g. `load`. */
  name: string;
  /** Element holding the interval's average (or only) value, e.g. `load_average`. */
  average: string;
  /** Element holding its extreme, and which extreme. */
  extreme?: { name: string; direction: 'max' | 'min' };
  /** Decimals shown (queue lengths have two; everything else is whole). */
  decimals: number;
};

const m = (name: string, average: string, extreme?: Metric['extreme'], decimals = 0): Metric => ({ name, average, extreme, decimals });
const max = (name: string) => ({ name, direction: 'max' as const });
const min = (name: string) => ({ name, direction: 'min' as const });

export const METRICS: Record<PerformanceKind, readonly Metric[]> = {
  bandwidth: [m('receive', 'receive'), m('transmit', 'transmit')],
  cpu_load: [m('load', 'load_average', max('load_max'))],
  cpu_queue: [m('queue', 'queue_average', max('queue_max'), 2)],
  disk_load: [
    m('disk_time', 'disk_time_average', max('disk_time_max')),
    m('read_queue', 'read_queue_average', max('read_queue_max'), 2),
    m('write_queue', 'write_queue_average', max('write_queue_max'), 2),
  ],
  network_usage: [
    m('total', 'total_average', max('total_max')),
    m('transmit', 'transmit_average', max('transmit_max')),
    m('receive', 'receive_average', max('receive_max')),
  ],
  memory_usage: [
    m('available', 'available_average', min('available_min')),
    m('commit_charge', 'commit_charge_average', max('commit_charge_max')),
    m('page_faults', 'page_faults_average', max('page_faults_max')),
    m('file_usage', 'file_usage_average', max('file_usage_max')),
    m('non_paged', 'non_paged'),
  ],
};

/** Sections with one monitor per host, disk or adapter; the others have one monitor per device. */
export const PER_TARGET_KINDS: ReadonlySet<PerformanceKind> = new Set(['bandwidth', 'disk_load', 'network_usage']);

/** memory_usage's `total` (physical memory, MB): reported with the samples, shown once per interval. */
export const MEMORY_TOTAL = 'total';

/**
 * cpu_load's per-processor values: `load.0`, `load.1`, … (0-based processor number) next to or instead
 * of `load`. An interval holding them is answered in the multi-CPU form (one `cpu` element each).
 */
const PER_CPU = /^load\.(\d{1,4})$/;

/** The processor number of a per-processor cpu_load metric, or undefined for any other metric. */
export function cpuOf(metric: string): number | undefined {
  const match = PER_CPU.exec(metric);
  return match ? Number(match[1]) : undefined;
}

/** The per-processor metric name of processor `cpu` (`load.3`). */
export function perCpuMetric(cpu: number): string {
  return `load.${cpu}`;
}

/** Whether a sample of this kind may carry this metric (others are not stored). */
export function isKnownMetric(kind: PerformanceKind, metric: string): boolean {
  if (kind === 'memory_usage' && metric === MEMORY_TOTAL) return true;
  if (kind === 'cpu_load' && cpuOf(metric) !== undefined) return true;
  return METRICS[kind].some((known) => known.name === metric);
}

/** The interval lengths of list_performance_history, in minutes. */
export type IntervalMinutes = 15 | 60;
export const INTERVAL_MINUTES: readonly IntervalMinutes[] = [15, 60];

/** Retention per interval (api-services.md §3.1): 24 hours of 15-minute intervals, 8 days of hourly ones. */
export const RETENTION_SECONDS: Record<IntervalMinutes, number> = { 15: 86400, 60: 8 * 86400 };

/**
 * The check types whose checks collect each section, in order of preference: a monitor created at ingest
 * hangs off the device's first check of the first type it has (Processor Queue Length 1009 for processor
 * and disk, Memory Usage 1010 for memory and network, Web Page 1012 for bandwidth). A device with none of
 * them has no performance check, and its samples of that kind are not stored.
 */
export const PERFORMANCE_CHECK_TYPES: Record<PerformanceKind, readonly number[]> = {
  cpu_load: [1009, 1010],
  cpu_queue: [1009, 1010],
  disk_load: [1009, 1010],
  memory_usage: [1010, 1009],
  network_usage: [1010, 1009],
  bandwidth: [1012, 1009, 1010],
};

/** The thresholds a monitor shows (element name to value) when it is created at ingest or by the seeder. */
export const DEFAULT_THRESHOLDS: Record<PerformanceKind, Readonly<Record<string, string>>> = {
  bandwidth: { receive: '10000', transmit: '5000' },
  cpu_load: { average_load: '90' },
  cpu_queue: { average_length: '10' },
  disk_load: { read_queue_length: '2', write_queue_length: '2', average_disk_time: '80' },
  network_usage: { average_usage: '70' },
  memory_usage: { available_min: '512', average_pages: '1000', average_page_file: '70', non_paged_pool: '256', average_commit: '90' },
};
