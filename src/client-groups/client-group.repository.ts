import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { transaction } from '../db/transaction.js';
import { inScope } from '../db/scope-filter.js';

export type ClientGroupRow = { id: number; name: string; is_all_clients: number };

/** Client groups. All Clients has no membership rows: it is complete by definition. */
export function createClientGroupRepository(db: Db) {
  return {
    async findByName(accountId: number, name: string): Promise<ClientGroupRow | undefined> {
      return db.selectFrom('client_groups').select(['id', 'name', 'is_all_clients']).where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
    },

    async findById(accountId: number, id: number): Promise<ClientGroupRow | undefined> {
      return db.selectFrom('client_groups').select(['id', 'name', 'is_all_clients']).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    },

    /** Every group with its client and user counts (All Clients counts every client of the account). */
    async list(accountId: number) {
      const groups = await db
        .selectFrom('client_groups as g')
        .select((eb) => [
          'g.id', 'g.name', 'g.is_all_clients',
          eb.selectFrom('client_group_members as m').select((e) => e.fn.countAll<number>().as('n')).whereRef('m.client_group_id', '=', 'g.id').as('member_count'),
          eb.selectFrom('users as u').select((e) => e.fn.countAll<number>().as('n')).whereRef('u.client_group_id', '=', 'g.id').as('user_count'),
        ])
        .where('g.account_id', '=', accountId)
        .orderBy('g.id')
        .execute();
      const all = await db.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      return groups.map((g) => ({
        id: g.id,
        name: g.name,
        is_all_clients: g.is_all_clients,
        client_count: g.is_all_clients ? Number(all.n) : Number(g.member_count ?? 0),
        user_count: Number(g.user_count ?? 0),
      }));
    },

    async clientIdsOf(groupId: number): Promise<number[]> {
      const rows = await db.selectFrom('client_group_members').select('client_id').where('client_group_id', '=', groupId).orderBy('client_id').execute();
      return rows.map((r) => r.client_id);
    },

    /** Which of these ids are clients within the scope (of its account, and of its client group if any). */
    async visibleClientIds(scope: Scope, clientIds: number[]): Promise<number[]> {
      if (clientIds.length === 0) return [];
      const rows = await db.selectFrom('clients as c').select('c.id').where(inScope(scope, 'c', 'id')).where('c.id', 'in', clientIds).execute();
      return rows.map((r) => r.id);
    },

    /** The members of a group that lie outside the scope's client group (none when the scope is All Clients). */
    async membersOutside(groupId: number, scope: Scope): Promise<number[]> {
      const bound = scope.clientGroupId;
      if (bound === null) return [];
      const rows = await db
        .selectFrom('client_group_members')
        .select('client_id')
        .where('client_group_id', '=', groupId)
        .where('client_id', 'not in', (eb) => eb.selectFrom('client_group_members').select('client_id').where('client_group_id', '=', bound))
        .orderBy('client_id')
        .execute();
      return rows.map((r) => r.client_id);
    },

    async create(accountId: number, name: string, clientIds: number[]): Promise<number> {
      return transaction(db, async (trx) => {
        const group = await trx.insertInto('client_groups').values({ account_id: accountId, name, is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
        if (clientIds.length > 0) {
          await trx.insertInto('client_group_members').values(clientIds.map((client_id) => ({ account_id: accountId, client_group_id: group.id, client_id }))).execute();
        }
        return group.id;
      });
    },

    /** Replaces the membership in one transaction, so no reader sees a half-set group. */
    async setClients(accountId: number, groupId: number, clientIds: number[]): Promise<void> {
      await transaction(db, async (trx) => {
        await trx.deleteFrom('client_group_members').where('client_group_id', '=', groupId).execute();
        if (clientIds.length > 0) {
          await trx.insertInto('client_group_members').values(clientIds.map((client_id) => ({ account_id: accountId, client_group_id: groupId, client_id }))).execute();
        }
      });
    },

    async rename(accountId: number, groupId: number, name: string): Promise<void> {
      await db.updateTable('client_groups').set({ name }).where('account_id', '=', accountId).where('id', '=', groupId).execute();
    },

    async usersIn(groupId: number): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('client_group_id', '=', groupId).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async delete(accountId: number, groupId: number): Promise<void> {
      await db.deleteFrom('client_groups').where('account_id', '=', accountId).where('id', '=', groupId).where('is_all_clients', '=', 0).execute();
    },
  };
}

export type ClientGroupRepository = ReturnType<typeof createClientGroupRepository>;
