import { compileOnce } from '../db/compiled-query.js';
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
  // Every API call with the account key runs these two, compiled once (see compileOnce). Two statements,
  // not one join: the key by its unique hash is an index probe whatever the planner's statistics say, a
  // bad key costs nothing more, and the holder is found by account id. As one four-table join, SQLite
  // with statistics taken when the tables were tiny scanned users and keys for every call (22 us instead
  // of 4 + 5). The users index on (account_id, is_agent_key) serves the second however many users there are.
  const keyByHash = compileOnce((args: { keyHash: string }) =>
    db.selectFrom('account_api_keys').select(['account_id', 'key_hash']).where('key_hash', '=', args.keyHash),
  );
  const holderOf = compileOnce((args: { accountId: number }) =>
    db
      .selectFrom('accounts as a')
      .innerJoin('users as u', (join) => join.onRef('u.account_id', '=', 'a.id').on('u.is_agent_key', '=', 1))
      .innerJoin('client_groups as g', 'g.id', 'u.client_group_id')
      .select(['a.timezone', 'u.id as user_id', 'u.client_group_id', 'g.is_all_clients', 'a.api_allowed_networks'])
      .where('a.id', '=', args.accountId),
  );

  return {
    /**
     * Finds the account whose key has this hash, with its Agent Key user's current client group, read on
     * every request, so a regenerated key or a changed group applies at once in every process sharing the
     * database.
     */
    async findAccountKeyHolder(keyHash: string): Promise<AccountKeyHolder | undefined> {
      const key = await keyByHash.takeFirst(db, { keyHash });
      if (!key) return undefined;
      const holder = await holderOf.takeFirst(db, { accountId: key.account_id });
      return holder && { ...holder, account_id: key.account_id, key_hash: key.key_hash };
    },

    /** Replaces the account's key in one statement, so concurrent regenerations leave exactly one. */
    async replace(accountId: number, keyHash: string, now: number, byUserId: number | null): Promise<void> {
      await db
        .insertInto('account_api_keys')
        .values({ account_id: accountId, key_hash: keyHash, generated_at: now, generated_by_user_id: byUserId })
        .onConflict((oc) =>
          oc.column('account_id').doUpdateSet({ key_hash: keyHash, generated_at: now, generated_by_user_id: byUserId }),
        )
        .execute();
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
