import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient } from '../factories.js';

// On SQLite, reading statements hand their rows over as arrays that src/db/dialect.ts turns into objects
// (faster than better-sqlite3's own objects). The objects must be what the driver would have made.
describe.each(DIALECTS)('rows as objects on %s', (dialect) => {
  let database: TestDatabase;
  let accountId: number;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    accountId = (await makeAccount(database, 'rows')).account.id;
    await makeClient(database, accountId, 'Acme "Ltd"');
    await makeClient(database, accountId, 'Émoji 🚀');
  });
  afterAll(() => database.drop());

  it('has the selected keys in column order, with their values, in a fresh object per row and call', async () => {
    const read = () =>
      database.db
        .selectFrom('clients')
        .select(['name', 'id', 'timezone', 'server_count'])
        .select(sql<null>`null`.as('nothing'))
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute();
    const first = await read();
    expect(first.map((r) => Object.keys(r))).toEqual([
      ['name', 'id', 'timezone', 'server_count', 'nothing'],
      ['name', 'id', 'timezone', 'server_count', 'nothing'],
    ]);
    expect(first.map(({ name, timezone, server_count, nothing }) => ({ name, timezone, server_count, nothing }))).toEqual([
      { name: 'Acme "Ltd"', timezone: '', server_count: 0, nothing: null },
      { name: 'Émoji 🚀', timezone: '', server_count: 0, nothing: null },
    ]);
    (first[0] as { name: string }).name = 'changed';
    expect((await read())[0]!.name).toBe('Acme "Ltd"');
    expect(Object.getPrototypeOf(first[0])).toBe(Object.prototype);
  });

  it('keeps the later of two columns of the same name, as the drivers do', async () => {
    const rows = await sql<{ v: number }>`select 1 as v, 2 as v`.execute(database.db);
    expect(rows.rows).toEqual([{ v: 2 }]);
  });

  it('reads a column named __proto__ as a key, not as the prototype', async () => {
    const rows = await sql<Record<string, number>>`select 7 as "__proto__", 8 as other`.execute(database.db);
    expect(Object.getPrototypeOf(rows.rows[0])).not.toBe(7);
    expect(rows.rows[0]!.other).toBe(8);
  });

  it('reads the columns a table has after a schema change', async () => {
    await sql`create table row_shape (a integer)`.execute(database.db);
    await sql`insert into row_shape (a) values (1)`.execute(database.db);
    const read = () => sql<Record<string, number>>`select * from row_shape`.execute(database.db);
    expect((await read()).rows).toEqual([{ a: 1 }]);
    await sql`alter table row_shape add column b integer default 2`.execute(database.db);
    expect((await read()).rows).toEqual([{ a: 1, b: 2 }]);
  });

  it('returns the rows of a write with RETURNING', async () => {
    const row = await database.db
      .insertInto('clients')
      .values({ account_id: accountId, name: 'Returned' })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    expect(Object.keys(row)).toEqual(['id', 'name']);
    expect(row.name).toBe('Returned');
  });
});
