import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_STATEMENTS_PER_CONNECTION } from '../../src/db/dialect.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

/**
 * Both dialects keep prepared statements by SQL text (dialect.ts): SQLite in its handle, PostgreSQL as
 * named statements per connection. Whatever they keep, every query must answer as if prepared afresh.
 */
describe.each(DIALECTS)('prepared statements on %s', (dialect) => {
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
