import type { Db } from '../db/database.js';

/** The account's key holder as of this request: the Agent Key user and its client group. */
export type AccountKeyHolder = {
  account_id: number;
  timezone: string;
  user_id: number;
  client_group_id: number;
  is_all_clients: number;
  key_hash: string;
  /** The account's API address allow-list (comma-separated CIDRs), null = any. */
  api_allowed_networks: string | null;
};

/** The account API key, stored only as its sha256. */
export function createApiKeyRepository(db: Db) {
  return {
    /**
     * Finds the account whose key has this hash, joined with its Agent Key user's current client group:
     * one indexed query per request, so a regenerated key or a changed group applies at once in every
     * process sharing the database.
     */
    async findAccountKeyHolder(keyHash: string): Promise<AccountKeyHolder | undefined> {
      return db
        .selectFrom('account_api_keys as k')
        .innerJoin('accounts as a', 'a.id', 'k.account_id')
        .innerJoin('users as u', (join) => join.onRef('u.account_id', '=', 'k.account_id').on('u.is_agent_key', '=', 1))
        .innerJoin('client_groups as g', 'g.id', 'u.client_group_id')
        .select(['k.account_id', 'a.timezone', 'u.id as user_id', 'u.client_group_id', 'g.is_all_clients', 'k.key_hash', 'a.api_allowed_networks'])
        .where('k.key_hash', '=', keyHash)
        .executeTakeFirst();
    },

    /**
     * Sets the account's key and answers whether it replaced one (a Regenerate) or created the first (a
     * Generate). Each step is one atomic statement, so concurrent calls leave exactly one key, and exactly
     * one of them, the insert that found no row, answers false: a read before the write would let several
     * callers see "no key" at once and all call themselves the Generate.
     */
    async replace(accountId: number, keyHash: string, now: number, byUserId: number | null): Promise<boolean> {
      const values = { key_hash: keyHash, generated_at: now, generated_by_user_id: byUserId };
      for (;;) {
        const inserted = await db.insertInto('account_api_keys').values({ account_id: accountId, ...values })
          .onConflict((oc) => oc.column('account_id').doNothing()).executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows) > 0) return false;
        const updated = await db.updateTable('account_api_keys').set(values).where('account_id', '=', accountId).executeTakeFirst();
        // Zero rows: a revoke removed the key between the two statements; try the insert again.
        if (Number(updated.numUpdatedRows) > 0) return true;
      }
    },

    async revoke(accountId: number): Promise<boolean> {
      const result = await db.deleteFrom('account_api_keys').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async hashOf(accountId: number): Promise<string | undefined> {
      const row = await db.selectFrom('account_api_keys').select('key_hash').where('account_id', '=', accountId).executeTakeFirst();
      return row?.key_hash;
    },

    async info(accountId: number) {
      return db
        .selectFrom('account_api_keys as k')
        .leftJoin('users as u', 'u.id', 'k.generated_by_user_id')
        .select(['k.generated_at', 'u.email as generated_by'])
        .where('k.account_id', '=', accountId)
        .executeTakeFirst();
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
