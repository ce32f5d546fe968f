import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsFrom } from '../../src/db/dialect.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient, makeDevice, makeSite } from '../factories.js';

/** Values the PostgreSQL array literal and SQLite binding must carry unchanged. */
const AWKWARD = ['plain', 'quote " and \' apostrophe', 'back\\slash', '{braces},commas', 'NULL', '', 'émoji 🚀', 'line\nbreak'];

describe.each(DIALECTS)('bulk insert (seeding) on %s', (dialect) => {
  let database: TestDatabase;
  let owner: { account_id: number; client_id: number; device_id: number };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const { account } = await makeAccount(database, 'bulk');
    const client = await makeClient(database, account.id, 'Bulk Client');
    const site = await makeSite(database, account.id, client.id, 'HQ');
    const device = await makeDevice(database, { accountId: account.id, clientId: client.id, siteId: site.id }, 'workstation', 'BULK-WS01');
    owner = { account_id: account.id, client_id: client.id, device_id: device.id };
  });
  afterAll(() => database.drop());

  it('stores every value unchanged and returns the rows in insertion order', async () => {
    const rows = AWKWARD.map((name, i) => ({ name: `${name} #${i}`, publisher: name, software_type: 'All' }));
    const returned = await database.bulkInsert<{ id: number; name: string }>(database.db, 'software_catalog', rows, ['id', 'name']);
    expect(returned.map((r) => r.name)).toEqual(rows.map((r) => r.name));
    expect(returned.map((r) => r.id)).toEqual([...returned.map((r) => r.id)].sort((a, b) => a - b));
    const stored = await database.db.selectFrom('software_catalog').select(['id', 'name', 'publisher']).orderBy('id').execute();
    expect(stored).toEqual(returned.map((r, i) => ({ id: r.id, name: r.name, publisher: AWKWARD[i] })));
  });

  it('stores nulls and integers, in batches larger than one statement would bind', async () => {
    const [catalog] = await database.bulkInsert<{ id: number }>(database.db, 'software_catalog', [{ name: 'Big', publisher: '', software_type: 'All' }], ['id']);
    const rows = Array.from({ length: 25_000 }, (_, i) => ({
      ...owner, catalog_id: catalog!.id, version: `1.${i}`, installed_at: i % 3 === 0 ? null : 1_700_000_000 + i, modified: i % 2, deleted_at: null,
    }));
    await database.bulkInsert(database.db, 'device_software', rows);
    const stored = await database.db.selectFrom('device_software').select(['version', 'installed_at', 'modified', 'deleted_at']).orderBy('id').execute();
    expect(stored).toEqual(rows.map(({ version, installed_at, modified, deleted_at }) => ({ version, installed_at, modified, deleted_at })));
  });

  it('takes part in the surrounding transaction: a failure later in it leaves nothing behind', async () => {
    const before = await database.db.selectFrom('software_catalog').select('id').execute();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await database.bulkInsert(trx, 'software_catalog', [{ name: 'Rolled back', publisher: '', software_type: 'All' }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await database.db.selectFrom('software_catalog').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses rows whose columns differ instead of storing defaults or dropping values', async () => {
    await expect(
      database.bulkInsert(database.db, 'software_catalog', [{ name: 'A', publisher: '', software_type: 'All' }, { name: 'B', publisher: '' }]),
    ).rejects.toThrow(/different columns/);
  });

  it('reads rows as a table (rowsFrom) with every value unchanged, nulls included, whatever their number', async () => {
    for (const count of [1, AWKWARD.length, 700]) {
      const rows = Array.from({ length: count }, (_, i) => [i, i % 3 === 0 ? null : 2 ** 40 + i, AWKWARD[i % AWKWARD.length]!, i % 5 === 0 ? null : `${i}`]);
      const { rows: read } = await sql<{ column1: number; column2: number | null; column3: string; column4: string | null }>`
        select v.column1, v.column2, v.column3, v.column4 from ${rowsFrom(dialect, 'v', ['integer', 'bigint', 'text', 'text'], rows)} order by v.column1`.execute(database.db);
      expect(read.map((r) => [Number(r.column1), r.column2 === null ? null : Number(r.column2), r.column3, r.column4])).toEqual(rows);
    }
  });
});
