import { type Kysely, sql } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * Agents (issue 10): site enrolment tokens (what an installation package carries), device credentials
 * (what an enrolled agent authenticates with) and the commands queued for agents. Secrets are stored
 * only as sha256 hex, looked up by that hash (unique index), so a copy of the database lets nobody enrol
 * or act as a device.
 */
export const agents: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    await withIdColumn(dialect, db.schema.createTable('site_enrolment_tokens'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('site_id', 'bigint', reference('sites'))
      .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
      // `slt_` and 8 characters: enough to tell tokens apart in a list, far too little to use.
      .addColumn('prefix', 'varchar(32)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      // No foreign key: the token outlives the user who made it; created_by keeps who it was.
      .addColumn('created_by_user_id', 'bigint')
      .addColumn('created_by', 'varchar(320)', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('site_enrolment_tokens_site').on('site_enrolment_tokens').columns(['site_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('device_credentials'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      // Deleting the device deletes its credentials, so a deleted device's secret finds nothing (401).
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('device_credentials_device').on('device_credentials').columns(['device_id']).execute();

    await withIdColumn(dialect, db.schema.createTable('agent_commands'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('kind', 'varchar(64)', (col) => col.notNull())
      .addColumn('params', 'text', (col) => col.notNull())
      // sha256 of the kind and the canonical JSON of the params: identical commands share it.
      .addColumn('dedupe_key', 'varchar(64)', (col) => col.notNull())
      .addColumn('status', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('delivered_at', 'bigint')
      .addColumn('acked_at', 'bigint')
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('outcome', 'varchar(16)')
      .addColumn('message', 'varchar(2000)', (col) => col.notNull().defaultTo(''))
      .execute();
    // At most one pending copy of a command per device, enforced by the database so two processes
    // enqueueing at once cannot both queue it (both dialects support partial unique indexes).
    await db.schema
      .createIndex('agent_commands_pending_dedupe')
      .on('agent_commands')
      .columns(['device_id', 'dedupe_key'])
      .unique()
      .where(sql<boolean>`status in ('queued', 'delivered')`)
      .execute();
    await db.schema.createIndex('agent_commands_device_status').on('agent_commands').columns(['device_id', 'status', 'id']).execute();
    // The expiry sweep looks only at pending commands by their deadline.
    await db.schema.createIndex('agent_commands_status_expiry').on('agent_commands').columns(['status', 'expires_at']).execute();
  },
};
