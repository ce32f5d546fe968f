import { sql } from 'kysely';
import { compileOnce } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';

/** A personal key with what a request needs to act as its user now: role, group, account settings. */
export type PersonalKeyHolder = {
  key_id: number;
  key_name: string;
  key_hash: string;
  scope: 'read' | 'read-write';
  expires_at: number | null;
  account_id: number;
  timezone: string;
  api_allowed_networks: string | null;
  user_id: number;
  email: string;
  role: string;
  custom_role_id: number | null;
  active: number;
  client_group_id: number;
  is_all_clients: number;
};

/** Named personal API keys, stored as sha256 hashes, and their usage per service. */
export function createPersonalKeyRepository(db: Db) {
  // Every API call with a personal key runs this one: compiled once (see compileOnce).
  const holder = compileOnce((args: { keyHash: string }) =>
    db
      .selectFrom('personal_api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .innerJoin('accounts as a', 'a.id', 'k.account_id')
      .innerJoin('client_groups as g', 'g.id', 'u.client_group_id')
      .select([
        'k.id as key_id', 'k.name as key_name', 'k.key_hash', 'k.scope', 'k.expires_at', 'k.account_id', 'a.timezone', 'a.api_allowed_networks',
        'u.id as user_id', 'u.email', 'u.role', 'u.custom_role_id', 'u.active', 'u.client_group_id', 'g.is_all_clients',
      ])
      .where('k.key_hash', '=', args.keyHash),
  );

  return {
    /** One indexed query per request: the key joined with its user's current role and client group. */
    async findHolder(keyHash: string): Promise<PersonalKeyHolder | undefined> {
      return holder.takeFirst(db, { keyHash });
    },

    async create(input: { accountId: number; userId: number; name: string; prefix: string; keyHash: string; scope: 'read' | 'read-write'; now: number; expiresAt: number | null }) {
      return db
        .insertInto('personal_api_keys')
        .values({
          account_id: input.accountId, user_id: input.userId, name: input.name, prefix: input.prefix, key_hash: input.keyHash,
          scope: input.scope, created_at: input.now, expires_at: input.expiresAt, last_used_at: null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
    },

    async findByName(accountId: number, userId: number, name: string) {
      return db.selectFrom('personal_api_keys').select(['id']).where('account_id', '=', accountId).where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
    },

    async listByUser(accountId: number, userId: number) {
      return db
        .selectFrom('personal_api_keys')
        .select(['id', 'name', 'prefix', 'scope', 'created_at', 'expires_at', 'last_used_at'])
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute();
    },

    async usageOf(keyIds: number[]) {
      if (keyIds.length === 0) return [];
      return db.selectFrom('personal_api_key_usage').select(['key_id', 'service', 'calls']).where('key_id', 'in', keyIds).orderBy('service').execute();
    },

    async revoke(accountId: number, userId: number, name: string): Promise<boolean> {
      const result = await db.deleteFrom('personal_api_keys').where('account_id', '=', accountId).where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** Calls per service over every personal key of the account (the API page's usage table). */
    async usageByServiceOfAccount(accountId: number) {
      return db
        .selectFrom('personal_api_key_usage as u')
        .innerJoin('personal_api_keys as k', 'k.id', 'u.key_id')
        .select(['u.service', (eb) => eb.fn.sum<number>('u.calls').as('calls')])
        .where('k.account_id', '=', accountId)
        .groupBy('u.service')
        .orderBy('u.service')
        .limit(500)
        .execute();
    },

    /** Counts `calls` calls of a service and stamps last use. */
    async recordUse(keyId: number, service: string, now: number, calls: number): Promise<void> {
      await db.updateTable('personal_api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
      await db
        .insertInto('personal_api_key_usage')
        .values({ key_id: keyId, service, calls })
        .onConflict((oc) => oc.columns(['key_id', 'service']).doUpdateSet({ calls: sql`personal_api_key_usage.calls + ${calls}` }))
        .execute();
    },
  };
}

export type PersonalKeyRepository = ReturnType<typeof createPersonalKeyRepository>;
