import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOnce, compileScoped } from '../../src/db/compiled-query.js';
import { inScope } from '../../src/db/scope-filter.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient } from '../factories.js';

describe.each(DIALECTS)('queries compiled once (compileOnce) on %s', (dialect) => {
  let database: TestDatabase;
  let accountId: number;
  let otherAccountId: number;
  const groupIds: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    accountId = (await makeAccount(database, 'compiled')).account.id;
    otherAccountId = (await makeAccount(database, 'compiled-other')).account.id;
    const clients = new Map<string, number>();
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta']) clients.set(name, (await makeClient(database, accountId, name)).id);
    await makeClient(database, otherAccountId, 'Zulu');
    // Two client groups of the account: Alpha and Charlie; Delta alone.
    for (const [name, members] of [['A and C', ['Alpha', 'Charlie']], ['D', ['Delta']]] as const) {
      const group = await database.db.insertInto('client_groups').values({ account_id: accountId, name, is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
      groupIds.push(group.id);
      for (const member of members) await database.db.insertInto('client_group_members').values({ account_id: accountId, client_group_id: group.id, client_id: clients.get(member)! }).execute();
    }
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

  it('compileScoped applies each scope, All Clients or a client group, with its own ids', async () => {
    const names = compileScoped((args: { after: string }, scope) =>
      database.db.selectFrom('clients as c').select('c.name').where(inScope(scope, 'c', 'id')).where('c.name', '>', args.after).orderBy('c.name'),
    );
    const run = async (accountId: number, clientGroupId: number | null, after = '') => (await names.execute(database.db, { accountId, clientGroupId }, { after })).map((r) => r.name);
    expect(await run(accountId, null)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta']);
    expect(await run(accountId, groupIds[0]!)).toEqual(['Alpha', 'Charlie']);
    expect(await run(accountId, groupIds[1]!)).toEqual(['Delta']);
    expect(await run(accountId, groupIds[0]!, 'Alpha')).toEqual(['Charlie']);
    expect(await run(otherAccountId, null)).toEqual(['Zulu']);
    // A group of another account shows nothing of this one.
    expect(await run(otherAccountId, groupIds[0]!)).toEqual([]);
    expect(await names.takeFirst(database.db, { accountId, clientGroupId: null }, { after: 'Bravo' })).toEqual({ name: 'Charlie' });
  });
});
