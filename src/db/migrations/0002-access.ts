import type { Kysely } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * The access model (access-model.md): custom roles, the audit log, the mail outbox, throttling counters,
 * named personal API keys with their usage, and the per-account API address allow-list.
 */
export const access: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    await withIdColumn(dialect, db.schema.createTable('custom_roles'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('name', 'varchar(100)', (col) => col.notNull())
      /** The system role it derives from; its defaults apply where the role has no override. */
      .addColumn('base_role', 'varchar(64)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('custom_roles_account_name', ['account_id', 'name'])
      .execute();

    // Only the permissions a custom role changes from its base role: Allow (1) or Deny (0).
    await db.schema
      .createTable('custom_role_permissions')
      .addColumn('custom_role_id', 'bigint', reference('custom_roles'))
      .addColumn('permission', 'varchar(64)', (col) => col.notNull())
      .addColumn('allowed', 'integer', (col) => col.notNull())
      .addPrimaryKeyConstraint('custom_role_permissions_pk', ['custom_role_id', 'permission'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('audit_log'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      // No foreign key: the entry outlives the user it names; actor_label keeps who it was.
      .addColumn('actor_user_id', 'bigint')
      .addColumn('actor_label', 'varchar(320)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('source_address', 'varchar(64)', (col) => col.notNull())
      .addColumn('action', 'varchar(64)', (col) => col.notNull())
      .addColumn('detail', 'varchar(2000)', (col) => col.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('audit_log_account').on('audit_log').columns(['account_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('outbox'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('recipient', 'varchar(320)', (col) => col.notNull())
      .addColumn('subject', 'varchar(500)', (col) => col.notNull())
      .addColumn('body', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('outbox_account').on('outbox').columns(['account_id', 'id']).execute();

    // Bad API keys per source address in a fixed window; in the database so every process shares it.
    await db.schema
      .createTable('api_auth_failures')
      .addColumn('address', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('window_started_at', 'bigint', (col) => col.notNull())
      .addColumn('failures', 'integer', (col) => col.notNull())
      .execute();

    // Consecutive failed dashboard logins per (login name, address).
    await db.schema
      .createTable('login_attempts')
      .addColumn('login', 'varchar(320)', (col) => col.notNull())
      .addColumn('address', 'varchar(64)', (col) => col.notNull())
      .addColumn('consecutive_failures', 'integer', (col) => col.notNull())
      .addColumn('blocked_until', 'bigint')
      .addPrimaryKeyConstraint('login_attempts_pk', ['login', 'address'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('personal_api_keys'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('user_id', 'bigint', reference('users'))
      .addColumn('name', 'varchar(100)', (col) => col.notNull())
      /** The first characters of the key, shown in lists so a user can tell keys apart. */
      .addColumn('prefix', 'varchar(16)', (col) => col.notNull())
      .addColumn('key_hash', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('scope', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addUniqueConstraint('personal_api_keys_user_name', ['user_id', 'name'])
      .execute();

    await db.schema
      .createTable('personal_api_key_usage')
      .addColumn('key_id', 'bigint', reference('personal_api_keys'))
      .addColumn('service', 'varchar(100)', (col) => col.notNull())
      .addColumn('calls', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('personal_api_key_usage_pk', ['key_id', 'service'])
      .execute();

    // Comma-separated CIDR list; null = API calls from any address. Read in the same query as the key.
    await db.schema.alterTable('accounts').addColumn('api_allowed_networks', 'varchar(2000)').execute();
  },
};
