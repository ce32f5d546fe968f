import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database, DeviceAntivirusTable } from '../db/schema.js';
import { statementChunks } from './ingest.repository.js';

/** Tables a report's inventory sections write rows of, each with an `id` key. */
type InventoryTable = 'device_hardware' | 'device_software' | 'device_patches' | 'mav_scans' | 'mav_threats' | 'mav_quarantine' | 'mob_sessions' | 'ad_users';

/**
 * The SQL of the inventory sections of a report (src/ingest/sections/): the device's current rows, and
 * plain inserts and updates by id. Everything runs in the report's transaction.
 */
export function createInventoryRepository(db: Db) {
  return {
    async insert<T extends InventoryTable>(table: T, rows: Insertable<Database[T]>[]): Promise<void> {
      for (const chunk of statementChunks(rows)) await db.insertInto(table).values(chunk as any).execute();
    },

    /** Inserts rows and answers their ids in the same order (one statement per row: there are few). */
    async insertReturningIds<T extends InventoryTable>(table: T, rows: Insertable<Database[T]>[]): Promise<number[]> {
      const ids: number[] = [];
      for (const row of rows) ids.push((await db.insertInto(table).values(row as any).returning('id').executeTakeFirstOrThrow()).id as number);
      return ids;
    },

    async update<T extends InventoryTable>(table: T, id: number, columns: Updateable<Database[T]>): Promise<void> {
      await db.updateTable(table as 'device_hardware').set(columns as Updateable<Database['device_hardware']>).where('id', '=', id).execute();
    },

    async deleteByIds(table: InventoryTable, ids: readonly number[]): Promise<void> {
      if (ids.length > 0) await db.deleteFrom(table).where('id', 'in', [...ids]).execute();
    },

    async hardwareOf(deviceId: number) {
      return db
        .selectFrom('device_hardware')
        .select(['id', 'hardware_type', 'name', 'manufacturer', 'details', 'status', 'deleted', 'modified'])
        .where('device_id', '=', deviceId)
        .orderBy('id')
        .execute();
    },

    async softwareOf(deviceId: number) {
      return db
        .selectFrom('device_software as s')
        .innerJoin('software_catalog as c', 'c.id', 's.catalog_id')
        .select(['s.id', 'c.name', 's.version', 's.installed_at', 's.modified', 's.deleted_at'])
        .where('s.device_id', '=', deviceId)
        .orderBy('s.id')
        .execute();
    },

    /** Software titles by name, adding the missing ones (the catalog is shared by every account). */
    async softwareCatalogIds(entries: readonly { name: string; publisher: string; software_type: string }[]): Promise<Map<string, number>> {
      if (entries.length === 0) return new Map();
      const ids = new Map<string, number>();
      for (const chunk of statementChunks(entries)) {
        await db.insertInto('software_catalog').values(chunk).onConflict((oc) => oc.column('name').doNothing()).execute();
        const rows = await db.selectFrom('software_catalog').select(['id', 'name']).where('name', 'in', chunk.map((e) => e.name)).execute();
        for (const r of rows) ids.set(r.name, r.id);
      }
      return ids;
    },

    async patchesOf(deviceId: number) {
      return db
        .selectFrom('device_patches as p')
        .innerJoin('patch_catalog as c', 'c.id', 'p.patch_catalog_id')
        .select(['p.id', 'p.patch_catalog_id', 'p.policy', 'p.status', 'p.installed_at'])
        .where('p.device_id', '=', deviceId)
        .orderBy('p.id')
        .execute();
    },

    /**
     * Catalog ids of patches by the agent's key: an entry with the key, else one with the same title
     * (catalogued before agents reported keys), else a new entry.
     */
    async patchCatalogIds(entries: readonly { key: string; title: string; product: string; severity: number }[]): Promise<Map<string, number>> {
      const ids = new Map<string, number>();
      if (entries.length === 0) return ids;
      const byKey = await db.selectFrom('patch_catalog').select(['id', 'patch_key']).where('patch_key', 'in', entries.map((e) => e.key)).execute();
      for (const row of byKey) ids.set(row.patch_key!, row.id);
      const missing = entries.filter((e) => !ids.has(e.key));
      if (missing.length === 0) return ids;
      const byTitle = await db.selectFrom('patch_catalog').select(['id', 'title']).where('title', 'in', missing.map((e) => e.title)).execute();
      const titleIds = new Map(byTitle.map((r) => [r.title, r.id]));
      for (const entry of missing) {
        let id = titleIds.get(entry.title);
        if (id === undefined) {
          await db
            .insertInto('patch_catalog')
            .values({ title: entry.title, product: entry.product, severity: entry.severity, url: '', released_at: null, uninstallable: 0, patch_key: entry.key })
            .onConflict((oc) => oc.doNothing())
            .execute();
          id = (await db.selectFrom('patch_catalog').select('id').where((eb) => eb.or([eb('patch_key', '=', entry.key), eb('title', '=', entry.title)])).executeTakeFirstOrThrow()).id;
          titleIds.set(entry.title, id);
        }
        ids.set(entry.key, id);
      }
      return ids;
    },

    async saveAntivirus(row: DeviceAntivirusTable): Promise<void> {
      const { device_id: _, ...changes } = row;
      await db.insertInto('device_antivirus').values(row).onConflict((oc) => oc.column('device_id').doUpdateSet(changes)).execute();
    },

    async mavScansByKey(deviceId: number, keys: readonly string[]) {
      if (keys.length === 0) return [];
      return db.selectFrom('mav_scans').select(['id', 'scan_key']).where('device_id', '=', deviceId).where('scan_key', 'in', [...keys]).execute();
    },

    async mavThreatsOf(scanIds: readonly number[]) {
      if (scanIds.length === 0) return [];
      return db.selectFrom('mav_threats').select(['id', 'scan_id', 'name', 'status']).where('scan_id', 'in', [...scanIds]).orderBy('id').execute();
    },

    async mavQuarantineByGuid(deviceId: number, guids: readonly string[]) {
      const found = [];
      // A report's threats are bounded by its size, not by the list limit: look them up 10,000 at a time.
      for (let i = 0; i < guids.length; i += 10_000) {
        found.push(...(await db.selectFrom('mav_quarantine').select(['id', 'guid', 'statusid']).where('device_id', '=', deviceId).where('guid', 'in', guids.slice(i, i + 10_000)).execute()));
      }
      return found;
    },

    /** The latest backup session of one plugin that started before `before` (the base of size_change). */
    async previousBackup(deviceId: number, plugin: string, before: number) {
      return db
        .selectFrom('mob_sessions')
        .select(['selection_size', 'started_at'])
        .where('device_id', '=', deviceId)
        .where('type', '=', 'BACKUP')
        .where('plugin', '=', plugin)
        .where('started_at', '<', before)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** Sessions of the device that started at these times (a session reported twice is stored once). */
    async sessionsStartedAt(deviceId: number, startedAt: readonly number[]) {
      if (startedAt.length === 0) return [];
      return db.selectFrom('mob_sessions').select(['type', 'plugin', 'started_at']).where('device_id', '=', deviceId).where('started_at', 'in', [...startedAt]).execute();
    },

    async adUsersOf(deviceId: number) {
      return db
        .selectFrom('ad_users')
        .select(['id', 'object_guid', 'status', 'samaccountname', 'displayname', 'mail', 'department', 'title', 'last_logon_at', 'enabled'])
        .where('device_id', '=', deviceId)
        .orderBy('id')
        .execute();
    },
  };
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;
