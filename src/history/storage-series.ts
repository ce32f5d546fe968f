import { addDays, isCalendarDate, isoWeek, utcDate } from '../lib/dates.js';
import { unit } from './noise.js';

/**
 * Drive-space and Exchange store-size histories are derived day by day from a monitor row (first day,
 * size then, daily growth, seed), like the performance series: deterministic, and one row per drive.
 * A week or month reports the mean of its days that have data, rounded to whole megabytes.
 */
export const StorageInterval = ['DAY', 'WEEK', 'MONTH'] as const;
export type StorageInterval = (typeof StorageInterval)[number];

/** The `since` format of each interval (api-services.md §3.2); the value is inclusive. */
const SINCE_FORMAT: Record<StorageInterval, (text: string) => boolean> = {
  DAY: isCalendarDate,
  WEEK: (text) => /^\d{4}W(0[1-9]|[1-4]\d|5[0-3])$/.test(text),
  MONTH: (text) => /^\d{4}-(0[1-9]|1[0-2])$/.test(text),
};

export function isValidSince(interval: StorageInterval, since: string): boolean {
  return SINCE_FORMAT[interval](since);
}

const PERIOD_OF: Record<StorageInterval, (day: string) => string> = {
  DAY: (day) => day,
  WEEK: isoWeek,
  MONTH: (day) => day.slice(0, 7),
};

export type StorageMonitor = { first_day: string; base_mb: number; daily_growth_mb: number; seed: number };

/** Megabytes on one day: linear growth plus a little deterministic churn, never negative. */
function sizeOn(monitor: StorageMonitor, dayIndex: number): number {
  const churn = Math.max(20, monitor.base_mb * 0.003) * (unit(monitor.seed, dayIndex) - 0.5);
  return Math.max(0, Math.round(monitor.base_mb + monitor.daily_growth_mb * dayIndex + churn));
}

/**
 * The history rows of one monitor, oldest first: `{ period, size }` where period is `YYYY-MM-DD`,
 * `YYYYWnn` or `YYYY-MM`, from the monitor's first day to today (UTC), periods at or after `since`.
 */
export function storageSeries(monitor: StorageMonitor, now: number, interval: StorageInterval, since?: string): { period: string; size: number }[] {
  const today = utcDate(now);
  const periodOf = PERIOD_OF[interval];
  const sums = new Map<string, { total: number; days: number }>();
  let day = monitor.first_day;
  for (let index = 0; day <= today; index++, day = addDays(day, 1)) {
    const period = periodOf(day);
    if (since !== undefined && period < since) continue;
    const entry = sums.get(period) ?? { total: 0, days: 0 };
    entry.total += sizeOn(monitor, index);
    entry.days++;
    sums.set(period, entry);
  }
  return [...sums].map(([period, { total, days }]) => ({ period, size: Math.round(total / days) }));
}
