import {
  type ColumnDefinitionBuilder, type CreateTableBuilder, type Dialect, type Kysely, PostgresDialect, type RawBuilder, sql,
  SqliteDialect, type SqliteDatabase, type SqliteStatement,
} from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteSynchronous } from '../config.js';
import { objectLiteralOf } from './object-literal.js';
import { createPostgresPool } from './postgres-pool.js';

/**
 * Every difference between SQLite and PostgreSQL lives in this file and in postgres-pool.ts (how queries
 * reach PostgreSQL's connections); everything else is dialect-agnostic.
 * Decisions: times are integer epoch seconds (bigint), flags 0/1 integers, ids 64-bit integers.
 */
export type DialectName = 'sqlite' | 'postgres';

// pg returns int8 (bigint, count(*)) as strings; every value we store fits in a double.
pg.types.setTypeParser(20, Number);
// numeric (sum() over integers) likewise.
pg.types.setTypeParser(1700, Number);

/**
 * Connections of one server process to PostgreSQL: transactions take one each (at most this many at
 * once); every query outside a transaction shares a few pipelined ones (postgres-pool.ts).
 */
const PG_TRANSACTION_CONNECTIONS = 10;
const PG_SHARED_CONNECTIONS = 2;

/**
 * Transactions ingestion may hold at once. On PostgreSQL two transaction connections stay free for the
 * API's and the dashboard's writes (reads never wait for one: they share the pipelined connections).
 * SQLite has one connection and serialises anyway.
 */
export function ingestConcurrency(dialect: DialectName): number {
  return dialect === 'postgres' ? PG_TRANSACTION_CONNECTIONS - 2 : Number.POSITIVE_INFINITY;
}

export function dialectNameOf(url: string): DialectName {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

export type DialectHandle = { name: DialectName; dialect: Dialect; bulkInsert: BulkInsert; sqlite?: SQLite.Database };

/** Opens the driver for a SQLite path or a PostgreSQL URL. */
export function createDialect(url: string, sqliteSynchronous: SqliteSynchronous = 'NORMAL'): DialectHandle {
  if (dialectNameOf(url) === 'postgres') {
    const pool = createPostgresPool(url, { transactions: PG_TRANSACTION_CONNECTIONS, shared: PG_SHARED_CONNECTIONS });
    return { name: 'postgres', dialect: new PostgresDialect({ pool }), bulkInsert: postgresBulkInsert() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  // WAL lets readers run while a writer commits, and lets several server processes share the file.
  sqlite.pragma('journal_mode = WAL');
  // NORMAL unless configured (SIGHTLINE_SQLITE_SYNCHRONOUS): see SQLITE_SYNCHRONOUS in config.ts.
  sqlite.pragma(`synchronous = ${sqliteSynchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // Without statistics the planner takes the scope's (account_id, id) index for every query and reads
  // the whole account (80 ms for one client's failing checks at 50,000 devices). `optimize` runs a
  // bounded ANALYZE where the tables changed enough; SQLite recommends it on open and periodically.
  sqlite.pragma('optimize = 0x10002');
  const optimizer = setInterval(() => sqlite.pragma('optimize'), OPTIMIZE_INTERVAL_MS).unref();
  const database = withStatementCache(sqlite, () => clearInterval(optimizer));
  return { name: 'sqlite', dialect: new SqliteDialect({ database }), bulkInsert: sqliteBulkInsert(sqlite), sqlite };
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
const SCHEMA_CHANGE = /^\s*(create|alter|drop)\b/i;

function withStatementCache(sqlite: SQLite.Database, onClose: () => void): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
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
        // A schema change can change what `select *` returns: start again with statements prepared after it.
        if (SCHEMA_CHANGE.test(text)) statements.clear();
        statement = withRowsFromArrays(sqlite.prepare(text));
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

/**
 * A reading statement whose rows better-sqlite3 hands over as arrays and this turns into objects: the
 * same objects (keys in column order, a later duplicate name winning) for much less CPU, because
 * better-sqlite3 builds each object property by property in C++. The objects are made by a function
 * holding one object literal of the statement's columns, generated once per statement: every row then
 * has the same layout from the start. Measured per row: 18 columns (list_devices_at_client) 4.7 µs as
 * better-sqlite3 objects, 2.8 µs as arrays plus the literal; 64 columns (list_workstations) 2.2 µs to
 * build from an array key by key, 0.1 µs through the literal.
 */
function withRowsFromArrays(statement: SQLite.Statement): SqliteStatement {
  if (!statement.reader) return statement;
  const names = statement.columns().map((c) => c.name);
  // `__proto__` in a literal would set the prototype instead of a key: keep better-sqlite3's objects.
  if (names.includes('__proto__')) return statement;
  statement.raw(true);
  const toObject = objectLiteralOf(names);
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(toObject),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield toObject(values);
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

/**
 * A table whose rows are found by their primary key alone (dense history): on SQLite, WITHOUT ROWID stores
 * the rows in the key's own b-tree instead of a rowid table plus a key index (a third smaller, faster to
 * fill); PostgreSQL has no such option and needs none.
 */
export function withoutRowId<T extends string, C extends string>(name: DialectName, table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
  return name === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table;
}

/** A foreign key to another table's `id`. */
export function reference(table: string, onDelete: 'cascade' | 'restrict' = 'cascade') {
  return (col: ColumnDefinitionBuilder) => col.notNull().references(`${table}.id`).onDelete(onDelete);
}

/** The SQL type of a column of `rowsFrom`. */
export type RowsColumnType = 'bigint' | 'integer' | 'text';

/**
 * Rows for a statement to read as a table, `alias(column1, column2, …)` (`update … from ROWS where …`,
 * `insert … select … from ROWS`). On PostgreSQL one array per column through unnest: the statement has
 * as many parameters as columns and the same text however many rows, so it is prepared once and keeps
 * its plan (a VALUES list of N rows is a new statement for every N). On SQLite a VALUES list, whose
 * columns SQLite names column1, column2, ….
 */
export function rowsFrom(dialect: DialectName, alias: string, types: readonly RowsColumnType[], rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  if (dialect === 'postgres') {
    const arrays = types.map((type, i) => sql`${rows.map((row) => row[i] ?? null)}::${sql.raw(type)}[]`);
    return sql`unnest(${sql.join(arrays)}) as ${sql.raw(alias)}(${sql.raw(types.map((_, i) => `column${i + 1}`).join(', '))})`;
  }
  const values = rows.map((row) => sql`(${sql.join(types.map((type, i) => sql`cast(${row[i] ?? null} as ${sql.raw(type)})`))})`);
  return sql`(values ${sql.join(values)}) as ${sql.raw(alias)}`;
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

/**
 * Inserts many rows into one table, in their order, and returns the `returning` columns of each row in
 * that order. Every row must have the same columns. It runs in the transaction of `executor` when it is one.
 * The demo generator writes millions of rows; Kysely's multi-row VALUES statements spent most of the
 * time building, compiling and preparing statements of thousands of parameters, so each dialect gets
 * the fastest plain way its driver offers.
 */
export type BulkInsert = <R = Record<string, unknown>>(
  executor: Kysely<any>, table: string, rows: readonly object[], returning?: readonly string[],
) => Promise<R[]>;

/** The columns of a bulk insert: those of the first row, which every other row must have exactly. */
function bulkColumns(table: string, rows: readonly object[]): string[] {
  const columns = Object.keys(rows[0]!);
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) throw new Error(`Bulk insert into ${table}: rows have different columns`);
  }
  return columns;
}

/**
 * SQLite: one cached prepared single-row INSERT per table and column list, run row after row through
 * better-sqlite3 directly (several hundred thousand rows a second). It bypasses Kysely on purpose, so it
 * ignores `executor`: SQLite has one connection, so the statements run inside the transaction Kysely
 * has open on it, if any; better-sqlite3's `transaction()` makes each call atomic (a savepoint inside it).
 */
function sqliteBulkInsert(database: SQLite.Database): BulkInsert {
  const statements = new Map<string, SQLite.Statement>();
  let cacheRaised = false;
  // Seeding touches more index pages than SQLite's default 16 MB cache holds; 64 MB, but only on the
  // connection that bulk-inserts, so a serving process keeps its memory (the benchmark's RSS target).
  const raiseCache = () => {
    if (!cacheRaised) database.pragma('cache_size = -65536');
    cacheRaised = true;
  };
  const statementFor = (table: string, columns: string[], returning: readonly string[]) => {
    const key = `${table}(${columns.join()})${returning.join()}`;
    let statement = statements.get(key);
    if (!statement) {
      const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');
      statement = database.prepare(
        `insert into "${table}" (${quoted(columns)}) values (${columns.map(() => '?').join(', ')})` +
          (returning.length > 0 ? ` returning ${quoted(returning)}` : ''),
      );
      statements.set(key, statement);
    }
    return statement;
  };
  // Positional parameters: binding an array is cheaper than looking every name up in an object.
  const insertAll = database.transaction((statement: SQLite.Statement, columns: string[], rows: readonly object[], returning: boolean) => {
    const out: unknown[] = [];
    const values: unknown[] = new Array(columns.length);
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = (row as Record<string, unknown>)[columns[i]!];
      if (returning) out.push(statement.get(values));
      else statement.run(values);
    }
    return out;
  });
  return async <R>(_executor: Kysely<any>, table: string, rows: readonly object[], returning: readonly string[] = []) => {
    if (rows.length === 0) return [];
    raiseCache();
    const columns = bulkColumns(table, rows);
    return insertAll(statementFor(table, columns, returning), columns, rows, returning.length > 0) as R[];
  };
}

/** Rows per PostgreSQL bulk statement: bounds the size of the arrays sent at once. */
const POSTGRES_BULK_ROWS = 20000;

/**
 * PostgreSQL: `insert … select * from unnest($1::type[], $2::type[], …)` with one array per column, so a
 * statement has as many parameters as the table has columns however many rows it carries (one round
 * trip, a short statement to parse). The array types are the columns' own, read once per table.
 */
function postgresBulkInsert(): BulkInsert {
  const columnTypes = new Map<string, Map<string, string>>();
  const typesOf = async (executor: Kysely<any>, table: string) => {
    let types = columnTypes.get(table);
    if (!types) {
      const { rows } = await sql<{ name: string; type: string }>`
        select attname as name, format_type(atttypid, atttypmod) as type
        from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`.execute(executor);
      types = new Map(rows.map((r) => [r.name, r.type]));
      columnTypes.set(table, types);
    }
    return types;
  };
  return async <R>(executor: Kysely<any>, table: string, rows: readonly object[], returning: readonly string[] = []) => {
    if (rows.length === 0) return [];
    const columns = bulkColumns(table, rows);
    const types = await typesOf(executor, table);
    const out: R[] = [];
    for (let start = 0; start < rows.length; start += POSTGRES_BULK_ROWS) {
      const batch = rows.slice(start, start + POSTGRES_BULK_ROWS) as Record<string, unknown>[];
      const arrays = columns.map((column) => {
        const type = types.get(column);
        if (!type) throw new Error(`Bulk insert into ${table}: no column ${column}`);
        return sql`${batch.map((row) => row[column])}::${sql.raw(`${type}[]`)}`;
      });
      const result = await sql<R>`
        insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        select * from unnest(${sql.join(arrays)})
        ${returning.length > 0 ? sql`returning ${sql.join(returning.map((c) => sql.ref(c)))}` : sql``}`.execute(executor);
      out.push(...result.rows);
    }
    return out;
  };
}
