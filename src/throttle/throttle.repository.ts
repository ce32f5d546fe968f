import { sql } from 'kysely';
import { compileOnce } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';

/** Failure counters shared by every server process (they live in the database). */
export function createThrottleRepository(db: Db) {
  // Every bad API key runs this one until its address is throttled: compiled once (see compileOnce).
  const apiFailure = compileOnce((args: { address: string; now: number; count: number; expiredAtOrBefore: number }) => {
    const expired = sql<boolean>`api_auth_failures.window_started_at <= ${args.expiredAtOrBefore}`;
    return db
      .insertInto('api_auth_failures')
      .values({ address: args.address, window_started_at: args.now, failures: args.count })
      .onConflict((oc) =>
        oc.column('address').doUpdateSet({
          failures: sql`case when ${expired} then ${args.count} else api_auth_failures.failures + ${args.count} end`,
          window_started_at: sql`case when ${expired} then ${args.now} else api_auth_failures.window_started_at end`,
        }),
      )
      .returning(['failures', 'window_started_at']);
  });

  return {
    /**
     * Counts `count` bad API keys from `address` in a fixed window of `windowSeconds`, in one statement (no
     * read-then-write race between processes). Returns the count in the current window and its start.
     */
    async countApiFailures(address: string, now: number, windowSeconds: number, count: number): Promise<{ failures: number; windowStartedAt: number }> {
      const row = await apiFailure.takeFirst(db, { address, now, count, expiredAtOrBefore: now - windowSeconds });
      if (!row) throw new Error('api_auth_failures upsert returned no row');
      return { failures: Number(row.failures), windowStartedAt: Number(row.window_started_at) };
    },

    /** Drops counters whose window has passed, so addresses seen once do not accumulate. */
    async pruneApiFailures(before: number): Promise<void> {
      await db.deleteFrom('api_auth_failures').where('window_started_at', '<', before).execute();
    },

    async loginAttempt(login: string, address: string) {
      return db.selectFrom('login_attempts').select(['consecutive_failures', 'blocked_until']).where('login', '=', login).where('address', '=', address).executeTakeFirst();
    },

    /**
     * Counts one attempt of the pair in one statement, before its password is checked: the row's count is
     * the run of attempts without a success, so concurrent attempts each get a different number. A pair
     * blocked at `now` is left as it is; a block that has ended starts a new run.
     */
    async countLoginAttempt(login: string, address: string, now: number): Promise<{ attempts: number; blockedUntil: number | null }> {
      const blocked = sql<boolean>`login_attempts.blocked_until > ${now}`;
      const row = await db
        .insertInto('login_attempts')
        .values({ login, address, consecutive_failures: 1, blocked_until: null, last_attempt_at: now })
        .onConflict((oc) =>
          oc.columns(['login', 'address']).doUpdateSet({
            last_attempt_at: now,
            consecutive_failures: sql`case when ${blocked} then login_attempts.consecutive_failures when login_attempts.blocked_until is not null then 1 else login_attempts.consecutive_failures + 1 end`,
            blocked_until: sql`case when ${blocked} then login_attempts.blocked_until else null end`,
          }),
        )
        .returning(['consecutive_failures', 'blocked_until'])
        .executeTakeFirstOrThrow();
      return { attempts: Number(row.consecutive_failures), blockedUntil: row.blocked_until === null ? null : Number(row.blocked_until) };
    },

    /** Blocks the pair until `until` and starts counting afresh. */
    async blockLogin(login: string, address: string, until: number): Promise<void> {
      await db.updateTable('login_attempts').set({ blocked_until: until, consecutive_failures: 0 }).where('login', '=', login).where('address', '=', address).execute();
    },

    /** Forgets runs whose last attempt is older than `before`, unless they are blocked at `now`. */
    async pruneLoginAttempts(before: number, now: number): Promise<void> {
      await db
        .deleteFrom('login_attempts')
        .where('last_attempt_at', '<', before)
        .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
        .execute();
    },

    async clearLogin(login: string, address: string): Promise<void> {
      await db.deleteFrom('login_attempts').where('login', '=', login).where('address', '=', address).execute();
    },
  };
}

export type ThrottleRepository = ReturnType<typeof createThrottleRepository>;
