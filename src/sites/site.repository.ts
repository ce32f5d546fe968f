import type { Scope } from '../access/scope.js';
import type { Insertable } from 'kysely';
import type { Db } from '../db/database.js';
import type { SiteTable } from '../db/schema.js';
import { inScope, scopedPagesByParent } from '../db/scope-filter.js';
import type { ClientRange } from '../devices/device.repository.js';

const SITE_COLUMNS = ['s.id', 's.client_id', 's.name', 's.connection_ok', 's.creation_date', 's.primary_router', 's.secondary_router'] as const;

export function createSiteRepository(db: Db) {
  // list_sites runs this one per call: compiled once (see scopedPagesByParent).
  const pagesOfClient = scopedPagesByParent(db, 's', 'client_id', (scope) => db.selectFrom('sites as s').select(SITE_COLUMNS).where(inScope(scope, 's')));

  return {
    /** Sites of one client in id order. The client must already be known to be visible. */
    pagesByClient(scope: Scope, clientId: number) {
      return pagesOfClient(scope, clientId);
    },

    /** Sites of one client ordered by name (list_devices_at_client's order). A client has few sites. */
    async listByClientByName(scope: Scope, clientId: number) {
      return db
        .selectFrom('sites as s')
        .select(['s.id', 's.name'])
        .where(inScope(scope, 's'))
        .where('s.client_id', '=', clientId)
        .orderBy('s.name')
        .orderBy('s.id')
        .execute();
    },

    /**
     * Ids and names of the sites of the clients in a range of ids, by client, then name, then id
     * (list_failing_checks' order of sites, which it applies to the devices it reads without the join).
     */
    async namesOfClients(scope: Scope, clients: ClientRange) {
      return db
        .selectFrom('sites as s')
        .select(['s.client_id', 's.id', 's.name'])
        .where(inScope(scope, 's'))
        .where('s.client_id', '>=', clients.from)
        .where('s.client_id', '<=', clients.to)
        .orderBy('s.client_id')
        .orderBy('s.name')
        .orderBy('s.id')
        .execute();
    },

    /** Creates a site under a client the caller has already been shown to see. */
    async create(scope: Scope, values: Omit<Insertable<SiteTable>, 'account_id' | 'id'>): Promise<number> {
      const row = await db.insertInto('sites').values({ ...values, account_id: scope.accountId }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async nameTakenAtClient(clientId: number, name: string): Promise<boolean> {
      return (await db.selectFrom('sites').select('id').where('client_id', '=', clientId).where('name', '=', name).executeTakeFirst()) !== undefined;
    },

    async findVisible(scope: Scope, siteId: number) {
      return db
        .selectFrom('sites as s')
        .select(SITE_COLUMNS)
        .where('s.id', '=', siteId)
        .where(inScope(scope, 's'))
        .executeTakeFirst();
    },
  };
}

export type SiteRepository = ReturnType<typeof createSiteRepository>;
