import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Dialect, type Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from 'kysely';
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
  // Without statistics the planner takes the scope's (account_id, id) index for every query and reads
  // the whole account (80 ms for one client's failing checks at 50,000 devices). `optimize` runs a
  // bounded ANALYZE where the tables changed enough; SQLite recommends it on open and periodically.
  sqlite.pragma('optimize = 0x10002');
  const optimizer = setInterval(() => sqlite.pragma('optimize'), OPTIMIZE_INTERVAL_MS).unref();
  const database = withStatementCache(sqlite, () => clearInterval(optimizer));
  return { name: 'sqlite', dialect: new SqliteDialect({ database }), sqlite };
}

const OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;

/** Prepared statements kept per connection; more distinct SQL texts than this (IN lists of many sizes) are rare. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning) costs more than
 * running most of our indexed queries. Repositories build the same SQL text for every call, so the
 * compiled statement is kept by its text (least recently used evicted). Safe because Kysely holds the
 * single connection for the whole of each query (a statement is never used by two queries at once).
 */
function withStatementCache(sqlite: SQLite.Database, onClose: () => void): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      onClose();
      sqlite.close();
    },
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
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

export type RowTrigger = {
  /** Trigger name (and, on PostgreSQL, its function's name). */
  name: string;
  table: string;
  /** When it fires: after each inserted, deleted, or updated row (optionally only when these columns change). */
  event: 'insert' | 'delete' | { update: readonly string[] };
  /** Statements run for each row, written in SQL both databases accept; they may use NEW and OLD. */
  statements: readonly string[];
};

/** Creates an AFTER … FOR EACH ROW trigger: a trigger body on SQLite, a plpgsql function on PostgreSQL. */
export async function createRowTrigger(db: Kysely<any>, name: DialectName, trigger: RowTrigger): Promise<void> {
  const event = typeof trigger.event === 'string' ? trigger.event.toUpperCase() : `UPDATE OF ${trigger.event.update.join(', ')}`;
  const body = trigger.statements.map((statement) => `${statement};`).join(' ');
  if (name === 'postgres') {
    await sql.raw(`CREATE FUNCTION ${trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NULL; END $$`).execute(db);
    await sql.raw(`CREATE TRIGGER ${trigger.name} AFTER ${event} ON ${trigger.table} FOR EACH ROW EXECUTE FUNCTION ${trigger.name}()`).execute(db);
  } else {
    await sql.raw(`CREATE TRIGGER ${trigger.name} AFTER ${event} ON ${trigger.table} FOR EACH ROW BEGIN ${body} END`).execute(db);
  }
}
