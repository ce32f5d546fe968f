import type { Db } from '../db/database.js';

/** A session joined with what every dashboard request needs to know about its user, as it is now. */
export type SessionUserRow = {
  session_id: number;
  expires_at: number;
  last_seen_at: number;
  user_id: number;
  account_id: number;
  email: string;
  role: string;
  custom_role_id: number | null;
  user_type: 'staff' | 'client';
  is_agent_key: number;
  dashboard_access: number;
  active: number;
  client_group_id: number;
  is_all_clients: number;
  client_group_name: string;
  account_name: string;
  timezone: string;
  public_url: string | null;
};

/** Dashboard sessions, stored as the sha256 of their token. */
export function createSessionRepository(db: Db) {
  return {
    async create(input: { accountId: number; userId: number; tokenHash: string; now: number; expiresAt: number; sourceAddress: string; userAgent: string }) {
      await db
        .insertInto('dashboard_sessions')
        .values({
          account_id: input.accountId,
          user_id: input.userId,
          token_hash: input.tokenHash,
          created_at: input.now,
          last_seen_at: input.now,
          expires_at: input.expiresAt,
          source_address: input.sourceAddress.slice(0, 64),
          user_agent: input.userAgent.slice(0, 255),
        })
        .execute();
    },

    /** One indexed query per request: the session, its user, the user's group and account. */
    async findByTokenHash(tokenHash: string): Promise<SessionUserRow | undefined> {
      return db
        .selectFrom('dashboard_sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .innerJoin('client_groups as g', 'g.id', 'u.client_group_id')
        .innerJoin('accounts as a', 'a.id', 'u.account_id')
        .select([
          's.id as session_id', 's.expires_at', 's.last_seen_at',
          'u.id as user_id', 'u.account_id', 'u.email', 'u.role', 'u.custom_role_id', 'u.user_type', 'u.is_agent_key',
          'u.dashboard_access', 'u.active', 'u.client_group_id', 'g.is_all_clients', 'g.name as client_group_name',
          'a.name as account_name', 'a.timezone', 'a.public_url',
        ])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    async touch(sessionId: number, now: number): Promise<void> {
      await db.updateTable('dashboard_sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();
    },

    async deleteByTokenHash(tokenHash: string): Promise<void> {
      await db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).execute();
    },

    /** Signs a user out everywhere (password change, disabling, removing dashboard access), except the session kept. */
    async deleteByUser(accountId: number, userId: number, keepSessionId?: number): Promise<void> {
      let query = db.deleteFrom('dashboard_sessions').where('account_id', '=', accountId).where('user_id', '=', userId);
      if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
      await query.execute();
    },

    /** Deletes sessions past their lifetime (`expires_at <= now`) or idle since `idleBefore`: they can never be used again. */
    async deleteExpired(now: number, idleBefore: number): Promise<void> {
      await db.deleteFrom('dashboard_sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)])).execute();
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
