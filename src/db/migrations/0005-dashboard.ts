import type { Kysely } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * Dashboard sessions, and the indexes the All Devices view pages through.
 * A session row holds only the sha256 of its token, so a copy of the database does not let anyone in, and
 * deleting the row signs the browser out on every server process at once.
 */
export const dashboard: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    await withIdColumn(dialect, db.schema.createTable('dashboard_sessions'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('user_id', 'bigint', reference('users'))
      .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('source_address', 'varchar(64)', (col) => col.notNull().defaultTo(''))
      .addColumn('user_agent', 'varchar(255)', (col) => col.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('dashboard_sessions_user').on('dashboard_sessions').columns(['user_id']).execute();

    // All Devices pages by name within the account, or within one client; sites use devices_site_type_name.
    await db.schema.createIndex('devices_account_type_name').on('devices').columns(['account_id', 'device_type', 'name', 'id']).execute();
    await db.schema.createIndex('devices_client_type_name').on('devices').columns(['client_id', 'device_type', 'name', 'id']).execute();
  },
};
