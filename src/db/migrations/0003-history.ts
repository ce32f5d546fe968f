import type { Kysely } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * History behind the performance, storage, backup, antivirus-update and Backup & Recovery services.
 * Dense series (15-minute performance samples, daily drive sizes) are not stored point by point: a
 * monitor row holds what the series is derived from (see src/history/*-series.ts), so 50,000 devices
 * stay cheap to seed. Daily check results are stored sparsely: only days that were not a plain pass.
 */
export const history: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    const text = (col: any) => col.notNull().defaultTo('');
    const int = (col: any) => col.notNull().defaultTo(0);

    await withIdColumn(dialect, db.schema.createTable('performance_monitors'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('check_id', 'bigint', reference('checks'))
      // bandwidth | cpu_load | cpu_queue | disk_load | network_usage | memory_usage
      .addColumn('kind', 'varchar(16)', (col) => col.notNull())
      .addColumn('name', 'varchar(255)', text)
      .addColumn('target', 'varchar(255)', text)
      .addColumn('thresholds', 'varchar(1000)', (col) => col.notNull().defaultTo('{}'))
      .addColumn('cpu_count', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('seed', 'bigint', int)
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('performance_monitors_device').on('performance_monitors').columns(['device_id', 'kind', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('storage_monitors'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('check_id', 'bigint', reference('checks'))
      // drive | exchange_store
      .addColumn('kind', 'varchar(16)', (col) => col.notNull())
      .addColumn('drive_letter', 'varchar(8)', text)
      .addColumn('mount_point', 'varchar(255)', text)
      .addColumn('store_name', 'varchar(255)', text)
      .addColumn('edb_file', 'varchar(500)', text)
      .addColumn('slv_file', 'varchar(500)', text)
      // First UTC day with data (YYYY-MM-DD); the series runs from it to today.
      .addColumn('first_day', 'varchar(10)', (col) => col.notNull())
      .addColumn('base_mb', 'bigint', int)
      .addColumn('daily_growth_mb', 'bigint', int)
      .addColumn('seed', 'bigint', int)
      .execute();
    await db.schema.createIndex('storage_monitors_device').on('storage_monitors').columns(['device_id', 'kind', 'id']).execute();

    // Days (account timezone) on which a check did not simply run and pass: FAIL, CLEARED, or INACTIVE (did not run).
    await db.schema
      .createTable('check_day_results')
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('check_id', 'bigint', reference('checks'))
      .addColumn('day', 'varchar(10)', (col) => col.notNull())
      .addColumn('result', 'varchar(16)', (col) => col.notNull())
      .addPrimaryKeyConstraint('check_day_results_pk', ['check_id', 'day'])
      .execute();
    await db.schema.createIndex('check_day_results_device').on('check_day_results').columns(['device_id', 'day']).execute();

    await withIdColumn(dialect, db.schema.createTable('mob_sessions'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('site_id', 'bigint', reference('sites'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('storage_account_id', 'varchar(64)', text)
      .addColumn('slot_id', 'bigint', int)
      .addColumn('type', 'varchar(16)', (col) => col.notNull())
      .addColumn('plugin', 'varchar(32)', (col) => col.notNull())
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('ended_at', 'bigint', (col) => col.notNull())
      .addColumn('selection_size', 'bigint', int)
      .addColumn('selection_item_count', 'bigint', int)
      .addColumn('size_change', 'bigint', int)
      .addColumn('item_count_change', 'bigint', int)
      .addColumn('removed_item_count', 'bigint', int)
      .addColumn('processed_size', 'bigint', int)
      .addColumn('processed_item_count', 'bigint', int)
      .addColumn('transferred_size', 'bigint', int)
      .addColumn('error_count', 'bigint', int)
      .addColumn('status', 'varchar(32)', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('mob_sessions_device').on('mob_sessions').columns(['device_id', 'started_at', 'id']).execute();

    // The antivirus products the Antivirus Update Check knows, and their definition releases: one catalogue per deployment.
    await db.schema
      .createTable('av_products')
      .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('av_definitions')
      .addColumn('product_id', 'varchar(64)', (col) => col.notNull().references('av_products.id').onDelete('cascade'))
      .addColumn('version', 'varchar(64)', (col) => col.notNull())
      .addColumn('released_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('av_definitions_pk', ['product_id', 'version'])
      .execute();
    await db.schema.createIndex('av_definitions_released').on('av_definitions').columns(['product_id', 'released_at']).execute();
    await db.insertInto('av_products').values(AV_PRODUCTS.map(([id, name]) => ({ id, name }))).execute();
  },
};

/** The products as of this migration (a later migration adds more rather than editing this list). */
const AV_PRODUCTS: readonly (readonly [string, string])[] = [
  ['avast', 'Avast Antivirus'],
  ['avg', 'AVG AntiVirus'],
  ['bitdefender', 'Bitdefender Endpoint Security'],
  ['eset', 'ESET Endpoint Antivirus'],
  ['kaspersky', 'Kaspersky Endpoint Security'],
  ['mcafee', 'McAfee Endpoint Security'],
  ['managed_antivirus', 'Managed Antivirus'],
  ['sophos', 'Sophos Endpoint'],
  ['symantec', 'Symantec Endpoint Protection'],
  ['trendmicro', 'Trend Micro Apex One'],
  ['vipre', 'VIPRE Endpoint Security'],
  ['windows_defender', 'Microsoft Defender Antivirus'],
];
