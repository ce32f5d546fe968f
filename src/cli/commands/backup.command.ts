import { chmodSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../../config.js';
import { redactUrl } from '../../db/database.js';
import { dialectNameOf } from '../../db/dialect.js';
import { describeMigrationStatus, type MigrationStatus } from '../../db/migrate.js';
import { dumpPostgres, migrationsInDump, PostgresToolError, postgresTarget, restorePostgres } from '../../db/postgres-dump.js';
import { copySqliteDatabase, inspectSqliteFile, isSqliteOpenElsewhere, makeSelfContained, openSqliteSource, type CopyProgress } from '../../db/sqlite-backup.js';
import { CommandError, UsageError, type GlobalOptions } from '../context.js';

type BackupOptions = GlobalOptions & { to: string; force?: boolean };
type RestoreOptions = GlobalOptions & { from: string; force?: boolean };

/** Copies at least this large show a progress bar on stderr. */
const PROGRESS_FROM_BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

/**
 * `backup` and `restore`. SQLite: SQLite's online backup API (better-sqlite3), safe while servers write
 * to the database. PostgreSQL: pg_dump and pg_restore, run for the operator (src/db/postgres-dump.ts).
 */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Copy a live database to a file, consistently, while servers keep running (SQLite: the online backup API; PostgreSQL: pg_dump)')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: SIGHTLINE_DB or ./data/sightline.db)')
    .requiredOption('--to <file>', 'the backup file to write (a SQLite database, or a pg_dump custom-format archive)')
    .option('--force', 'replace --to if it exists')
    .action(async (options: BackupOptions) => {
      const db = databaseOf(options);
      const to = resolve(options.to);
      if (existsSync(to) && !options.force) throw new UsageError(`${options.to} exists: name a new file, or pass --force to replace it`);
      mkdirSync(dirname(to), { recursive: true });
      // Written beside the target and renamed at the end: --to never holds a half-written backup.
      const partial = `${to}.partial-${process.pid}`;
      const started = performance.now();
      try {
        const summary = dialectNameOf(db) === 'postgres' ? await backupPostgres(db, partial) : await backupSqlite(db, to, partial);
        // It holds what the database holds (password and key hashes, audit log): readable by its owner only.
        chmodSync(partial, 0o600);
        renameSync(partial, to);
        console.log(`Backed up ${redactUrl(db)} to ${options.to} in ${seconds(started)}: ${summary}`);
      } finally {
        rmSync(partial, { force: true });
      }
    });

  program
    .command('restore')
    .description('Restore a backup into a database (SQLite: the online backup API; PostgreSQL: pg_restore). `serve --db BACKUP` also runs a SQLite backup as it is')
    .requiredOption('--from <file>', 'a file written by `sightline backup`')
    .option('--db <path|url>', 'the database to restore into (default: SIGHTLINE_DB or ./data/sightline.db)')
    .option('--force', 'replace a database that exists, even one a server has open (restart that server afterwards)')
    .action(async (options: RestoreOptions) => {
      const db = databaseOf(options);
      if (!existsSync(options.from)) throw new UsageError(`no backup at ${options.from}`);
      const started = performance.now();
      const summary = dialectNameOf(db) === 'postgres' ? await restoreIntoPostgres(options, db) : await restoreIntoSqlite(options, db);
      console.log(`Restored ${options.from} into ${redactUrl(db)} in ${seconds(started)}: ${summary}`);
    });
}

async function backupSqlite(db: string, to: string, partial: string): Promise<string> {
  if (!existsSync(db)) throw new UsageError(`no database at ${db}`);
  if (resolve(db) === to || (existsSync(to) && realpathSync(to) === realpathSync(db))) throw new UsageError('--to must be another file than the database');
  const source = inspectSqliteFile(db, { check: false });
  if (source.kind === 'not-sqlite') throw new CommandError(`${db} is not a SQLite database: ${source.reason}`);
  if (source.kind === 'other-sqlite') throw new CommandError(`${db} is not a Sightline database (it has no migrations table)`);

  const connection = openSqliteSource(db);
  let copied: { totalPages: number; restarts: number };
  try {
    copied = await withProgress(source, (onProgress) => copySqliteDatabase(connection, partial, { onProgress }));
  } finally {
    connection.close();
  }
  makeSelfContained(partial);
  const copy = inspectSqliteFile(partial, { check: true });
  if (copy.kind !== 'sightline' || copy.integrity !== 'ok') {
    throw new CommandError(`the copy failed its integrity check (${copy.kind === 'sightline' ? copy.integrity : copy.kind}); ${db} was not changed`);
  }
  const restarted = copied.restarts > 0 ? `, restarted ${copied.restarts}x by concurrent writes` : '';
  return `${mib(copy.pageCount * copy.pageSize)}, integrity ok, migrations ${describeMigrationStatus(copy.migrations)}${restarted}`;
}

async function backupPostgres(url: string, partial: string): Promise<string> {
  await toolStep(() => dumpPostgres(url, partial));
  const migrations = await toolStep(() => migrationsInDump(partial));
  if (!migrations) throw new CommandError(`${redactUrl(url)} is not a Sightline database (the dump has no migrations table)`);
  return `pg_dump custom format, migrations ${describeMigrationStatus(migrations)}`;
}

async function restoreIntoSqlite(options: RestoreOptions, db: string): Promise<string> {
  const backup = inspectSqliteFile(options.from, { check: true });
  if (backup.kind === 'not-sqlite') throw new UsageError(`${options.from} is not a SQLite backup (${backup.reason}); a pg_dump archive restores into a postgres:// --db`);
  if (backup.kind === 'other-sqlite') throw new UsageError(`${options.from} is not a Sightline database (it has no migrations table)`);
  refuseNewerMigrations(options.from, backup.migrations);
  if (backup.integrity !== 'ok') throw new CommandError(`${options.from} fails its integrity check: ${backup.integrity}`);
  if (existsSync(db) && realpathSync(db) === realpathSync(options.from)) throw new UsageError('--from and --db are the same file');

  let replaced = false;
  if (existsSync(db)) {
    if (isSqliteOpenElsewhere(db)) {
      if (!options.force) throw new UsageError(`${db} is open in another process (a running server?): stop it first, or pass --force to overwrite it in place`);
      replaced = true;
    } else if (!options.force) {
      throw new UsageError(`${db} exists: pass --force to replace it with the backup`);
    }
  } else {
    mkdirSync(dirname(resolve(db)), { recursive: true });
  }
  const source = openSqliteSource(options.from);
  try {
    await withProgress(backup, (onProgress) => copySqliteDatabase(source, db, { onProgress }));
  } finally {
    source.close();
  }
  const behind = backup.migrations.state === 'behind' ? ' (the next `serve` applies the missing migrations)' : '';
  const restart = replaced ? '. A server had it open: restart it now, its caches still hold the old data' : '';
  return `${mib(backup.pageCount * backup.pageSize)}, migrations ${describeMigrationStatus(backup.migrations)}${behind}${restart}`;
}

async function restoreIntoPostgres(options: RestoreOptions, url: string): Promise<string> {
  const migrations = await toolStep(() => migrationsInDump(options.from));
  if (!migrations) throw new UsageError(`${options.from} is not a pg_dump archive of a Sightline database`);
  refuseNewerMigrations(options.from, migrations);
  const target = await postgresTarget(url);
  if (target.otherSessions > 0 && !options.force) {
    throw new UsageError(`${redactUrl(url)} has ${target.otherSessions} other session(s) (a running server?): stop them first, or pass --force`);
  }
  if (target.hasSightline && !options.force) throw new UsageError(`${redactUrl(url)} already holds a Sightline database: pass --force to replace it`);
  await toolStep(() => restorePostgres(options.from, url, { replace: target.hasSightline }));
  return `migrations ${describeMigrationStatus(migrations)}`;
}

/** A backup from a newer Sightline has tables and rules this version does not know: restore it with that version. */
function refuseNewerMigrations(file: string, status: MigrationStatus): void {
  if (status.state === 'unknown') throw new UsageError(`${file} has ${describeMigrationStatus(status)}; restore it with the Sightline that wrote it`);
}

/** Runs a PostgreSQL tool step, turning its failure into a one-line command error. */
async function toolStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof PostgresToolError) throw new CommandError(error.message);
    throw error;
  }
}

/** Runs a copy, with a progress bar on stderr when it is large (every 5 s when stderr is not a terminal). */
async function withProgress<T>(
  size: { pageCount: number; pageSize: number },
  copy: (onProgress?: (progress: CopyProgress) => void) => Promise<T>,
): Promise<T> {
  const inMib = (pages: number) => Math.ceil((pages * size.pageSize) / MIB);
  if (size.pageCount * size.pageSize < PROGRESS_FROM_BYTES) return copy();
  const bar = new SingleBar(
    { format: 'Copying [{bar}] {percentage}% | {value}/{total} MiB | {duration}s{restarts}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  bar.start(inMib(size.pageCount), 0, { restarts: '' });
  try {
    return await copy(({ totalPages, remainingPages, restarts }) => {
      // The database may grow while it is copied.
      bar.setTotal(inMib(totalPages));
      bar.update(inMib(totalPages - remainingPages), { restarts: restarts > 0 ? ` | restarted ${restarts}x by concurrent writes` : '' });
    });
  } finally {
    bar.stop();
  }
}

/** `--db`, or SIGHTLINE_DB, or the default file, as every command reads it. */
const databaseOf = (options: GlobalOptions) => loadConfig(process.env, options.db ? { db: options.db } : {}).db;
const seconds = (started: number) => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
