import type { Kysely } from 'kysely';
import type { SightlineMigration } from './migration.js';

/**
 * Every server process runs the periodic sweep (overdue devices, expired commands), but one sweep per
 * interval is enough for all of them: each tick claims the sweep's row first, and only the process whose
 * claim lands sweeps. N processes then read the devices once per interval, not N times.
 */
export const sweepClaims: SightlineMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sweep_claims')
      .addColumn('name', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('claimed_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
