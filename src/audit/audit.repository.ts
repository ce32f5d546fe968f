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
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
