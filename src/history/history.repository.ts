import type { Insertable } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { MAX_BIND_PARAMETERS } from '../db/dialect.js';
import type {
  CheckDayResultTable, PerformanceIntervalTable, PerformanceMonitorTable, StorageDayTable, StorageMonitorTable,
} from '../db/schema.js';
import { inScope } from '../db/scope-filter.js';
import type { DeviceRef } from '../ingest/ingest.contract.js';
import type { IntervalMinutes } from './performance-metrics.js';

/** Inserts `rows` in statements of at most MAX_BIND_PARAMETERS parameters. */
async function inChunks<T extends object>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  if (rows.length === 0) return;
  const size = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Performance and storage monitors with their stored intervals and days, and the stored day results of
 * checks. Reads take the caller's scope; the history writer's methods take the reporting device (the
 * agent protocol authenticates a device, not a user).
 */
export function createHistoryRepository(db: Db) {
  return {
    /** The performance monitors of one device, by section then id. */
    async performanceMonitors(scope: Scope, deviceId: number) {
      return db
        .selectFrom('performance_monitors as p')
        .selectAll('p')
        .where(inScope(scope, 'p'))
        .where('p.device_id', '=', deviceId)
        .orderBy('p.kind')
        .orderBy('p.id')
        .execute();
    },

    /** The drive or Exchange store monitors of one device, in id order. */
    async storageMonitors(scope: Scope, deviceId: number, kind: StorageMonitorTable['kind']) {
      return db
        .selectFrom('storage_monitors as s')
        .selectAll('s')
        .where(inScope(scope, 's'))
        .where('s.device_id', '=', deviceId)
        .where('s.kind', '=', kind)
        .orderBy('s.id')
        .execute();
    },

    /** Stored metrics of one device's performance intervals of one length, starting in [from, to), by monitor, start and metric. */
    async performanceIntervals(scope: Scope, deviceId: number, minutes: IntervalMinutes, from: number, to: number) {
      return db
        .selectFrom('performance_intervals as i')
        .innerJoin('performance_monitors as p', 'p.id', 'i.monitor_id')
        .select(['i.monitor_id', 'i.start', 'i.metric', 'i.total', 'i.samples', 'i.max_value', 'i.min_value'])
        .where(inScope(scope, 'p'))
        .where('p.device_id', '=', deviceId)
        .where('i.minutes', '=', minutes)
        .where('i.start', '>=', from)
        .where('i.start', '<', to)
        .orderBy('i.monitor_id')
        .orderBy('i.start')
        .orderBy('i.metric')
        .execute();
    },

    /** Stored days of one device's drives or Exchange stores from `fromDay` (inclusive, all when undefined) to `toDay`, by monitor and day. */
    async storageDays(scope: Scope, deviceId: number, kind: StorageMonitorTable['kind'], fromDay: string | undefined, toDay: string) {
      let query = db
        .selectFrom('storage_days as d')
        .innerJoin('storage_monitors as s', 's.id', 'd.monitor_id')
        .select(['d.monitor_id', 'd.day', 'd.size_mb'])
        .where(inScope(scope, 's'))
        .where('s.device_id', '=', deviceId)
        .where('s.kind', '=', kind)
        .where('d.day', '<=', toDay);
      if (fromDay !== undefined) query = query.where('d.day', '>=', fromDay);
      return query.orderBy('d.monitor_id').orderBy('d.day').execute();
    },

    /** The reporting device's performance monitors (the writer finds a sample's monitor by kind and target). */
    async performanceMonitorsOf(device: DeviceRef) {
      return db
        .selectFrom('performance_monitors')
        .select(['id', 'kind', 'target'])
        .where('account_id', '=', device.accountId)
        .where('device_id', '=', device.deviceId)
        .orderBy('id')
        .execute();
    },

    /** The reporting device's drive or Exchange store monitors. */
    async storageMonitorsOf(device: DeviceRef, kind: StorageMonitorTable['kind']) {
      return db
        .selectFrom('storage_monitors')
        .select(['id', 'drive_letter', 'mount_point'])
        .where('account_id', '=', device.accountId)
        .where('device_id', '=', device.deviceId)
        .where('kind', '=', kind)
        .orderBy('id')
        .execute();
    },

    /** The reporting device's checks of some types, in id order (a new monitor hangs off one of them). */
    async checksOf(device: DeviceRef, checkTypes: readonly number[]) {
      return db
        .selectFrom('checks')
        .select(['id', 'check_type', 'description'])
        .where('account_id', '=', device.accountId)
        .where('device_id', '=', device.deviceId)
        .where('check_type', 'in', [...checkTypes])
        .orderBy('id')
        .execute();
    },

    async createPerformanceMonitor(row: Insertable<PerformanceMonitorTable>): Promise<number> {
      return (await db.insertInto('performance_monitors').values(row).returning('id').executeTakeFirstOrThrow()).id;
    },
    async createStorageMonitor(row: Insertable<StorageMonitorTable>): Promise<number> {
      return (await db.insertInto('storage_monitors').values(row).returning('id').executeTakeFirstOrThrow()).id;
    },

    /** The newest sample folded into each stored interval of these monitors starting at or after `fromStart`. */
    async foldedIntervals(accountId: number, monitorIds: readonly number[], fromStart: number) {
      if (monitorIds.length === 0) return [];
      return db
        .selectFrom('performance_intervals')
        .select(['monitor_id', 'minutes', 'start', 'metric', 'last_at'])
        .where('account_id', '=', accountId)
        .where('monitor_id', 'in', [...monitorIds])
        .where('start', '>=', fromStart)
        .execute();
    },

    /** Adds folded samples to their intervals: new intervals are inserted, stored ones add sums and counts and widen their extremes. */
    async addToIntervals(rows: readonly Insertable<PerformanceIntervalTable>[]): Promise<void> {
      await inChunks(rows, (chunk) =>
        db
          .insertInto('performance_intervals')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['monitor_id', 'minutes', 'start', 'metric']).doUpdateSet((eb) => {
              const stored = (column: 'max_value' | 'min_value' | 'last_at') => eb.ref(`performance_intervals.${column}`);
              const added = (column: 'max_value' | 'min_value' | 'last_at') => eb.ref(`excluded.${column}`);
              return {
                total: eb('performance_intervals.total', '+', eb.ref('excluded.total')),
                samples: eb('performance_intervals.samples', '+', eb.ref('excluded.samples')),
                max_value: eb.case().when(added('max_value'), '>', stored('max_value')).then(added('max_value')).else(stored('max_value')).end(),
                min_value: eb.case().when(added('min_value'), '<', stored('min_value')).then(added('min_value')).else(stored('min_value')).end(),
                last_at: eb.case().when(added('last_at'), '>', stored('last_at')).then(added('last_at')).else(stored('last_at')).end(),
              };
            }),
          )
          .execute(),
      );
    },

    /** Deletes the intervals of one length of these monitors that start before `before` (past the retention). */
    async pruneIntervals(accountId: number, monitorIds: readonly number[], minutes: IntervalMinutes, before: number): Promise<void> {
      if (monitorIds.length === 0) return;
      await db
        .deleteFrom('performance_intervals')
        .where('account_id', '=', accountId)
        .where('monitor_id', 'in', [...monitorIds])
        .where('minutes', '=', minutes)
        .where('start', '<', before)
        .execute();
    },

    /** Stores day sizes; a stored day keeps the later of its measurement and the new one. */
    async upsertStorageDays(rows: readonly Insertable<StorageDayTable>[]): Promise<void> {
      await inChunks(rows, (chunk) =>
        db
          .insertInto('storage_days')
          .values(chunk)
          .onConflict((oc) =>
            oc
              .columns(['monitor_id', 'day'])
              .doUpdateSet((eb) => ({ size_mb: eb.ref('excluded.size_mb'), measured_at: eb.ref('excluded.measured_at') }))
              .where((eb) => eb('storage_days.measured_at', '<=', eb.ref('excluded.measured_at'))),
          )
          .execute(),
      );
    },

    /** The device's checks of the given types (its backup checks, its antivirus update checks), in id order. */
    async checksOfTypes(scope: Scope, deviceId: number, checkTypes: readonly number[]) {
      return db
        .selectFrom('checks as k')
        .select(['k.id', 'k.description', 'k.statusid', 'k.last_run_at'])
        .where(inScope(scope, 'k'))
        .where('k.device_id', '=', deviceId)
        .where('k.check_type', 'in', [...checkTypes])
        .orderBy('k.id')
        .execute();
    },

    /** Stored day results of some checks of one device from `fromDay` (inclusive). */
    async dayResults(scope: Scope, deviceId: number, checkIds: readonly number[], fromDay: string) {
      if (checkIds.length === 0) return [];
      return db
        .selectFrom('check_day_results as r')
        .select(['r.check_id', 'r.day', 'r.result'])
        .where(inScope(scope, 'r'))
        .where('r.device_id', '=', deviceId)
        .where('r.check_id', 'in', [...checkIds])
        .where('r.day', '>=', fromDay)
        .execute();
    },
  };
}

export type HistoryRepository = ReturnType<typeof createHistoryRepository>;
