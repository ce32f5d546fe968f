import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { UserTable } from '../db/schema.js';

export type UserRow = Selectable<UserTable>;

/** Users of an account (staff, client users and the built-in Agent Key). */
export function createUserRepository(db: Db) {
  return {
    async findByEmail(email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    },

    async findById(accountId: number, userId: number): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('id', '=', userId).executeTakeFirst();
    },

    async agentKeyOf(accountId: number): Promise<UserRow> {
      return db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('is_agent_key', '=', 1).executeTakeFirstOrThrow();
    },

    async listByAccount(accountId: number): Promise<UserRow[]> {
      return db.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    },

    async allClientsGroupOf(accountId: number): Promise<{ id: number }> {
      return db.selectFrom('client_groups').select('id').where('account_id', '=', accountId).where('is_all_clients', '=', 1).executeTakeFirstOrThrow();
    },

    async create(input: {
      accountId: number;
      email: string;
      passwordHash: string | null;
      role: string;
      userType: 'staff' | 'client';
      clientGroupId: number;
      now: number;
    }): Promise<UserRow> {
      return db
        .insertInto('users')
        .values({
          account_id: input.accountId,
          email: input.email.toLowerCase(),
          password_hash: input.passwordHash,
          role: input.role,
          custom_role_id: null,
          user_type: input.userType,
          is_agent_key: 0,
          client_group_id: input.clientGroupId,
          dashboard_access: 1,
          active: 1,
          created_at: input.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
