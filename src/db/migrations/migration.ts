import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/**
 * A migration receives the dialect so it can use the helpers of dialect.ts. The type lives here, not in
 * migrate.ts, so that migrate.ts imports the migrations and no migration imports migrate.ts back.
 */
export type SightlineMigration = {
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
};
