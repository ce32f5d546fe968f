import type { Kysely } from 'kysely';
import type { DriveSpace, PerformanceSample } from '../agent-protocol/protocol.schema.js';
import type { Database } from '../db/schema.js';
import type { PerformanceKind } from './performance-kind.js';
import type { DeviceRef, HistoryWriter } from '../ingest/ingest.contract.js';
import { utcDate } from '../lib/dates.js';
import { createHistoryRepository } from './history.repository.js';
import { DEFAULT_THRESHOLDS, INTERVAL_MINUTES, isKnownMetric, PER_TARGET_KINDS, PERFORMANCE_CHECK_TYPES } from './performance-metrics.js';
import { type FoldSample, foldSamples, intervalStart, retentionCutoff } from './performance-intervals.js';
import { dayRows } from './storage-days.js';

/** Drive Space Check: the check a drive's history hangs off. */
export const DRIVE_SPACE_CHECK_TYPE = 1003;

/** Columns of 0003's derived series that nothing reads any more (NOT NULL, so they are still written). */
export const UNUSED_PERFORMANCE_COLUMNS = { cpu_count: 1, seed: 0 } as const;
export const UNUSED_STORAGE_COLUMNS = { base_mb: 0, daily_growth_mb: 0, seed: 0 } as const;

const ALL_PERFORMANCE_CHECK_TYPES = [...new Set(Object.values(PERFORMANCE_CHECK_TYPES).flat())];

/** `C:` (or `c:\`) is a Windows drive letter; anything else is a mount point. */
function driveLetterOf(drive: string): string | undefined {
  return /^([A-Za-z]):\\?$/.exec(drive)?.[1]?.toUpperCase();
}

/**
 * Writes reported performance samples and drive sizes into the stored history, inside the caller's
 * transaction (`db` may be a Kysely Transaction: the ingestion service passes its own).
 *
 * Monitors: a sample belongs to the device's monitor of its kind and target (one per host, disk or
 * adapter; cpu_load, cpu_queue and memory_usage have one each, whatever target is sent). A missing
 * monitor is created against the device's first check of the kind's preferred type
 * (PERFORMANCE_CHECK_TYPES), a missing drive against the Drive Space Check whose description ends with
 * the drive (`… Drive C:`, `… /var`), else the device's first one. Without such a check nothing is stored:
 * list_performance_history and list_drive_space_history show the data of checks, and the device has none.
 * Metrics a kind does not have (isKnownMetric) are not stored.
 *
 * Re-sent samples: the newest sample folded into each interval and metric is read first, and samples at
 * or before it are skipped (foldSamples), so a sample sent twice counts once. This relies on one device's
 * reports being applied one after the other, as ingestion does; sizes are idempotent by nature (the
 * day's latest measurement wins).
 *
 * Retention is kept here, cheaply: when a sample opens a new interval of a monitor, that monitor's
 * intervals past the retention (24 hours of quarters, 8 days of hours, counted from its newest sample)
 * are deleted. A device that stops reporting keeps its last rows, which reads no longer show (they ask
 * for the window before the clock's now) until it reports again or is deleted.
 */
export function createHistoryWriter(db: Kysely<Database>): HistoryWriter {
  const repo = createHistoryRepository(db);

  /** The device's monitor id per `kind|target`, creating the missing ones that have a check to hang off. */
  async function performanceMonitors(device: DeviceRef, samples: readonly PerformanceSample[]): Promise<Map<string, number>> {
    const ids = new Map((await repo.performanceMonitorsOf(device)).map((m) => [`${m.kind}|${m.target}`, m.id]));
    const missing = new Map<string, { kind: PerformanceKind; target: string; at: number }>();
    for (const s of samples) {
      const key = monitorKey(s);
      if (!ids.has(key) && !missing.has(key)) missing.set(key, { kind: s.kind, target: targetOf(s), at: s.at });
    }
    if (missing.size === 0) return ids;
    const checks = await repo.checksOf(device, ALL_PERFORMANCE_CHECK_TYPES);
    for (const [key, { kind, target, at }] of missing) {
      const check = PERFORMANCE_CHECK_TYPES[kind].map((type) => checks.find((k) => k.check_type === type)).find((k) => k !== undefined);
      if (!check) continue;
      const id = await repo.createPerformanceMonitor({
        account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId, check_id: check.id, kind,
        name: kind === 'bandwidth' ? target : '', target, thresholds: JSON.stringify(DEFAULT_THRESHOLDS[kind]), created_at: at,
        ...UNUSED_PERFORMANCE_COLUMNS,
      });
      ids.set(key, id);
    }
    return ids;
  }

  /** The device's drive monitor id per reported drive, creating the missing ones that have a check. */
  async function driveMonitors(device: DeviceRef, entries: readonly DriveSpace[]): Promise<Map<string, number>> {
    const stored = await repo.storageMonitorsOf(device, 'drive');
    const ids = new Map<string, number>();
    const missing = new Map<string, number>();
    for (const { drive, at } of entries) {
      if (ids.has(drive) || missing.has(drive)) continue;
      const letter = driveLetterOf(drive);
      const monitor = stored.find((m) => (letter ? m.drive_letter === letter : m.drive_letter === '' && m.mount_point === drive));
      if (monitor) ids.set(drive, monitor.id);
      else missing.set(drive, at);
    }
    if (missing.size === 0) return ids;
    const checks = await repo.checksOf(device, [DRIVE_SPACE_CHECK_TYPE]);
    for (const [drive, at] of missing) {
      const check = checks.find((k) => k.description.toLowerCase().endsWith(` ${drive.toLowerCase()}`)) ?? checks[0];
      if (!check) continue;
      const letter = driveLetterOf(drive);
      const id = await repo.createStorageMonitor({
        account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId, check_id: check.id, kind: 'drive',
        drive_letter: letter ?? '', mount_point: letter ? '' : drive, store_name: '', edb_file: '', slv_file: '', first_day: utcDate(at),
        ...UNUSED_STORAGE_COLUMNS,
      });
      ids.set(drive, id);
    }
    return ids;
  }

  return {
    async recordPerformance(device, samples) {
      const known = samples
        .map((s) => ({ ...s, values: Object.fromEntries(Object.entries(s.values).filter(([metric]) => isKnownMetric(s.kind, metric))) }))
        .filter((s) => Object.keys(s.values).length > 0);
      if (known.length === 0) return;
      const monitors = await performanceMonitors(device, known);
      const folded: FoldSample[] = [];
      for (const s of known) {
        const monitorId = monitors.get(monitorKey(s));
        if (monitorId !== undefined) folded.push({ monitorId, at: s.at, values: s.values });
      }
      if (folded.length === 0) return;

      const monitorIds = [...new Set(folded.map((s) => s.monitorId))];
      const oldest = folded.reduce((min, s) => Math.min(min, s.at), Infinity);
      const stored = await repo.foldedIntervals(device.accountId, monitorIds, intervalStart(oldest, 60));
      const lastAt = new Map(stored.map((r) => [`${r.monitor_id}|${r.minutes}|${r.start}|${r.metric}`, r.last_at]));
      const storedStarts = new Set(stored.map((r) => `${r.monitor_id}|${r.minutes}|${r.start}`));
      await repo.addToIntervals(foldSamples(device.accountId, folded, (monitorId, minutes, start, metric) => lastAt.get(`${monitorId}|${minutes}|${start}|${metric}`)));

      // A monitor whose newest sample opened an interval drops what that pushed past the retention.
      const newest = new Map<number, number>();
      for (const s of folded) newest.set(s.monitorId, Math.max(newest.get(s.monitorId) ?? s.at, s.at));
      for (const minutes of INTERVAL_MINUTES) {
        const byCutoff = new Map<number, number[]>();
        for (const [monitorId, at] of newest) {
          if (storedStarts.has(`${monitorId}|${minutes}|${intervalStart(at, minutes)}`)) continue;
          const cutoff = retentionCutoff(at, minutes);
          byCutoff.set(cutoff, [...(byCutoff.get(cutoff) ?? []), monitorId]);
        }
        for (const [cutoff, ids] of byCutoff) await repo.pruneIntervals(device.accountId, ids, minutes, cutoff);
      }
    },

    async recordDriveSpace(device, entries) {
      if (entries.length === 0) return;
      const monitors = await driveMonitors(device, entries);
      const sizes = entries.flatMap(({ drive, at, usedMb }) => {
        const monitorId = monitors.get(drive);
        return monitorId === undefined ? [] : [{ monitorId, at, sizeMb: usedMb }];
      });
      await repo.upsertStorageDays(dayRows(device.accountId, sizes));
    },
  };
}

/** cpu_load, cpu_queue and memory_usage have one monitor per device: their target is ignored. */
function targetOf(sample: PerformanceSample): string {
  return PER_TARGET_KINDS.has(sample.kind) ? sample.target : '';
}

function monitorKey(sample: PerformanceSample): string {
  return `${sample.kind}|${targetOf(sample)}`;
}
