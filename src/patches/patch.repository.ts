import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

export function createPatchRepository(db: Db) {
  return {
    /** Every patch of one device (available and installed) with its catalog entry, in patchid order. */
    async listByDevice(scope: Scope, deviceId: number) {
      return db
        .selectFrom('device_patches as p')
        .innerJoin('patch_catalog as c', 'c.id', 'p.patch_catalog_id')
        .select(['p.id', 'p.policy', 'p.status', 'p.installed_at', 'p.deployable', 'c.title', 'c.product', 'c.severity', 'c.url', 'c.released_at', 'c.uninstallable'])
        .where(inScope(scope, 'p'))
        .where('p.device_id', '=', deviceId)
        .orderBy('p.id')
        .execute();
    },

    /** Those of these patch ids that are patches of the device within the scope, with their agent key and title. */
    async findOnDevice(scope: Scope, deviceId: number, patchIds: readonly number[]) {
      if (patchIds.length === 0) return [];
      return db
        .selectFrom('device_patches as p')
        .innerJoin('patch_catalog as c', 'c.id', 'p.patch_catalog_id')
        .select(['p.id', 'p.policy', 'p.status', 'c.patch_key', 'c.title'])
        .where(inScope(scope, 'p'))
        .where('p.device_id', '=', deviceId)
        .where('p.id', 'in', patchIds)
        .orderBy('p.id')
        .execute();
    },

    /** Sets the policy (and, when given, the status) of these patches of the device within the scope. */
    async update(scope: Scope, deviceId: number, patchIds: readonly number[], columns: { policy?: number; status?: number }) {
      if (patchIds.length === 0) return;
      // Unaliased: SQLite's UPDATE takes no table alias.
      await db.updateTable('device_patches').set(columns).where(inScope(scope, 'device_patches')).where('device_id', '=', deviceId).where('id', 'in', patchIds).execute();
    },
  };
}

export type PatchRepository = ReturnType<typeof createPatchRepository>;
