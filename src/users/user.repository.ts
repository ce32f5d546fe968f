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

    async allClientsGroupOf(accountId: number): Promise<{ id: number; name: string }> {
      return db.selectFrom('client_groups').select(['id', 'name']).where('account_id', '=', accountId).where('is_all_clients', '=', 1).executeTakeFirstOrThrow();
    },

    async create(input: {
      accountId: number;
      email: string;
      passwordHash: string | null;
      role: string;
      customRoleId?: number | null;
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
          custom_role_id: input.customRoleId ?? null,
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

    /** Changes the fields given; the caller (users.service) has checked the rules. */
    async update(
      accountId: number,
      userId: number,
      fields: Partial<Pick<UserRow, 'email' | 'password_hash' | 'role' | 'custom_role_id' | 'user_type' | 'client_group_id' | 'dashboard_access' | 'active'>>,
    ): Promise<void> {
      const values = { ...fields, ...(fields.email ? { email: fields.email.toLowerCase() } : {}) };
      await db.updateTable('users').set(values).where('account_id', '=', accountId).where('id', '=', userId).execute();
    },

    /** Deletes a user that is not the Agent Key (the WHERE clause makes that impossible whatever the caller). */
    async delete(accountId: number, userId: number): Promise<boolean> {
      const result = await db.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', userId).where('is_agent_key', '=', 0).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
