import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOnce } from '../../src/db/compiled-query.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient } from '../factories.js';

describe.each(DIALECTS)('queries compiled once (compileOnce) on %s', (dialect) => {
  let database: TestDatabase;
  let accountId: number;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    accountId = (await makeAccount(database, 'compiled')).account.id;
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta']) await makeClient(database, accountId, name);
  });
  afterAll(() => database.drop());

  const namesAfter = () =>
    compileOnce((args: { accountId: number; after: string; limit: number }) =>
      database.db
        .selectFrom('clients')
        .select('name')
        // A constant of the query itself stays as it was compiled; the arguments change per call.
        .where('account_id', '=', args.accountId)
        .where('name', '<>', 'Charlie')
        .where(sql<boolean>`name > ${args.after}`)
        .orderBy('name')
        .limit(args.limit),
    );

  it('binds each execution its own arguments, wherever they appear in the statement', async () => {
    const query = namesAfter();
    expect(await query.execute(database.db, { accountId, after: '', limit: 10 })).toEqual([{ name: 'Alpha' }, { name: 'Bravo' }, { name: 'Delta' }]);
    expect(await query.execute(database.db, { accountId, after: 'Alpha', limit: 1 })).toEqual([{ name: 'Bravo' }]);
    expect(await query.takeFirst(database.db, { accountId, after: 'Bravo', limit: 10 })).toEqual({ name: 'Delta' });
    expect(await query.takeFirst(database.db, { accountId: accountId + 1000, after: '', limit: 10 })).toBeUndefined();
  });

  it('runs inside a transaction and sees its uncommitted writes', async () => {
    const query = namesAfter();
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('clients').values({ account_id: accountId, name: 'Echo', creation_date: '2024-03-01', timezone: '' }).execute();
      expect(await query.execute(trx, { accountId, after: 'Delta', limit: 10 })).toEqual([{ name: 'Echo' }]);
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(await query.execute(database.db, { accountId, after: 'Delta', limit: 10 })).toEqual([]);
  });
});
