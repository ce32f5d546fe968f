import { type Kysely, type Migration, Migrator } from 'kysely';
import type { DialectName } from './dialect.js';
import { foundation } from './migrations/0001-foundation.js';
import { access } from './migrations/0002-access.js';
import { history } from './migrations/0003-history.js';
import { assets } from './migrations/0004-assets.js';
import { dashboard } from './migrations/0005-dashboard.js';
import { denormalisedCounts } from './migrations/0006-denormalised-counts.js';
import { ingestion } from './migrations/0007-ingestion.js';
import { storedHistory } from './migrations/0008-stored-history.js';
import { agents } from './migrations/0009-agents.js';
import { runnableTemplateChecks } from './migrations/0010-runnable-template-checks.js';
import { security } from './migrations/0011-security.js';
import { checkActions } from './migrations/0012-check-actions.js';
import { sweepClaims } from './migrations/0014-sweep-claims.js';
import type { SightlineMigration } from './migrations/migration.js';

/** Every migration, in order. Names sort lexically, so keep the numeric prefix. */
const MIGRATIONS: Record<string, SightlineMigration> = {
  '0001-foundation': foundation,
  '0002-access': access,
  '0003-history': history,
  '0004-assets': assets,
  '0005-dashboard': dashboard,
  '0006-denormalised-counts': denormalisedCounts,
  '0007-ingestion': ingestion,
  '0008-stored-history': storedHistory,
  '0009-agents': agents,
  '0010-runnable-template-checks': runnableTemplateChecks,
  '0011-security': security,
  '0012-check-actions': checkActions,
  '0014-sweep-claims': sweepClaims,
};

export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (trx) => migration.up(trx, dialect) };
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sightline_migrations',
    migrationLockTableName: 'sightline_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}
