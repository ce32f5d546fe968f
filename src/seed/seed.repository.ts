import type { Insertable } from 'kysely';
import type { Db } from '../db/database.js';
import type { BulkInsert } from '../db/dialect.js';
import { DEFAULT_OVERDUE_AFTER_SECONDS } from '../devices/device-derivation.js';
import { templateCheckRows } from '../templates/default-template-checks.js';
import type {
  AccountSettingsTable, AvDefinitionTable, CheckDayResultTable, CheckNoteTable, CheckTable, ClientTable, Database, DeviceTable, MobSessionTable,
  OutageTable, PatchCatalogTable, PerformanceIntervalTable, PerformanceMonitorTable, SiteTable, SoftwareCatalogTable, StorageDayTable, StorageMonitorTable,
} from '../db/schema.js';

/** Bulk inserts for the demo-data generator, through the dialect's fastest many-row insert. */
export function createSeedRepository(db: Db, bulkInsert: BulkInsert) {
  return {
    ...seedOperations(db, bulkInsert),
    /** Runs one unit of seeding in a transaction, so a crash leaves whole clients or none. */
    transaction<T>(work: (ops: SeedOperations) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => work(seedOperations(trx, bulkInsert)));
    },
  };
}

function seedOperations(db: Db, bulkInsert: BulkInsert) {
  /** Inserts the rows in order; with `returning`, answers those columns of each row in the same order. */
  function insertMany<T extends object>(table: string, rows: T[], returning?: string[]): Promise<any[]> {
    return bulkInsert(db, table, rows, returning);
  }

  async function ensureNamed<T extends 'software_catalog' | 'patch_catalog'>(table: T, column: 'name' | 'title', entries: Insertable<Database[T]>[]) {
    const rows = (await db.selectFrom(table as any).select(['id', column] as any).execute()) as { id: number; [k: string]: unknown }[];
    const ids = new Map(rows.map((r) => [r[column] as string, r.id]));
    const missing = entries.filter((e) => !ids.has((e as any)[column]));
    for (const row of await insertMany(table, missing, ['id', column])) ids.set(row[column], row.id);
    return ids;
  }

  return {
    /** The monitoring templates every demo account has (list_templates, add_site). */
    async ensureTemplates(accountId: number, now: number): Promise<void> {
      const existing = await db.selectFrom('installation_templates').select('id').where('account_id', '=', accountId).limit(1).execute();
      if (existing.length > 0) return;
      const names: [string, 'server' | 'workstation'][] = [
        ['Default Server Template', 'server'], ['Domain Controller', 'server'], ['SQL Server', 'server'],
        ['Default Workstation Template', 'workstation'], ['Laptop - Remote Worker', 'workstation'],
      ];
      const templates = await db
        .insertInto('installation_templates')
        .values(names.map(([name, device_type]) => ({ account_id: accountId, name, device_type, created_at: now })))
        .returning(['id', 'device_type'])
        .execute();
      // Each holds the built-in checks of its type, which agents enrolled under it get.
      await db.insertInto('template_checks').values(templates.flatMap((t) => templateCheckRows(accountId, t.id, t.device_type))).execute();
    },

    async existingClientNames(accountId: number): Promise<Set<string>> {
      const rows = await db.selectFrom('clients').select('name').where('account_id', '=', accountId).execute();
      return new Set(rows.map((r) => r.name));
    },

    async insertClients(rows: Insertable<ClientTable>[]): Promise<{ id: number; name: string }[]> {
      return insertMany('clients', rows, ['id', 'name']);
    },
    async insertSites(rows: Insertable<SiteTable>[]): Promise<{ id: number; name: string; client_id: number }[]> {
      return insertMany('sites', rows, ['id', 'name', 'client_id']);
    },
    async insertDevices(rows: Insertable<DeviceTable>[]): Promise<{ id: number; guid: string }[]> {
      return insertMany('devices', rows, ['id', 'guid']);
    },
    async insertChecks(rows: Insertable<CheckTable>[]): Promise<{ id: number; device_id: number; uid: number }[]> {
      return insertMany('checks', rows, ['id', 'device_id', 'uid']);
    },
    async insertOutages(rows: Insertable<OutageTable>[]): Promise<void> {
      await insertMany('outages', rows);
    },
    async insertCheckNotes(rows: Insertable<CheckNoteTable>[]): Promise<void> {
      await insertMany('check_notes', rows);
    },
    /** Bulk insert into one of the asset / patch / antivirus / directory tables (asset-generator.ts). */
    async insertRows<T extends keyof Database>(table: T, rows: Insertable<Database[T]>[]): Promise<void> {
      await insertMany(table, rows);
    },
    /** The same, returning the named columns of every inserted row (to link child rows by a natural key). */
    async insertRowsReturning<T extends keyof Database, C extends string>(table: T, rows: Insertable<Database[T]>[], columns: C[]): Promise<Record<C, any>[]> {
      return insertMany(table, rows, columns);
    },

    /** Software titles by name, adding the missing ones (the catalog is shared by every account). */
    async ensureSoftwareCatalog(entries: Insertable<SoftwareCatalogTable>[]): Promise<Map<string, number>> {
      return ensureNamed('software_catalog', 'name', entries);
    },
    /** Patches by title, adding the missing ones (shared by every account). */
    async ensurePatchCatalog(entries: Insertable<PatchCatalogTable>[]): Promise<Map<string, number>> {
      return ensureNamed('patch_catalog', 'title', entries);
    },

    /** The account's license groups by name with their titles, creating the missing groups. */
    async ensureLicenseGroups(accountId: number, groups: { name: string; catalogIds: number[] }[]): Promise<Map<string, number>> {
      const existing = await db.selectFrom('license_groups').select(['id', 'name']).where('account_id', '=', accountId).execute();
      const ids = new Map(existing.map((g) => [g.name, g.id]));
      for (const group of groups.filter((g) => !ids.has(g.name))) {
        const { id } = await db.insertInto('license_groups').values({ account_id: accountId, name: group.name }).returning('id').executeTakeFirstOrThrow();
        ids.set(group.name, id);
        await insertMany('license_group_items', group.catalogIds.map((catalog_id) => ({ account_id: accountId, license_group_id: id, catalog_id })));
      }
      return ids;
    },

    /** Stores the account's settings unless it already has some (a re-seed keeps what was changed). */
    async ensureAccountSettings(values: Insertable<AccountSettingsTable>): Promise<void> {
      await db.insertInto('account_settings').values(values).onConflict((oc) => oc.column('account_id').doNothing()).execute();
    },

    /** Inserts performance monitors and answers their ids, in order. */
    async insertPerformanceMonitors(rows: Insertable<PerformanceMonitorTable>[]): Promise<number[]> {
      return (await insertMany('performance_monitors', rows, ['id'])).map((r) => r.id);
    },
    /** Inserts drive and store monitors and answers their ids, in order. */
    async insertStorageMonitors(rows: Insertable<StorageMonitorTable>[]): Promise<number[]> {
      return (await insertMany('storage_monitors', rows, ['id'])).map((r) => r.id);
    },
    async insertPerformanceIntervals(rows: Insertable<PerformanceIntervalTable>[]): Promise<void> {
      await insertMany('performance_intervals', rows);
    },
    async insertStorageDays(rows: Insertable<StorageDayTable>[]): Promise<void> {
      await insertMany('storage_days', rows);
    },
    async insertDayResults(rows: Insertable<CheckDayResultTable>[]): Promise<void> {
      await insertMany('check_day_results', rows);
    },
    async insertMobSessions(rows: Insertable<MobSessionTable>[]): Promise<void> {
      await insertMany('mob_sessions', rows);
    },

    /** The account's overdue threshold (seconds without a report), as the sweeper reads it. */
    async overdueAfterSeconds(accountId: number): Promise<number> {
      const row = await db.selectFrom('account_settings').select('overdue_after_seconds').where('account_id', '=', accountId).executeTakeFirst();
      return row?.overdue_after_seconds ?? DEFAULT_OVERDUE_AFTER_SECONDS;
    },

    async accountTimezone(accountId: number): Promise<string> {
      const row = await db.selectFrom('accounts').select('timezone').where('id', '=', accountId).executeTakeFirstOrThrow();
      return row.timezone;
    },

    /**
     * Daily definition releases of every catalogue product for the last `days` days, once per database
     * (the catalogue is shared by all accounts): list_av_definitions has something to list.
     */
    async ensureAvDefinitions(rows: () => Insertable<AvDefinitionTable>[]): Promise<void> {
      const existing = await db.selectFrom('av_definitions').select('product_id').limit(1).execute();
      if (existing.length === 0) await insertMany('av_definitions', rows());
    },

    async avProductIds(): Promise<string[]> {
      return (await db.selectFrom('av_products').select('id').orderBy('id').execute()).map((r) => r.id);
    },
  };
}

export type SeedOperations = ReturnType<typeof seedOperations>;
export type SeedRepository = ReturnType<typeof createSeedRepository>;
