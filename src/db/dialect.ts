import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Dialect, PostgresDialect, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Every difference between SQLite and PostgreSQL lives in this file; everything else is dialect-agnostic.
 * Decisions: times are integer epoch seconds (bigint), flags 0/1 integers, ids 64-bit integers.
 */
export type DialectName = 'sqlite' | 'postgres';

// pg returns int8 (bigint, count(*)) as strings; every value we store fits in a double.
pg.types.setTypeParser(20, Number);
// numeric (sum() over integers) likewise.
pg.types.setTypeParser(1700, Number);

export function dialectNameOf(url: string): DialectName {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

export type DialectHandle = { name: DialectName; dialect: Dialect; sqlite?: SQLite.Database; pool?: pg.Pool };

/** Opens the driver for a SQLite path or a PostgreSQL URL. */
export function createDialect(url: string): DialectHandle {
  if (dialectNameOf(url) === 'postgres') {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return { name: 'postgres', dialect: new PostgresDialect({ pool }), pool };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  // WAL lets readers run while a writer commits, and lets several server processes share the file.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return { name: 'sqlite', dialect: new SqliteDialect({ database: sqlite }), sqlite };
}

/** Adds an auto-generated 64-bit primary key `id` (`autoIncrement()` is invalid on PostgreSQL). */
export function withIdColumn<T extends string, C extends string>(
  name: DialectName,
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | 'id'> {
  return name === 'postgres'
    ? table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (col) => col.primaryKey());
}

/** A foreign key to another table's `id`. */
export function reference(table: string, onDelete: 'cascade' | 'restrict' = 'cascade') {
  return (col: ColumnDefinitionBuilder) => col.notNull().references(`${table}.id`).onDelete(onDelete);
}

/** Largest number of bound parameters to put in one statement (SQLite's default limit is 32766). */
export const MAX_BIND_PARAMETERS = 30000;

/** Whether an error is a unique-constraint violation (SQLite: SQLITE_CONSTRAINT_UNIQUE, PostgreSQL: 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
