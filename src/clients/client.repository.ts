import type { Scope } from '../access/scope.js';
import { compileScoped } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';
import { type Insertable, sql } from 'kysely';
import type { ClientTable } from '../db/schema.js';
import type { DeviceType } from '../devices/device-type.js';
import { inScope, keysetPages } from '../db/scope-filter.js';
import { transaction } from '../db/transaction.js';

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
  device_count: number;
};

export function createClientRepository(db: Db) {
  // Every call naming a client (list_sites, list_devices_at_client, …) runs this one: compiled once (see compileScoped).
  const visible = compileScoped((args: { clientId: number }, scope) =>
    db.selectFrom('clients as c').select(['c.id', 'c.name', 'c.timezone']).where('c.id', '=', args.clientId).where(inScope(scope, 'c', 'id')),
  );

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
              sql<number>`c.server_count + c.workstation_count + c.mobile_device_count`.as('device_count'),
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

    /**
     * The dashboard tree: visible clients by name with their device counts and how many of their devices
     * have a failing check. An account has hundreds of clients, not more.
     */
    async listForTree(scope: Scope) {
      return db
        .selectFrom('clients as c')
        .select([
          'c.id', 'c.name',
          // Device counts are kept per client by triggers (migration 0006), failing checks per device too.
          sql<number>`c.server_count + c.workstation_count + c.mobile_device_count`.as('device_count'),
          sql<number>`(select count(*) from devices d where d.client_id = c.id and d.check_fail > 0)`.as('failing_device_count'),
        ])
        .where(inScope(scope, 'c', 'id'))
        .orderBy('c.name')
        .orderBy('c.id')
        .limit(5000)
        .execute();
    },

    /**
     * Creates a client in the scope's account. A caller restricted to a client group gets the client in
     * that group too (All Clients holds it implicitly), so it can see what it created. One transaction.
     */
    async create(scope: Scope, values: Omit<Insertable<ClientTable>, 'account_id' | 'id'>): Promise<number> {
      return transaction(db, async (trx) => {
        const client = await trx.insertInto('clients').values({ ...values, account_id: scope.accountId }).returning('id').executeTakeFirstOrThrow();
        if (scope.clientGroupId !== null) {
          await trx.insertInto('client_group_members').values({ account_id: scope.accountId, client_group_id: scope.clientGroupId, client_id: client.id }).execute();
        }
        return client.id;
      });
    },

    /** Whether the account has a client of this name, visible or not (names are unique per account). */
    async nameTaken(accountId: number, name: string): Promise<boolean> {
      return (await db.selectFrom('clients').select('id').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst()) !== undefined;
    },

    /** The client if it exists and the scope sees it; otherwise undefined (the two are not told apart). */
    async findVisible(scope: Scope, clientId: number) {
      return visible.takeFirst(db, scope, { clientId });
    },
  };
}

export type ClientRepository = ReturnType<typeof createClientRepository>;
