import type { Insertable } from 'kysely';
import type { StorageDayTable } from '../db/schema.js';
import { isCalendarDate, isoWeek, utcDate } from '../lib/dates.js';

/**
 * Drive-space and Exchange store-size history as stored: one size per drive or store and UTC day, the
 * day's last reported value (a size is a level, and the end of the day is what the day came to). Weeks
 * and months are computed from the stored days when they are read: the mean of their days that have a
 * size, rounded to whole megabytes.
 */
export const StorageInterval = ['DAY', 'WEEK', 'MONTH'] as const;
export type StorageInterval = (typeof StorageInterval)[number];

const ISO_WEEK = /^(\d{4})W(0[1-9]|[1-4]\d|5[0-3])$/;

/** The `since` format of each interval (api-services.md §3.2); the value is inclusive. */
const SINCE_FORMAT: Record<StorageInterval, (text: string) => boolean> = {
  DAY: isCalendarDate,
  WEEK: (text) => ISO_WEEK.test(text),
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

/** The Monday starting ISO week `YYYYWnn` (week 1 holds 4 January). */
function isoWeekMonday(week: string): string {
  const [, year, number] = ISO_WEEK.exec(week)!;
  const january4 = Date.UTC(Number(year), 0, 4);
  const weekday = (new Date(january4).getUTCDay() + 6) % 7; // Monday = 0
  return utcDate(january4 / 1000 + ((Number(number) - 1) * 7 - weekday) * 86400);
}

/**
 * The first day of a valid `since` in the interval's format: every day from it on falls in a period at
 * or after `since`, every day before it in an earlier one, so the filter runs on stored days in SQL.
 */
export function firstDayOf(interval: StorageInterval, since: string): string {
  if (interval === 'DAY') return since;
  return interval === 'WEEK' ? isoWeekMonday(since) : `${since}-01`;
}

/** One stored day, as the read path selects it (days in order). */
export type StoredDay = { day: string; size_mb: number };

/** The history rows of one drive or store, oldest first: `{ period, size }`, periods YYYY-MM-DD, YYYYWnn or YYYY-MM. */
export function storagePeriods(days: readonly StoredDay[], interval: StorageInterval): { period: string; size: number }[] {
  const periodOf = PERIOD_OF[interval];
  const sums = new Map<string, { total: number; days: number }>();
  for (const { day, size_mb } of days) {
    const period = periodOf(day);
    const entry = sums.get(period) ?? { total: 0, days: 0 };
    entry.total += size_mb;
    entry.days++;
    sums.set(period, entry);
  }
  return [...sums].map(([period, { total, days: count }]) => ({ period, size: Math.round(total / count) }));
}

/** A measured size of one monitor's drive or store. */
export type SizeSample = { readonly monitorId: number; readonly at: number; readonly sizeMb: number };

/**
 * The day rows of some measurements: per monitor and UTC day, the last one (a later `at` wins; at the
 * same `at`, the later in the list). The writer upserts them keeping the later of stored and new; the
 * seeder inserts them as they are.
 */
export function dayRows(accountId: number, samples: readonly SizeSample[]): Insertable<StorageDayTable>[] {
  const rows = new Map<string, Insertable<StorageDayTable>>();
  for (const sample of samples) {
    const day = utcDate(sample.at);
    const key = `${sample.monitorId}|${day}`;
    const current = rows.get(key);
    if (current && current.measured_at > sample.at) continue;
    rows.set(key, { account_id: accountId, monitor_id: sample.monitorId, day, size_mb: sample.sizeMb, measured_at: sample.at });
  }
  return [...rows.values()];
}
