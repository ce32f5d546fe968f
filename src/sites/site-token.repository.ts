import type { Db } from '../db/database.js';

const LIST_COLUMNS = ['id', 'site_id', 'prefix', 'created_at', 'created_by', 'expires_at', 'revoked_at', 'last_used_at'] as const;

/** Site enrolment tokens, stored as sha256 hashes. Nothing here ever reads or returns a token itself. */
export function createSiteTokenRepository(db: Db) {
  return {
    async create(input: { accountId: number; siteId: number; tokenHash: string; prefix: string; now: number; createdByUserId: number | null; createdBy: string; expiresAt: number }) {
      return db
        .insertInto('site_enrolment_tokens')
        .values({
          account_id: input.accountId, site_id: input.siteId, token_hash: input.tokenHash, prefix: input.prefix, created_at: input.now,
          created_by_user_id: input.createdByUserId, created_by: input.createdBy.slice(0, 320), expires_at: input.expiresAt,
          revoked_at: null, last_used_at: null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
    },

    /** Every token of one site of the account, newest first: dates and state, never the hash. */
    async listBySite(accountId: number, siteId: number) {
      return db
        .selectFrom('site_enrolment_tokens')
        .select(LIST_COLUMNS)
        .where('account_id', '=', accountId)
        .where('site_id', '=', siteId)
        .orderBy('id', 'desc')
        .execute();
    },

    /** Revokes the site's unrevoked tokens with this display prefix; the number revoked. */
    async revokeByPrefix(accountId: number, siteId: number, prefix: string, now: number): Promise<number> {
      const result = await db
        .updateTable('site_enrolment_tokens')
        .set({ revoked_at: now })
        .where('account_id', '=', accountId)
        .where('site_id', '=', siteId)
        .where('prefix', '=', prefix)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** The token with this hash and the site it enrols into (its client comes from the site as it is now). */
    async findByHash(tokenHash: string) {
      return db
        .selectFrom('site_enrolment_tokens as t')
        .innerJoin('sites as s', 's.id', 't.site_id')
        .select(['t.id', 't.token_hash', 't.account_id', 't.site_id', 's.client_id', 't.expires_at', 't.revoked_at'])
        .where('t.token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    async markUsed(id: number, now: number): Promise<void> {
      await db.updateTable('site_enrolment_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
    },
  };
}

export type SiteTokenRepository = ReturnType<typeof createSiteTokenRepository>;
