import type { Insertable } from 'kysely';
import type { Db } from '../db/database.js';
import { MAX_BIND_PARAMETERS } from '../db/dialect.js';
import type {
  AvDefinitionTable, CheckDayResultTable, CheckNoteTable, CheckTable, ClientTable, DeviceTable, MobSessionTable, OutageTable,
  PerformanceMonitorTable, SiteTable, StorageMonitorTable,
} from '../db/schema.js';

/** Bulk inserts for the demo-data generator, batched under the bind-parameter limit. */
export function createSeedRepository(db: Db) {
  return {
    ...seedOperations(db),
    /** Runs one unit of seeding in a transaction, so a crash leaves whole clients or none. */
    transaction<T>(work: (ops: SeedOperations) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => work(seedOperations(trx)));
    },
  };
}

function seedOperations(db: Db) {
  async function insertMany<T extends object>(table: string, rows: T[], returning?: string[]): Promise<any[]> {
    if (rows.length === 0) return [];
    const perRow = Object.keys(rows[0]!).length;
    const batch = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / perRow));
    const out: any[] = [];
    for (let i = 0; i < rows.length; i += batch) {
      const q = db.insertInto(table as any).values(rows.slice(i, i + batch) as any);
      if (returning) out.push(...(await q.returning(returning as any).execute()));
      else await q.execute();
    }
    return out;
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
      await db.insertInto('installation_templates').values(names.map(([name, device_type]) => ({ account_id: accountId, name, device_type, created_at: now }))).execute();
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
    async insertPerformanceMonitors(rows: Insertable<PerformanceMonitorTable>[]): Promise<void> {
      await insertMany('performance_monitors', rows);
    },
    async insertStorageMonitors(rows: Insertable<StorageMonitorTable>[]): Promise<void> {
      await insertMany('storage_monitors', rows);
    },
    async insertDayResults(rows: Insertable<CheckDayResultTable>[]): Promise<void> {
      await insertMany('check_day_results', rows);
    },
    async insertMobSessions(rows: Insertable<MobSessionTable>[]): Promise<void> {
      await insertMany('mob_sessions', rows);
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

    async addClientsToGroup(accountId: number, groupId: number, clientIds: number[]): Promise<void> {
      await insertMany(
        'client_group_members',
        clientIds.map((client_id) => ({ account_id: accountId, client_group_id: groupId, client_id })),
      );
    },
  };
}

export type SeedOperations = ReturnType<typeof seedOperations>;
export type SeedRepository = ReturnType<typeof createSeedRepository>;
