import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** Failure counters shared by every server process (they live in the database). */
export function createThrottleRepository(db: Db) {
  return {
    /**
     * Counts one bad API key from `address` in a fixed window of `windowSeconds`, in one statement (no
     * read-then-write race between processes). Returns the count in the current window and its start.
     */
    async countApiFailure(address: string, now: number, windowSeconds: number): Promise<{ failures: number; windowStartedAt: number }> {
      const expired = sql<boolean>`api_auth_failures.window_started_at <= ${now - windowSeconds}`;
      const row = await db
        .insertInto('api_auth_failures')
        .values({ address, window_started_at: now, failures: 1 })
        .onConflict((oc) =>
          oc.column('address').doUpdateSet({
            failures: sql`case when ${expired} then 1 else api_auth_failures.failures + 1 end`,
            window_started_at: sql`case when ${expired} then ${now} else api_auth_failures.window_started_at end`,
          }),
        )
        .returning(['failures', 'window_started_at'])
        .executeTakeFirstOrThrow();
      return { failures: Number(row.failures), windowStartedAt: Number(row.window_started_at) };
    },

    /** Drops counters whose window has passed, so addresses seen once do not accumulate. */
    async pruneApiFailures(before: number): Promise<void> {
      await db.deleteFrom('api_auth_failures').where('window_started_at', '<', before).execute();
    },

    async loginAttempt(login: string, address: string) {
      return db.selectFrom('login_attempts').select(['consecutive_failures', 'blocked_until']).where('login', '=', login).where('address', '=', address).executeTakeFirst();
    },

    /** One more consecutive failure; returns the new count. */
    async countLoginFailure(login: string, address: string): Promise<number> {
      const row = await db
        .insertInto('login_attempts')
        .values({ login, address, consecutive_failures: 1, blocked_until: null })
        .onConflict((oc) => oc.columns(['login', 'address']).doUpdateSet({ consecutive_failures: sql`login_attempts.consecutive_failures + 1` }))
        .returning('consecutive_failures')
        .executeTakeFirstOrThrow();
      return Number(row.consecutive_failures);
    },

    /** Blocks the pair until `until` and starts counting afresh. */
    async blockLogin(login: string, address: string, until: number): Promise<void> {
      await db.updateTable('login_attempts').set({ blocked_until: until, consecutive_failures: 0 }).where('login', '=', login).where('address', '=', address).execute();
    },

    async clearLogin(login: string, address: string): Promise<void> {
      await db.deleteFrom('login_attempts').where('login', '=', login).where('address', '=', address).execute();
    },
  };
}

export type ThrottleRepository = ReturnType<typeof createThrottleRepository>;
