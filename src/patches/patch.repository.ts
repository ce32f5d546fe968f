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
  };
}

export type PatchRepository = ReturnType<typeof createPatchRepository>;
