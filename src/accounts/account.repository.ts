import type { Db } from '../db/database.js';

export type AccountRow = {
  id: number;
  name: string;
  timezone: string;
  territory: string;
  language: string;
  public_url: string | null;
};

export const AGENT_KEY_ROLE = 'agent-key';
export const ALL_CLIENTS_GROUP = 'All Clients';

/** Accounts, with the built-ins every account has: the All Clients group and the Agent Key user. */
export function createAccountRepository(db: Db) {
  return {
    async findByName(name: string): Promise<AccountRow | undefined> {
      return db
        .selectFrom('accounts')
        .select(['id', 'name', 'timezone', 'territory', 'language', 'public_url'])
        .where('name', '=', name)
        .executeTakeFirst();
    },

    async findById(id: number): Promise<AccountRow | undefined> {
      return db
        .selectFrom('accounts')
        .select(['id', 'name', 'timezone', 'territory', 'language', 'public_url'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** Sets the API address allow-list (normalised CIDR list), or null for any address. */
    async setApiAllowedNetworks(id: number, networks: string | null): Promise<void> {
      await db.updateTable('accounts').set({ api_allowed_networks: networks }).where('id', '=', id).execute();
    },

    async count(): Promise<number> {
      const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Creates an account with its All Clients group and Agent Key user, in one transaction. */
    async create(input: { name: string; timezone: string; territory: string; publicUrl: string | null; now: number }): Promise<AccountRow> {
      return db.transaction().execute(async (trx) => {
        const account = await trx
          .insertInto('accounts')
          .values({
            name: input.name,
            timezone: input.timezone,
            territory: input.territory,
            language: 'en_GB',
            public_url: input.publicUrl,
            created_at: input.now,
          })
          .returning(['id', 'name', 'timezone', 'territory', 'language', 'public_url'])
          .executeTakeFirstOrThrow();
        const group = await trx
          .insertInto('client_groups')
          .values({ account_id: account.id, name: ALL_CLIENTS_GROUP, is_all_clients: 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('users')
          .values({
            account_id: account.id,
            email: `agent-key@${slug(input.name)}.local`,
            password_hash: null,
            role: AGENT_KEY_ROLE,
            custom_role_id: null,
            user_type: 'staff',
            is_agent_key: 1,
            client_group_id: group.id,
            dashboard_access: 1,
            active: 1,
            created_at: input.now,
          })
          .execute();
        return account;
      });
    },
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'account';
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
