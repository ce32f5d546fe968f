import type { Db } from './database.js';

/**
 * Runs `work` in a transaction, or in the caller's when `db` already is one (Kysely cannot nest
 * transactions), so a repository method that must be atomic stays atomic inside a larger unit of work.
 */
export function transaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
