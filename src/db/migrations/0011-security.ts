import type { Kysely } from 'kysely';
import type { SightlineMigration } from './migration.js';

/**
 * What the security review changed in stored data. Email Token without SMTP used to keep the whole mail,
 * key included, in `outbox`; such mail is now refused, and the copies kept before are emptied here so no
 * database holds an API key in the clear. Login attempts get the time of their last attempt, so runs
 * nobody continues can be pruned, and both throttle tables an index for their pruning.
 */
export const security: SightlineMigration = {
  async up(db: Kysely<any>) {
    await emptyKeptTokenMail(db);
    // Rows from before have 0: the first prune forgets them unless they are blocked right now.
    await db.schema.alterTable('login_attempts').addColumn('last_attempt_at', 'bigint', (col) => col.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('login_attempts_last_attempt').on('login_attempts').column('last_attempt_at').execute();
    await db.schema.createIndex('api_auth_failures_window').on('api_auth_failures').column('window_started_at').execute();
  },
};

/** Empties the outbox copies of "Email API Token" messages (each held the key). Idempotent. */
export async function emptyKeptTokenMail(db: Kysely<any>): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ body: '(removed: this message held an API key, which is never kept in the database)' })
    .where('subject', 'like', 'Sightline API token for %')
    .execute();
}
