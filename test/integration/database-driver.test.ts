import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_STATEMENTS_PER_CONNECTION } from '../../src/db/postgres-pool.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

/**
 * Both dialects keep prepared statements by SQL text (dialect.ts): SQLite in its handle, PostgreSQL as
 * named statements per connection; on PostgreSQL, queries outside transactions share pipelined
 * connections (postgres-pool.ts). Whatever they keep and share, every query must answer as if it ran
 * alone on a fresh connection.
 */
describe.each(DIALECTS)('the database driver on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());

  /** A statement whose text differs for each `variant` (so each is prepared on its own) and answers `value`. */
  const distinct = (variant: number, value: number) => sql<{ v: number; variant: number }>`select cast(${value} as integer) as v, ${sql.lit(variant)} as variant`;

  it('answers right through more distinct statements than a connection keeps, twice over, inside one transaction', async () => {
    const count = PG_STATEMENTS_PER_CONNECTION + 30;
    const kept = await database.db.transaction().execute(async (trx) => {
      for (let round = 0; round < 2; round++) {
        for (let variant = 0; variant < count; variant++) {
          const { rows } = await distinct(variant, variant * 10 + round).execute(trx);
          expect(rows).toEqual([{ v: variant * 10 + round, variant }]);
        }
      }
      // Statements evicted on the way were deallocated on this same connection without upsetting the transaction.
      if (dialect !== 'postgres') return 0;
      const { rows } = await sql<{ n: number }>`select count(*) as n from pg_prepared_statements`.execute(trx);
      return Number(rows[0]!.n);
    });
    if (dialect === 'postgres') {
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(PG_STATEMENTS_PER_CONNECTION);
    }
  });

  it('answers right through more distinct statements than a connection keeps, many at once, outside a transaction', async () => {
    const count = PG_STATEMENTS_PER_CONNECTION * 2 + 30;
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(Array.from({ length: count }, async (_, variant) => (await distinct(variant, variant + round).execute(database.db)).rows[0]));
      expect(answers).toEqual(Array.from({ length: count }, (_, variant) => ({ v: variant + round, variant })));
    }
  });

  it('fails only the query that fails among those running at once', async () => {
    const answers = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => sql<{ v: number }>`select cast(${i} as integer) / cast(${i % 7 === 3 ? 0 : 1} as integer) as v`.execute(database.db)),
    );
    answers.forEach((answer, i) => {
      // SQLite divides by zero into null; PostgreSQL refuses.
      if (i % 7 === 3) expect(answer.status === 'rejected' || (answer.status === 'fulfilled' && answer.value.rows[0]!.v === null)).toBe(true);
      else expect(answer).toMatchObject({ status: 'fulfilled', value: { rows: [{ v: i }] } });
    });
  });

  it('keeps a transaction on a connection of its own while other queries run', async () => {
    await sql`create table driver_probe (id integer primary key, n integer not null)`.execute(database.db);
    let outside: unknown[] = [];
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into driver_probe (id, n) values (${1}, ${10})`.execute(trx);
      // Not committed yet: queries outside the transaction do not see the row (SQLite's single connection
      // makes them wait for the transaction instead, so they are only started here and read after it).
      const reads = Promise.all(Array.from({ length: 8 }, () => sql<{ n: number }>`select n from driver_probe where id = ${1}`.execute(database.db)));
      if (dialect === 'postgres') outside = (await reads).flatMap((r) => r.rows);
      else void reads;
      expect((await sql<{ n: number }>`select n from driver_probe where id = ${1}`.execute(trx)).rows).toEqual([{ n: 10 }]);
    });
    expect(outside).toEqual([]);
    expect((await sql<{ n: number }>`select n from driver_probe where id = ${1}`.execute(database.db)).rows).toEqual([{ n: 10 }]);
  });

  it('runs one statement on several connections at once', async () => {
    const values = Array.from({ length: 40 }, (_, i) => i);
    const answers = await Promise.all(values.map(async (i) => (await distinct(-1, i).execute(database.db)).rows[0]!.v));
    expect(answers).toEqual(values);
  });

  it('answers rows as objects keyed in column order, a later duplicate name winning, nulls kept', async () => {
    const { rows } = await sql<Record<string, unknown>>`select cast(${1} as integer) as b, cast(${'x'} as text) as a, cast(${2} as integer) as b, null as c`.execute(database.db);
    expect(rows).toEqual([{ b: 2, a: 'x', c: null }]);
    expect(Object.keys(rows[0]!)).toEqual(['b', 'a', 'c']);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it('answers the new columns of `select *` after a table changed under a prepared statement', async () => {
    await sql`create table prepared_probe (id integer primary key, name text not null)`.execute(database.db);
    await sql`insert into prepared_probe (id, name) values (1, 'one')`.execute(database.db);
    const probe = () => database.db.selectFrom('prepared_probe' as never).selectAll().where('id' as never, '=', 1 as never).execute();
    // Every pooled connection prepares it (PostgreSQL: several times, so a generic plan is cached).
    for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 12 }, () => probe()));
    expect(await probe()).toEqual([{ id: 1, name: 'one' }]);

    await sql`alter table prepared_probe add column extra integer not null default 7`.execute(database.db);
    const after = await Promise.all(Array.from({ length: 12 }, () => probe()));
    for (const rows of after) expect(rows).toEqual([{ id: 1, name: 'one', extra: 7 }]);
  });
});

describe.each(DIALECTS.filter((d) => d === 'postgres'))('the PostgreSQL pool (%s)', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());

  const answer = async (i: number) => (await sql<{ v: number }>`select cast(${i} as integer) as v`.execute(database.db)).rows[0]!.v;

  it('opens new connections when PostgreSQL ends the ones it had', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => answer(i)));
    await database.db.transaction().execute(async (trx) => void (await sql`select 1`.execute(trx)));
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin.query('select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    await admin.end();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // The pool learns of the loss when the sockets close; from then on it answers from new connections.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await Promise.all(Array.from({ length: 20 }, (_, i) => answer(i)))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await database.db.transaction().execute(async (trx) => (await sql<{ v: number }>`select cast(${5} as integer) as v`.execute(trx)).rows)).toEqual([{ v: 5 }]);
  });

  it('keeps the session of db.connection() on one connection: a session lock is released where it was taken', async () => {
    const unlocked = await database.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${4242})`.execute(conn);
      // Other queries meanwhile, as a server has in flight.
      await Promise.all(Array.from({ length: 20 }, (_, i) => answer(i)));
      const inside = await conn.transaction().execute(async (trx) => (await sql<{ v: number }>`select cast(${1} as integer) as v`.execute(trx)).rows);
      expect(inside).toEqual([{ v: 1 }]);
      return (await sql<{ ok: boolean }>`select pg_advisory_unlock(${4242}) as ok`.execute(conn)).rows[0]!.ok;
    });
    expect(unlocked).toBe(true);
    // Nobody holds it any more: another session takes it at once.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    expect((await admin.query('select pg_try_advisory_lock(4242) as ok')).rows[0].ok).toBe(true);
    await admin.end();
  });

  it('keeps a few backends for many queries at once outside transactions', async () => {
    await Promise.all(Array.from({ length: 200 }, (_, i) => answer(i)));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database()`.execute(database.db);
    expect(rows[0]!.n).toBeLessThanOrEqual(4);
  });
});
