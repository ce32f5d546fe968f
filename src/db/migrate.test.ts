import { describe, expect, it } from 'vitest';
import { describeMigrationStatus, MIGRATION_NAMES, migrationStatus } from './migrate.js';

describe('migration status against this version', () => {
  it('is current with every migration, behind with a prefix, unknown with a name this version lacks', () => {
    expect(migrationStatus(MIGRATION_NAMES)).toEqual({ state: 'current' });
    expect(migrationStatus(MIGRATION_NAMES.slice(0, -2))).toEqual({ state: 'behind', missing: MIGRATION_NAMES.slice(-2) });
    expect(migrationStatus([])).toEqual({ state: 'behind', missing: MIGRATION_NAMES });
    expect(migrationStatus([...MIGRATION_NAMES, '9999-later'])).toEqual({ state: 'unknown', unknown: ['9999-later'] });
    expect(describeMigrationStatus(migrationStatus(MIGRATION_NAMES.slice(0, -1)))).toBe(`behind: 1 migration(s) not applied, from ${MIGRATION_NAMES.at(-1)}`);
  });
});
