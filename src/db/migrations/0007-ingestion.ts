import { type Kysely, sql } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/** The built-in template checks of this migration's day (dsc_247 2 = 24x7, every 300 s). */
const builtIn = (check_type: number, kind: string, description: string, settings: Record<string, string | number>) =>
  ({ check_type, kind, description, dsc_247: 2, interval_seconds: 300, settings });
const DISK = builtIn(1003, 'disk_space', 'Disk Space Check - /', { path: '/', minFreePercent: 10 });
const UPTIME = builtIn(1017, 'script', 'Script Check - uptime', { command: 'uptime', timeoutSeconds: 30 });
const MEMORY = builtIn(1010, 'performance', 'Performance Monitoring Check - Memory Usage', { counter: 'memory_usage', threshold: 90 });
export const BUILT_IN_CHECKS_0007 = {
  server: [
    DISK,
    builtIn(1013, 'process', 'Process Check - sshd', { name: 'sshd' }),
    builtIn(1012, 'http', 'Web Page Check - http://localhost/', { url: 'http://localhost/', timeoutSeconds: 10, expectStatus: 200 }),
    builtIn(1014, 'tcp_port', 'TCP Service Check - localhost:22', { host: 'localhost', port: 22, timeoutSeconds: 5 }),
    UPTIME,
    builtIn(1009, 'performance', 'Performance Monitoring Check - Processor Queue Length', { counter: 'cpu_queue', threshold: 10 }),
    MEMORY,
  ],
  workstation: [DISK, UPTIME, MEMORY],
};

/**
 * What ingestion needs (src/ingest/): the machine an enrolled device is, the report batches already
 * applied (a retry is applied once), the checks each installation template gives a device, the settings
 * an agent runs a check with, the account's overdue threshold, and natural keys for what agents report
 * again and again (a MAV scan by the agent's scan key, a patch by its key, AV state per device).
 */
export const ingestion: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    const text = (col: any) => col.notNull().defaultTo('');
    const int = (value = 0) => (col: any) => col.notNull().defaultTo(value);

    // Null for devices that were never enrolled by an agent (seeded or created by hand).
    await db.schema.alterTable('devices').addColumn('machine_id', 'varchar(128)').execute();
    await db.schema.createIndex('devices_account_machine').on('devices').columns(['account_id', 'machine_id']).unique().execute();
    // The sweeper's claim (`overdue_since is null and last_response_at < ?`) reads only devices not yet overdue.
    await db.schema
      .createIndex('devices_not_overdue')
      .on('devices')
      .columns(['account_id', 'last_response_at'])
      .where(sql.ref('overdue_since'), 'is', null)
      .execute();

    await db.schema
      .createTable('agent_batches')
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('batch_id', 'varchar(64)', (col) => col.notNull())
      // sha256 (hex) of the batch's canonical JSON: the same id with other content is refused.
      .addColumn('content_sha256', 'varchar(64)', (col) => col.notNull())
      .addColumn('applied_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('agent_batches_pk', ['device_id', 'batch_id'])
      .execute();
    await db.schema.createIndex('agent_batches_applied').on('agent_batches').columns(['applied_at']).execute();

    // The checks a device gets from its site's server or workstation template, copied to it at enrolment.
    await withIdColumn(dialect, db.schema.createTable('template_checks'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('template_id', 'bigint', reference('installation_templates'))
      .addColumn('check_type', 'integer', (col) => col.notNull())
      // The protocol's CheckKind: disk_space | process | http | tcp_port | script | performance | other.
      .addColumn('kind', 'varchar(16)', (col) => col.notNull())
      .addColumn('description', 'varchar(1000)', (col) => col.notNull())
      .addColumn('dsc_247', 'integer', int(2))
      .addColumn('interval_seconds', 'bigint', int(300))
      .addColumn('settings', 'text', (col) => col.notNull().defaultTo('{}'))
      .execute();
    await db.schema.createIndex('template_checks_template').on('template_checks').columns(['template_id', 'id']).execute();
    // Templates that already exist get the built-in checks of their type, as they were when this migration
    // was written (BUILT_IN_CHECKS_0007; DEFAULT_TEMPLATE_CHECKS has changed since, see 0010).
    const templates = await db.selectFrom('installation_templates').select(['id', 'account_id', 'device_type']).orderBy('id').execute();
    const rows = templates.flatMap((t: { id: number; account_id: number; device_type: 'server' | 'workstation' }) =>
      BUILT_IN_CHECKS_0007[t.device_type].map((c) => ({ ...c, account_id: t.account_id, template_id: t.id, settings: JSON.stringify(c.settings) })),
    );
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('template_checks').values(rows.slice(i, i + 500)).execute();

    // How an agent runs each check ('' kind: not one the reference agent runs, e.g. seeded demo checks).
    await db.schema.alterTable('checks').addColumn('kind', 'varchar(16)', text).execute();
    await db.schema.alterTable('checks').addColumn('interval_seconds', 'bigint', int(0)).execute();
    await db.schema.alterTable('checks').addColumn('settings', 'text', (col) => col.notNull().defaultTo('{}')).execute();

    // Opening and closing outages looks up the device's open ones; closed outages pile up over the years.
    await db.schema
      .createIndex('outages_open')
      .on('outages')
      .columns(['device_id', 'check_id'])
      .where(sql.ref('ended_at'), 'is', null)
      .execute();

    await db.schema.alterTable('account_settings').addColumn('overdue_after_seconds', 'bigint', int(600)).execute();

    await db.schema.alterTable('mav_scans').addColumn('scan_key', 'varchar(64)').execute();
    await db.schema.createIndex('mav_scans_device_key').on('mav_scans').columns(['device_id', 'scan_key']).unique().execute();
    await db.schema.alterTable('patch_catalog').addColumn('patch_key', 'varchar(255)').execute();
    await db.schema.createIndex('patch_catalog_key').on('patch_catalog').columns(['patch_key']).unique().execute();
    await db.schema.createIndex('ad_users_device_guid').on('ad_users').columns(['device_id', 'object_guid']).execute();

    // The antivirus product an agent reports (third-party or built in), one row per device.
    await db.schema
      .createTable('device_antivirus')
      .addColumn('device_id', 'bigint', (col) => col.primaryKey().references('devices.id').onDelete('cascade'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('product', 'varchar(255)', text)
      .addColumn('running', 'integer', int(0))
      .addColumn('definitions_version', 'varchar(100)', text)
      .addColumn('definitions_released_at', 'bigint')
      .addColumn('reported_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
