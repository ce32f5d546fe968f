import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { DeviceType } from '../db/schema.js';
import { inScope, keysetPages } from '../db/scope-filter.js';

export type ClientListRow = {
  id: number;
  name: string;
  view_dashboard: number;
  view_wkstsn_assets: number;
  dashboard_username: string;
  timezone: string;
  creation_date: string;
  server_count: number;
  workstation_count: number;
  mobile_device_count: number;
};

export function createClientRepository(db: Db) {
  return {
    /** Visible clients with their device counts (kept by triggers), in id order; with a type, only clients having such devices. */
    pages(scope: Scope, deviceType?: DeviceType): AsyncGenerator<ClientListRow[]> {
      return keysetPages(
        (after: number | undefined, limit) => {
          let q = db
            .selectFrom('clients as c')
            .select([
              'c.id', 'c.name', 'c.view_dashboard', 'c.view_wkstsn_assets', 'c.dashboard_username', 'c.timezone', 'c.creation_date',
              'c.server_count', 'c.workstation_count', 'c.mobile_device_count',
            ])
            .where(inScope(scope, 'c', 'id'))
            .where('c.id', '>', after ?? 0)
            .orderBy('c.id')
            .limit(limit);
          if (deviceType) q = q.where(`c.${deviceType}_count`, '>', 0);
          return q.execute();
        },
        (row) => row.id,
      );
    },

    /** The client if it exists and the scope sees it; otherwise undefined (the two are not told apart). */
    async findVisible(scope: Scope, clientId: number) {
      return db
        .selectFrom('clients as c')
        .select(['c.id', 'c.name', 'c.timezone'])
        .where('c.id', '=', clientId)
        .where(inScope(scope, 'c', 'id'))
        .executeTakeFirst();
    },
  };
}

export type ClientRepository = ReturnType<typeof createClientRepository>;
