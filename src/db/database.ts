import { Kysely, sql, type LogEvent } from 'kysely';
import type { SqliteSynchronous } from '../config.js';
import { type BulkInsert, createDialect, type DialectName } from './dialect.js';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrate.js';

export type Db = Kysely<Database>;

export type DatabaseHandle = {
  db: Db;
  dialect: DialectName;
  /** Where it lives, for messages; a PostgreSQL URL has its password removed. */
  location: string;
  /**
   * Refreshes the query planner's statistics (`ANALYZE`, the same statement on both databases). Run it
   * after bulk loads: statistics taken before one (SQLite's `PRAGMA optimize` on open, PostgreSQL's
   * autovacuum later) can make the planner pick the scope's account index and read a whole account.
   */
  refreshStatistics(): Promise<void>;
  /** Fast many-row inserts for the demo-data generator (see dialect.ts); the seed repository's alone. */
  bulkInsert: BulkInsert;
  close(): Promise<void>;
};

export type OpenOptions = {
  migrate?: boolean;
  /** Called after every query (Kysely's `log` hook): tests count queries; a profiler could time them. */
  onQuery?: (event: LogEvent) => void;
  /** SQLite's `synchronous` for this connection (config's SIGHTLINE_SQLITE_SYNCHRONOUS); NORMAL by default. */
  sqliteSynchronous?: SqliteSynchronous;
};

/** Opens SQLite (a file path) or PostgreSQL (a `postgres://` URL) and brings the schema up to date. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const handle = createDialect(url, options.sqliteSynchronous);
  const db = new Kysely<Database>({ dialect: handle.dialect, ...(options.onQuery ? { log: options.onQuery } : {}) });
  if (options.migrate !== false) await migrateToLatest(db, handle.name);
  return {
    db,
    dialect: handle.name,
    location: redactUrl(url),
    refreshStatistics: async () => {
      await sql`analyze`.execute(db);
    },
    bulkInsert: handle.bulkInsert,
    close: () => db.destroy(),
  };
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
