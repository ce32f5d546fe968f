import type { Db } from '../db/database.js';

export type AuditEntry = {
  accountId: number;
  actorUserId: number | null;
  actorLabel: string;
  at: number;
  sourceAddress: string;
  action: string;
  detail: string;
};

/** The account's audit log: append-only. */
export function createAuditRepository(db: Db) {
  return {
    async append(entry: AuditEntry): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          account_id: entry.accountId,
          actor_user_id: entry.actorUserId,
          actor_label: entry.actorLabel,
          created_at: entry.at,
          source_address: entry.sourceAddress,
          action: entry.action,
          detail: entry.detail,
        })
        .execute();
    },

    /** Newest first. */
    async list(accountId: number, limit: number) {
      return db
        .selectFrom('audit_log')
        .select(['id', 'actor_user_id', 'actor_label', 'created_at', 'source_address', 'action', 'detail'])
        .where('account_id', '=', accountId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },

    /** Newest first, narrowed in SQL to one actor and/or one action (the dashboard's audit filter). */
    async search(accountId: number, filter: { actorLabel?: string; action?: string }, limit: number) {
      let q = db
        .selectFrom('audit_log')
        .select(['id', 'actor_user_id', 'actor_label', 'created_at', 'source_address', 'action', 'detail'])
        .where('account_id', '=', accountId);
      if (filter.actorLabel) q = q.where('actor_label', '=', filter.actorLabel);
      if (filter.action) q = q.where('action', '=', filter.action);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },

    /** The actors and actions an account's log holds, for the filter's choices. */
    async facets(accountId: number) {
      const [actors, actions] = await Promise.all([
        db.selectFrom('audit_log').select('actor_label').distinct().where('account_id', '=', accountId).orderBy('actor_label').limit(500).execute(),
        db.selectFrom('audit_log').select('action').distinct().where('account_id', '=', accountId).orderBy('action').limit(500).execute(),
      ]);
      return { actors: actors.map((r) => r.actor_label), actions: actions.map((r) => r.action) };
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
