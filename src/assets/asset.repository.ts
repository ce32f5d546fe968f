import { sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

/** Uninstalled software stays listed (deleted=1) this long (api-services.md §6.7). */
export const DELETED_SOFTWARE_RETENTION_SECONDS = 4 * 86400;

export type SoftwareRow = {
  id: number;
  catalog_id: number;
  name: string;
  version: string;
  installed_at: number | null;
  software_type: string;
  /** Whether the title belongs to one of the account's license groups. */
  licensed: number;
  modified: number;
  deleted_at: number | null;
};

/**
 * Hardware and software inventories of devices, the account's license groups and the clients' license
 * counts. Device rows are read under the scope; license groups belong to the account as a whole.
 */
export function createAssetRepository(db: Db) {
  const inLicenseGroup = (scope: Scope) =>
    sql<number>`(case when exists (select 1 from license_group_items li where li.catalog_id = s.catalog_id and li.account_id = ${scope.accountId}) then 1 else 0 end)`;

  return {
    /** One device's hardware, in id order. */
    async hardwareOf(scope: Scope, deviceId: number) {
      return db
        .selectFrom('device_hardware as h')
        .select(['h.id', 'h.hardware_type', 'h.name', 'h.manufacturer', 'h.details', 'h.status', 'h.deleted', 'h.modified'])
        .where(inScope(scope, 'h'))
        .where('h.device_id', '=', deviceId)
        .orderBy('h.id')
        .execute();
    },

    /**
     * One device's software in id order: installed titles, plus (when `deletedSince` is given) titles
     * uninstalled since then.
     */
    async softwareOf(scope: Scope, deviceId: number, deletedSince: number | null): Promise<SoftwareRow[]> {
      return db
        .selectFrom('device_software as s')
        .innerJoin('software_catalog as c', 'c.id', 's.catalog_id')
        .select(['s.id', 's.catalog_id', 'c.name', 's.version', 's.installed_at', 'c.software_type', inLicenseGroup(scope).as('licensed'), 's.modified', 's.deleted_at'])
        .where(inScope(scope, 's'))
        .where('s.device_id', '=', deviceId)
        .where((eb) => (deletedSince === null ? eb('s.deleted_at', 'is', null) : eb.or([eb('s.deleted_at', 'is', null), eb('s.deleted_at', '>=', deletedSince)])))
        .orderBy('s.id')
        .execute();
    },

    /** Installed software of one device that belongs to a license group of the account, with that group. */
    async licensedSoftwareOf(scope: Scope, deviceId: number) {
      return db
        .selectFrom('device_software as s')
        .innerJoin('software_catalog as c', 'c.id', 's.catalog_id')
        .innerJoin('license_group_items as li', (j) => j.onRef('li.catalog_id', '=', 's.catalog_id').on('li.account_id', '=', scope.accountId))
        .innerJoin('license_groups as g', 'g.id', 'li.license_group_id')
        .select(['s.id', 's.catalog_id', 'c.name', 's.version', 's.installed_at', 'g.id as license_group_id', 'g.name as license_group_name'])
        .where(inScope(scope, 's'))
        .where('s.device_id', '=', deviceId)
        .where('s.deleted_at', 'is', null)
        .orderBy('s.id')
        .orderBy('g.id')
        .execute();
    },

    /** The account's license groups with how many titles each holds, by name. */
    async licenseGroups(scope: Scope) {
      return db
        .selectFrom('license_groups as g')
        .select(['g.id', 'g.name', sql<number>`(select count(*) from license_group_items li where li.license_group_id = g.id)`.as('item_count')])
        .where('g.account_id', '=', scope.accountId)
        .orderBy('g.name')
        .orderBy('g.id')
        .execute();
    },

    async findLicenseGroup(scope: Scope, groupId: number) {
      return db.selectFrom('license_groups').select(['id', 'name']).where('id', '=', groupId).where('account_id', '=', scope.accountId).executeTakeFirst();
    },

    /** The titles of one license group, by name. */
    async licenseGroupItems(scope: Scope, groupId: number) {
      return db
        .selectFrom('license_group_items as li')
        .innerJoin('software_catalog as c', 'c.id', 'li.catalog_id')
        .select(['li.id', 'li.license_group_id', 'li.catalog_id', 'c.name', 'c.publisher'])
        .where('li.account_id', '=', scope.accountId)
        .where('li.license_group_id', '=', groupId)
        .orderBy('c.name')
        .orderBy('li.id')
        .execute();
    },

    /**
     * One client's license counts: licenses owned per license group, and how many of the client's
     * devices have at least one title of that group installed (licenses in use).
     */
    async clientLicenseCounts(scope: Scope, clientId: number) {
      return db
        .selectFrom('client_license_counts as lc')
        .innerJoin('license_groups as g', 'g.id', 'lc.license_group_id')
        .select([
          'lc.id',
          'g.name',
          'lc.owned',
          'lc.license_group_id',
          // Through the client's devices, so device_software needs no index beyond (device_id, id).
          sql<number>`(select count(distinct s.device_id) from device_software s
            where s.device_id in (select d.id from devices d where d.client_id = lc.client_id) and s.deleted_at is null
            and s.catalog_id in (select li.catalog_id from license_group_items li where li.license_group_id = lc.license_group_id))`.as('installed'),
        ])
        .where(inScope(scope, 'lc'))
        .where('lc.client_id', '=', clientId)
        .orderBy('g.name')
        .orderBy('lc.id')
        .execute();
    },
  };
}

export type AssetRepository = ReturnType<typeof createAssetRepository>;
