import type { Kysely } from 'kysely';
import { reference, withIdColumn } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * Asset tracking (hardware, software, license groups), patches, Managed Antivirus scans / threats /
 * quarantine, Active Directory users and per-account settings. Device-level rows carry account_id and
 * client_id so the scope rule applies to them directly in SQL; shared names (software titles, patch
 * titles) live once in catalog tables instead of once per device.
 */
export const assets: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    const text = (col: any) => col.notNull().defaultTo('');
    const int = (value = 0) => (col: any) => col.notNull().defaultTo(value);

    // Software titles are product names, not customer data: one global catalog (catalogid on the wire).
    await withIdColumn(dialect, db.schema.createTable('software_catalog'))
      .addColumn('name', 'varchar(500)', (col) => col.notNull().unique())
      .addColumn('publisher', 'varchar(200)', text)
      // Hotfix | Update | All; "Licenced" is derived per account from its license groups.
      .addColumn('software_type', 'varchar(16)', (col) => col.notNull().defaultTo('All'))
      .execute();

    await withIdColumn(dialect, db.schema.createTable('device_software'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('catalog_id', 'bigint', reference('software_catalog', 'restrict'))
      .addColumn('version', 'varchar(100)', text)
      .addColumn('installed_at', 'bigint')
      .addColumn('modified', 'integer', int())
      // Uninstalled software stays listed (deleted=1) for four days.
      .addColumn('deleted_at', 'bigint')
      .execute();
    await db.schema.createIndex('device_software_device').on('device_software').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('device_hardware'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('hardware_type', 'integer', (col) => col.notNull())
      .addColumn('name', 'varchar(500)', text)
      .addColumn('manufacturer', 'varchar(200)', text)
      .addColumn('details', 'varchar(2000)', text)
      .addColumn('status', 'varchar(64)', text)
      .addColumn('deleted', 'integer', int())
      .addColumn('modified', 'integer', int())
      .execute();
    await db.schema.createIndex('device_hardware_device').on('device_hardware').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('license_groups'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addUniqueConstraint('license_groups_account_name', ['account_id', 'name'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('license_group_items'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('license_group_id', 'bigint', reference('license_groups'))
      .addColumn('catalog_id', 'bigint', reference('software_catalog', 'restrict'))
      .addUniqueConstraint('license_group_items_group_catalog', ['license_group_id', 'catalog_id'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('client_license_counts'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('license_group_id', 'bigint', reference('license_groups'))
      // Licenses owned, as typed on the dashboard (the wire sends it as a string).
      .addColumn('owned', 'varchar(32)', text)
      .addUniqueConstraint('client_license_counts_client_group', ['client_id', 'license_group_id'])
      .execute();

    await withIdColumn(dialect, db.schema.createTable('patch_catalog'))
      .addColumn('title', 'varchar(500)', (col) => col.notNull().unique())
      .addColumn('product', 'varchar(200)', text)
      .addColumn('severity', 'integer', int())
      .addColumn('url', 'varchar(500)', text)
      .addColumn('released_at', 'bigint')
      .addColumn('uninstallable', 'integer', int())
      .execute();

    await withIdColumn(dialect, db.schema.createTable('device_patches'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('patch_catalog_id', 'bigint', reference('patch_catalog', 'restrict'))
      .addColumn('policy', 'integer', int(4))
      .addColumn('status', 'integer', int(1))
      .addColumn('installed_at', 'bigint')
      .addColumn('deployable', 'integer', int(1))
      .execute();
    await db.schema.createIndex('device_patches_device').on('device_patches').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('mav_scans'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('engine', 'integer', (col) => col.notNull())
      .addColumn('kind', 'varchar(16)', (col) => col.notNull())
      .addColumn('state', 'varchar(16)', (col) => col.notNull())
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('cookies_scanned', 'bigint', int())
      .addColumn('files_scanned', 'bigint', int())
      .addColumn('folders_scanned', 'bigint', int())
      .addColumn('registry_scanned', 'bigint', int())
      .addColumn('processes_scanned', 'bigint', int())
      .execute();
    await db.schema.createIndex('mav_scans_device').on('mav_scans').columns(['device_id', 'started_at']).execute();

    await withIdColumn(dialect, db.schema.createTable('mav_threats'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('scan_id', 'bigint', reference('mav_scans'))
      .addColumn('name', 'varchar(500)', (col) => col.notNull())
      .addColumn('category', 'varchar(200)', text)
      .addColumn('status', 'varchar(32)', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('mav_threats_device').on('mav_threats').columns(['device_id', 'scan_id']).execute();

    await withIdColumn(dialect, db.schema.createTable('mav_traces'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('threat_id', 'bigint', reference('mav_threats'))
      .addColumn('trace_type', 'varchar(32)', text)
      .addColumn('description', 'varchar(2000)', text)
      .addColumn('status', 'varchar(32)', text)
      .execute();
    await db.schema.createIndex('mav_traces_threat').on('mav_traces').columns(['threat_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('mav_scan_errors'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('scan_id', 'bigint', reference('mav_scans'))
      .addColumn('item', 'varchar(2000)', text)
      .addColumn('reason', 'varchar(64)', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('mav_scan_errors_scan').on('mav_scan_errors').columns(['scan_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('mav_quarantine'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('threat_id', 'bigint', reference('mav_threats'))
      // VIPRE: a GUID; Bitdefender: the integer quarantine id as text.
      .addColumn('guid', 'varchar(64)', (col) => col.notNull())
      .addColumn('statusid', 'integer', (col) => col.notNull())
      .addColumn('event_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('mav_quarantine_device').on('mav_quarantine').columns(['device_id', 'id']).execute();

    await withIdColumn(dialect, db.schema.createTable('ad_users'))
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('client_id', 'bigint', reference('clients'))
      .addColumn('site_id', 'bigint', reference('sites'))
      .addColumn('device_id', 'bigint', reference('devices'))
      .addColumn('object_guid', 'varchar(32)', (col) => col.notNull())
      .addColumn('status', 'integer', int())
      .addColumn('samaccountname', 'varchar(256)', text)
      .addColumn('displayname', 'varchar(256)', text)
      .addColumn('mail', 'varchar(320)', text)
      .addColumn('department', 'varchar(200)', text)
      .addColumn('title', 'varchar(200)', text)
      .addColumn('last_logon_at', 'bigint')
      .addColumn('enabled', 'integer', int(1))
      .execute();
    await db.schema.createIndex('ad_users_site').on('ad_users').columns(['site_id', 'id']).execute();

    // One row per account; an account without one answers the defaults below.
    await db.schema
      .createTable('account_settings')
      .addColumn('account_id', 'bigint', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('clear24x7checks', 'integer', int(0))
      .addColumn('cleardailysafetychecks', 'integer', int(0))
      .addColumn('notesbacklog', 'integer', int(30))
      .addColumn('forcenotes', 'integer', int(0))
      .addColumn('wallchart_servers_show24x7problems', 'integer', int(1))
      .addColumn('wallchart_servers_showdailysafetycheckproblems', 'integer', int(1))
      .addColumn('wallchart_servers_showautomatedtaskproblems', 'integer', int(1))
      .addColumn('wallchart_servers_includeoverdueservers', 'integer', int(1))
      .addColumn('wallchart_servers_includeofflineservers', 'integer', int(0))
      .addColumn('wallchart_workstations_show24x7problems', 'integer', int(1))
      .addColumn('wallchart_workstations_showdailysafetycheckproblems', 'integer', int(1))
      .addColumn('wallchart_workstations_showautomatedtaskproblems', 'integer', int(0))
      .execute();
  },
};
