import type { Kysely } from 'kysely';
import type { SightlineMigration } from './migration.js';

/**
 * Check actions (issue 11): how long a cleared check stays cleared (clear_check's clear_type, and
 * clear_until for untildatetime). A check that is not cleared has clear_type '' and clear_until null.
 */
export const checkActions: SightlineMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('checks').addColumn('clear_type', 'varchar(16)', (col) => col.notNull().defaultTo('')).execute();
    await db.schema.alterTable('checks').addColumn('clear_until', 'bigint').execute();
    // Checks cleared before this migration were cleared until they pass (the only kind there was).
    await db.updateTable('checks').set({ clear_type: 'untilpasses' }).where('statusid', '=', 2).execute();
    // The sweep looks for clears whose date has passed.
    await db.schema.createIndex('checks_clear_until').on('checks').column('clear_until').where('clear_until', 'is not', null).execute();
  },
};
