import type { Selectable } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { MobSessionTable } from '../db/schema.js';
import { inScope, keysetPages } from '../db/scope-filter.js';

export type MobSessionRow = Selectable<MobSessionTable>;

/** Backup & Recovery (formerly Managed Online Backup) sessions. */
export function createMobRepository(db: Db) {
  const sessions = (scope: Scope, deviceId: number) =>
    db.selectFrom('mob_sessions as m').selectAll('m').where(inScope(scope, 'm')).where('m.device_id', '=', deviceId);

  return {
    /** Every session of one device in recording order, as keyset pages (a device keeps them for life). */
    pagesByDevice(scope: Scope, deviceId: number) {
      return keysetPages(
        (after: number | undefined, limit) => sessions(scope, deviceId).where('m.id', '>', after ?? 0).orderBy('m.id').limit(limit).execute(),
        (row) => row.id,
      );
    },

    /** Sessions of one device that started in [from, to), oldest first (one month of selection sizes). */
    async listByDeviceBetween(scope: Scope, deviceId: number, from: number, to: number) {
      return sessions(scope, deviceId).where('m.started_at', '>=', from).where('m.started_at', '<', to).orderBy('m.started_at').orderBy('m.id').execute();
    },
  };
}

export type MobRepository = ReturnType<typeof createMobRepository>;
