import SQLite from 'better-sqlite3';
import { MIGRATION_TABLE, migrationStatus, type MigrationStatus } from './migrate.js';

export type CopyProgress = { totalPages: number; remainingPages: number; restarts: number };

/** Pages copied per step (16 MiB at SQLite's 4 KiB pages): small enough for progress, large enough to be quick. */
const PAGES_PER_STEP = 4096;
/**
 * SQLite restarts an online backup when another connection writes to the source between two steps. A
 * server writing all the time could keep a stepwise copy restarting for ever, so after this many restarts
 * the rest is copied in one step: one read transaction, which in WAL mode never blocks the server's writes.
 */
const RESTARTS_BEFORE_ONE_STEP = 2;
/** sqlite3_backup_step's "every remaining page" as better-sqlite3 accepts it (its largest page count). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database open on `source` to `targetPath` with SQLite's online backup API: a consistent
 * snapshot of the source as of the last step, taken while other connections (a running server, other
 * processes) go on reading and writing it. The target is written through SQLite's own locking, in one
 * transaction, so it may be a database another connection has open; a new target that fails part-way is
 * deleted by the driver.
 */
export async function copySqliteDatabase(
  source: SQLite.Database,
  targetPath: string,
  options: { onProgress?: (progress: CopyProgress) => void; pagesPerStep?: number } = {},
): Promise<{ totalPages: number; restarts: number }> {
  const pagesPerStep = options.pagesPerStep ?? PAGES_PER_STEP;
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  const result = await source.backup(targetPath, {
    progress: ({ totalPages, remainingPages }) => {
      // The remaining count only goes down, unless SQLite started again from the first page.
      if (remainingPages > lastRemaining) restarts++;
      lastRemaining = remainingPages;
      options.onProgress?.({ totalPages, remainingPages, restarts });
      return restarts >= RESTARTS_BEFORE_ONE_STEP ? ALL_PAGES : pagesPerStep;
    },
  });
  options.onProgress?.({ totalPages: result.totalPages, remainingPages: 0, restarts });
  return { totalPages: result.totalPages, restarts };
}

/** What a SQLite file holds, as far as `backup` and `restore` care. */
export type SqliteInspection =
  | { kind: 'sightline'; migrations: MigrationStatus; integrity: string; pageSize: number; pageCount: number }
  /** Opens as SQLite, but has no migrations table: some other program's database. */
  | { kind: 'other-sqlite' }
  | { kind: 'not-sqlite'; reason: string };

/**
 * Opens a SQLite file read-only and reports whether it is a Sightline database, where its migrations
 * stand, and (with `check`) the result of `PRAGMA quick_check` ("ok" when sound), which reads every page.
 */
export function inspectSqliteFile(path: string, options: { check: boolean }): SqliteInspection {
  let db: SQLite.Database;
  try {
    db = new SQLite(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (error) {
    return { kind: 'not-sqlite', reason: (error as Error).message };
  }
  try {
    const table = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(MIGRATION_TABLE);
    if (!table) return { kind: 'other-sqlite' };
    const applied = db.prepare(`select name from ${MIGRATION_TABLE} order by name`).pluck().all() as string[];
    const integrity = options.check ? (db.pragma('quick_check') as { quick_check: string }[]).map((row) => row.quick_check).join('; ') : 'not checked';
    return {
      kind: 'sightline',
      migrations: migrationStatus(applied),
      integrity,
      pageSize: db.pragma('page_size', { simple: true }) as number,
      pageCount: db.pragma('page_count', { simple: true }) as number,
    };
  } catch (error) {
    // "file is not a database" surfaces on the first read, not on open.
    return { kind: 'not-sqlite', reason: (error as Error).message };
  } finally {
    db.close();
  }
}

/**
 * Whether another connection (a running server, another command) has the database open. Sightline
 * databases are in WAL mode, where every open connection holds a shared lock on the wal-index, so an
 * exclusive lock can only be had when nobody else has the file open: asking for one, without waiting,
 * is the probe. It writes nothing.
 */
export function isSqliteOpenElsewhere(path: string): boolean {
  const db = new SQLite(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('rollback');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

/** Opens a source database for a backup: read-only, never created, waiting briefly for a lock. */
export function openSqliteSource(path: string): SQLite.Database {
  return new SQLite(path, { readonly: true, fileMustExist: true, timeout: 5000 });
}

/**
 * Turns a finished copy into one self-contained file: rollback-journal mode (a WAL-mode file needs its
 * -wal and -shm beside it to be opened read-only; `serve` switches it back to WAL on open).
 */
export function makeSelfContained(path: string): void {
  const db = new SQLite(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}
