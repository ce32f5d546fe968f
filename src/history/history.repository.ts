import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { StorageMonitorTable } from '../db/schema.js';
import { inScope } from '../db/scope-filter.js';

/** Performance and storage monitors, and the stored day results of checks. A device has a handful of each. */
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
