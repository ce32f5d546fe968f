import type { Kysely } from 'kysely';
import type { SightlineMigration } from './migration.js';

/**
 * What the security review changed in stored data. Email Token without SMTP used to keep the whole mail,
 * key included, in `outbox`; such mail is now refused, and the copies kept before are emptied here so no
 * database holds an API key in the clear.
 */
export const security: SightlineMigration = {
  async up(db: Kysely<any>) {
    await emptyKeptTokenMail(db);
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
