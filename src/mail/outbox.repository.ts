import type { Db } from '../db/database.js';

/** Mail kept in the database when no SMTP server is configured. */
export function createOutboxRepository(db: Db) {
  return {
    async add(message: { accountId: number; recipient: string; subject: string; body: string; now: number }): Promise<void> {
      await db
        .insertInto('outbox')
        .values({ account_id: message.accountId, recipient: message.recipient, subject: message.subject, body: message.body, created_at: message.now })
        .execute();
    },

    /** Newest first. */
    async list(accountId: number, limit: number) {
      return db
        .selectFrom('outbox')
        .select(['id', 'created_at', 'recipient', 'subject', 'body'])
        .where('account_id', '=', accountId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
