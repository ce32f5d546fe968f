import type { Kysely } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/** Accounts, users, client groups, clients, sites, devices, checks, notes, outages, the account key. */
export const foundation: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    const text = (name: string) => (col: any) => col.notNull().defaultTo('');
    const int = (value = 0) => (col: any) => col.notNull().defaultTo(value);

    await withIdColumn(dialect, db.schema.createTable('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('timezone', 'varchar(64)', (col) => col.notNull().defaultTo('UTC'))
      .addColumn('territory', 'varchar(64)', text('territory'))
      .addColumn('language', 'varchar(16)', (col) => col.notNull().defaultTo('en_GB'))
      .addColumn('public_url', 'varchar(500)')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();

    await withIdColumn(dialect, db.schema.createTable('client_groups'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('is_all_clients', 'integer', int())
      .addUniqueConstraint('client_groups_account_name', ['account_id', 'name'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('users'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('email', 'varchar(320)', (col) => col.notNull())
      .addColumn('password_hash', 'varchar(300)')
      .addColumn('role', 'varchar(64)', (col) => col.notNull())
      .addColumn('custom_role_id', 'bigint')
      .addColumn('user_type', 'varchar(16)', (col) => col.notNull().defaultTo('staff'))
      .addColumn('is_agent_key', 'integer', int())
      .addColumn('client_group_id', 'bigint', reference('client_groups', 'restrict'))
      .addColumn('dashboard_access', 'integer', int(1))
      .addColumn('active', 'integer', int(1))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      // Emails are user names, and the login form has no account field: unique across the deployment.
      .addUniqueConstraint('users_email', ['email'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('clients'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('timezone', 'varchar(64)', text('timezone'))
      .addColumn('view_dashboard', 'integer', int())
      .addColumn('view_wkstsn_assets', 'integer', int())
      .addColumn('dashboard_username', 'varchar(320)', text('dashboard_username'))
      .addColumn('creation_date', 'varchar(10)', text('creation_date'))
      .addColumn('officehoursemail', 'varchar(320)', text('officehoursemail'))
      .addColumn('officehourssms', 'varchar(64)', text('officehourssms'))
      .addColumn('outofofficehoursemail', 'varchar(320)', text('outofofficehoursemail'))
      .addColumn('outofofficehourssms', 'varchar(64)', text('outofofficehourssms'))
      .addColumn('licenseconfig', 'text', text('licenseconfig'))
      .addColumn('reportconfig', 'text', text('reportconfig'))
      .addUniqueConstraint('clients_account_name', ['account_id', 'name'])
      .execute();

    await db.schema
      .createTable('client_group_members')
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_group_id', 'bigint', reference('client_groups'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addPrimaryKeyConstraint('client_group_members_pk', ['client_group_id', 'client_id'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('sites'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('connection_ok', 'integer', int(1))
      .addColumn('creation_date', 'varchar(10)', text('creation_date'))
      .addColumn('primary_router', 'varchar(255)', text('primary_router'))
      .addColumn('secondary_router', 'varchar(255)', text('secondary_router'))
      .addColumn('workstation_template', 'varchar(32)', (col) => col.notNull().defaultTo('inherit'))
      .addColumn('server_template', 'varchar(32)', (col) => col.notNull().defaultTo('inherit'))
      .addUniqueConstraint('sites_client_name', ['client_id', 'name'])
      .execute();
    await db.schema.createIndex('sites_account_client_name').on('sites').columns(['account_id', 'client_id', 'name']).execute();

    let devices = withIdColumn(dialect, db.schema.createTable('devices'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('site_id', 'bigint', reference('sites'))
      .addColumn('device_type', 'varchar(16)', (col) => col.notNull())
      .addColumn('last_boot_at', 'bigint')
      .addColumn('last_response_at', 'bigint')
      .addColumn('last_scan_at', 'bigint')
      .addColumn('overdue_since', 'bigint')
      .addColumn('offline_reason', 'varchar(255)');
    for (const column of DEVICE_TEXT_COLUMNS) devices = devices.addColumn(column, 'varchar(255)', text(column));
    for (const column of DEVICE_INT_COLUMNS) devices = devices.addColumn(column, 'bigint', int());
    await devices.execute();
    await db.schema.createIndex('devices_site_type_name').on('devices').columns(['site_id', 'device_type', 'name', 'id']).execute();
    await db.schema.createIndex('devices_client_type').on('devices').columns(['client_id', 'device_type']).execute();
    await db.schema.createIndex('devices_account').on('devices').columns(['account_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('checks'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('site_id', 'bigint', reference('sites'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('uid', 'bigint', int())
      .addColumn('sync_status', 'integer', int())
      .addColumn('check_type', 'integer', (col) => col.notNull())
      .addColumn('is_task', 'integer', int())
      .addColumn('description', 'varchar(1000)', text('description'))
      .addColumn('dsc_247', 'integer', int(2))
      .addColumn('statusid', 'integer', int())
      .addColumn('consecutive_fails', 'integer', int())
      .addColumn('last_run_at', 'bigint')
      .addColumn('email', 'integer', int())
      .addColumn('sms', 'integer', int())
      .addColumn('emailrecovery', 'integer', int())
      .addColumn('smsrecovery', 'integer', int())
      .addColumn('extra', 'text', text('extra'))
      .addColumn('formatted_output', 'text', text('formatted_output'))
      .execute();
    await db.schema.createIndex('checks_device').on('checks').columns(['device_id', 'id']).execute();
    await db.schema.createIndex('checks_failing').on('checks').columns(['account_id', 'statusid', 'client_id', 'device_id']).execute();

    await withIdColumn(dialect, db.schema.createTable('check_notes'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('check_id', 'bigint', reference('checks'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('user_id', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('private_note', 'text', text('private_note'))
      .addColumn('public_note', 'text', text('public_note'))
      .execute();
    await db.schema.createIndex('check_notes_device').on('check_notes').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('outages'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('check_id', 'bigint')
      .addColumn('reason', 'varchar(32)', (col) => col.notNull())
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('cause', 'varchar(1000)', text('cause'))
      .execute();
    await db.schema.createIndex('outages_device').on('outages').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('installation_templates'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('device_type', 'varchar(16)', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('installation_templates_account').on('installation_templates').columns(['account_id', 'device_type']).execute();

    await db.schema
      .createTable('account_api_keys')
      .addColumn('account_id', 'bigint', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('key_hash', 'varchar(64)', (col) => col.notNull().unique())
      .addColumn('generated_at', 'bigint', (col) => col.notNull())
      .addColumn('generated_by_user_id', 'bigint')
      .execute();
  },
};

const DEVICE_TEXT_COLUMNS = [
  'guid', 'name', 'description', 'username', 'domain', 'manufacturer', 'model', 'ip', 'external_ip',
  'mac1', 'mac2', 'mac3', 'os', 'os_details', 'service_pack', 'os_serial_number', 'os_product_key',
  'install_date', 'agent_version', 'tz_dst_date', 'tz_std_date', 'wins_name', 'device_serial',
] as const;

const DEVICE_INT_COLUMNS = [
  'os_type', 'agent_mode', 'online', 'dsc_active', 'dsc_hour', 'dsc_status', 'active_247',
  'check_interval_247', 'status_247', 'utc_offset', 'tz_bias', 'tz_dst_bias', 'tz_std_bias', 'tz_mode',
  'role', 'chassis_type', 'processor_count', 'total_memory', 'takecontrol', 'patch', 'mav', 'mob',
  'systray', 'mavbreck', 'webprotection', 'riskintelligence',
] as const;
