import type { Db } from '../db/database.js';

/** The gauges /metrics reads from the database when scraped: counts over every account, nothing per account. */
export function createMetricsRepository(db: Db) {
  return {
    /** Agent commands not yet acknowledged nor expired, by status (`agent_commands_status_expiry` index). */
    async pendingCommands(): Promise<{ queued: number; delivered: number }> {
      const rows = await db
        .selectFrom('agent_commands')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['queued', 'delivered'])
        .groupBy('status')
        .execute();
      const count = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
      return { queued: count('queued'), delivered: count('delivered') };
    },

    /** Addresses past the bad-key limit in a window that has not ended (shared by every process). */
    async addressesOverBadKeyLimit(now: number, limit: number, windowSeconds: number): Promise<number> {
      const row = await db
        .selectFrom('api_auth_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('window_started_at', '>', now - windowSeconds)
        .where('failures', '>', limit)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>;
