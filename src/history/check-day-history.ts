import type { Caller } from '../access/scope.js';
import type { DayResult } from './day-result.js';
import { addDays, zonedDate } from '../lib/dates.js';
import type { DeviceService } from '../devices/device.service.js';
import type { OutageRepository } from '../outages/outage.repository.js';
import type { HistoryRepository } from './history.repository.js';
import { dailyHistory, HISTORY_DAYS, type HistoryCheck } from './daily-status.js';

/** Backup Check (api-services.md §2.1: 1002). */
export const BACKUP_CHECK_TYPES = [1002] as const;
/** Antivirus Update Check. */
export const AV_UPDATE_CHECK_TYPES = [1005] as const;

/** The reads a check day history needs. */
export type CheckDayHistoryReads = {
  devices: Pick<DeviceService, 'requireVisible'>;
  history: Pick<HistoryRepository, 'checksOfTypes' | 'dayResults'>;
  outages: Pick<OutageRepository, 'listByDevice'>;
};

/**
 * The 60-day history of one device's checks of some types (list_backup_history, list_av_history):
 * days in the account's timezone, today first. A device outside the caller's scope does not exist.
 */
export async function checkDayHistory(reads: CheckDayHistoryReads, caller: Caller, now: number, deviceId: number, checkTypes: readonly number[]) {
  const device = await reads.devices.requireVisible(caller.scope, deviceId);
  const tz = caller.timezone;
  const today = zonedDate(now, tz);
  const firstDay = addDays(today, -(HISTORY_DAYS - 1));
  const rows = await reads.history.checksOfTypes(caller.scope, device.id, checkTypes);
  const checks: HistoryCheck[] = rows.map((k) => ({
    id: k.id,
    description: k.description,
    statusid: k.statusid,
    lastRunDay: k.last_run_at === null ? null : zonedDate(k.last_run_at, tz),
  }));
  const results = new Map<number, Map<string, DayResult>>();
  for (const r of await reads.history.dayResults(caller.scope, device.id, checks.map((k) => k.id), firstDay)) {
    let byDay = results.get(r.check_id);
    if (!byDay) results.set(r.check_id, (byDay = new Map()));
    byDay.set(r.day, r.result);
  }
  // Overdue spans: closed DEVICE_OVERDUE outages that reach into the window, and the current one.
  const spans: [number, number][] = [];
  const windowStart = now - (HISTORY_DAYS + 1) * 86400;
  for (const o of await reads.outages.listByDevice(caller.scope, device.id, windowStart)) {
    if (o.reason === 'DEVICE_OVERDUE') spans.push([o.started_at, o.ended_at ?? now]);
  }
  if (device.overdue_since !== null) spans.push([device.overdue_since, now]);
  const overdueDays = new Set<string>();
  for (const [start, end] of spans) {
    const last = zonedDate(Math.max(start, end), tz);
    for (let day = zonedDate(Math.max(start, windowStart), tz); day <= last; day = addDays(day, 1)) overdueDays.add(day);
  }
  const history = dailyHistory(today, { installDay: device.install_date, isServer: device.device_type === 'server', overdueDays }, checks, results);
  // Empty lists are written <checks/> and <days/>, as N-sight does.
  return { checks: history.names.length ? { names: history.names.map((n) => n.name) } : undefined, days: history.days.length ? { days: history.days } : undefined };
}
