import { sql } from 'kysely';
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
  // Every API call with the account key runs this one, compiled once (see compileOnce). The key is found
  // in a derived table with `limit 1`, which SQLite does not flatten into the join, so the plan starts with
  // the probe of the key's unique hash, then follows ids and the users index on (account_id,
  // is_agent_key), whatever the planner's statistics say; the constants are literals for the same reason
  // (a bound `?` hides the value from the planner). As a plain four-table join, SQLite with statistics
  // taken while the tables were tiny (the bench fixture's account_api_keys analysed at one row) scanned
  // users and keys instead: 22 us per call against 5 (3 for a bad key). PostgreSQL plans both alike.
  const keyHolder = compileOnce((args: { keyHash: string }) =>
    db
      .selectFrom((eb) => eb.selectFrom('account_api_keys').select(['account_id', 'key_hash']).where('key_hash', '=', args.keyHash).limit(sql.lit(1)).as('k'))
      .innerJoin('accounts as a', 'a.id', 'k.account_id')
      .innerJoin('users as u', (join) => join.onRef('u.account_id', '=', 'k.account_id').on('u.is_agent_key', '=', sql.lit(1)))
      .innerJoin('client_groups as g', 'g.id', 'u.client_group_id')
      .select(['k.account_id', 'a.timezone', 'u.id as user_id', 'u.client_group_id', 'g.is_all_clients', 'k.key_hash', 'a.api_allowed_networks']),
  );

  return {
    /**
     * Finds the account whose key has this hash, joined with its Agent Key user's current client group:
     * one indexed query per request, so a regenerated key or a changed group applies at once in every
     * process sharing the database.
     */
    async findAccountKeyHolder(keyHash: string): Promise<AccountKeyHolder | undefined> {
      return keyHolder.takeFirst(db, { keyHash });
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
