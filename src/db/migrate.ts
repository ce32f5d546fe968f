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
import { keyHolderIndex } from './migrations/0013-key-holder-index.js';
import { sweepClaims } from './migrations/0014-sweep-claims.js';
import { problemIndexes } from './migrations/0015-problem-indexes.js';
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
  '0013-key-holder-index': keyHolderIndex,
  '0014-sweep-claims': sweepClaims,
  '0015-problem-indexes': problemIndexes,
};

/** The migrations this version of Sightline knows, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Where a database's applied migrations stand against this version's list. */
export type MigrationStatus =
  | { state: 'current' }
  /** Older than this version: `serve` (or any command) applies the missing ones on open. */
  | { state: 'behind'; missing: readonly string[] }
  /** Applied migrations this version does not know: a newer Sightline wrote it, or it is not ours. */
  | { state: 'unknown'; unknown: readonly string[] };

/**
 * Compares the names in `sightline_migrations` with this version's list. Migrations run in order, so a
 * database this version can open has applied a prefix of the list.
 */
export function migrationStatus(applied: readonly string[]): MigrationStatus {
  const known = new Set(MIGRATION_NAMES);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) return { state: 'unknown', unknown };
  const done = new Set(applied);
  const missing = MIGRATION_NAMES.filter((name) => !done.has(name));
  return missing.length === 0 ? { state: 'current' } : { state: 'behind', missing };
}

/** One line for an operator: what `migrationStatus` found. */
export function describeMigrationStatus(status: MigrationStatus): string {
  if (status.state === 'current') return `current (${MIGRATION_NAMES.length} migrations)`;
  if (status.state === 'behind') return `behind: ${status.missing.length} migration(s) not applied, from ${status.missing[0]}`;
  return `unknown migration(s) ${status.unknown.join(', ')}: written by a newer Sightline, or not a Sightline database`;
}

/** The table Kysely's migrator records applied migrations in. */
export const MIGRATION_TABLE = 'sightline_migrations';

export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (trx) => migration.up(trx, dialect) };
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'sightline_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}
