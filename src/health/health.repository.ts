import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { MIGRATION_TABLE } from '../db/migrate.js';

/** The two reads `/healthz` makes: both tiny, neither touches account data. */
export function createHealthRepository(db: Db) {
  return {
    /** A query that needs nothing but a working connection. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },

    /** Names of the migrations the database has applied (Kysely's migrator records them). */
    async appliedMigrations(): Promise<string[]> {
      const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
      return rows.map((row) => row.name);
    },
  };
}

export type HealthRepository = ReturnType<typeof createHealthRepository>;
