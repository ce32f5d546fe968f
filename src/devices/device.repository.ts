import { type Selectable, sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import { compileScoped } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';
import type { DeviceTable } from '../db/schema.js';
import { CheckStatus } from '../checks/check-status.js';
import type { DeviceType } from './device-type.js';
import { inScope, keysetPages } from '../db/scope-filter.js';

export type DeviceRow = Selectable<DeviceTable>;

/** The columns list_devices_at_client reads (check counts are kept per device by triggers). */
const SUMMARY_COLUMNS = [
  'id', 'name', 'username', 'description', 'overdue_since', 'offline_reason',
  'takecontrol', 'patch', 'mav', 'mob', 'systray', 'mavbreck', 'webprotection', 'riskintelligence',
  'check_total', 'check_pass', 'check_clear', 'check_fail',
] as const;

export type DeviceSummaryRow = Pick<DeviceRow, (typeof SUMMARY_COLUMNS)[number]>;

/**
 * The columns of a device the calls about its monitoring show (list_checks, list_device_monitoring_details):
 * 17 of the table's 64, a third of the cost of reading the whole row.
 */
const MONITORED_COLUMNS = [
  'id', 'device_type', 'name', 'description', 'username', 'guid', 'os', 'agent_version', 'last_response_at', 'last_boot_at',
  'utc_offset', 'takecontrol', 'patch', 'mav', 'mob', 'systray', 'mavbreck',
] as const;

export type MonitoredDeviceRow = Pick<DeviceRow, (typeof MONITORED_COLUMNS)[number]>;

/** Clients by id, `from` to `to` inclusive: the clients of one batch of a list over many clients. */
export type ClientRange = { from: number; to: number };

/** Which devices the dashboard's All Devices list shows: one type, optionally one client or one site. */
export type DeviceListFilter = { deviceType: DeviceType; clientId?: number; siteId?: number };

/** A row of the dashboard's device list. */
export type DeviceListRow = {
  id: number;
  name: string;
  description: string;
  os: string;
  client_id: number;
  client_name: string;
  site_id: number;
  site_name: string;
  last_response_at: number | null;
  last_boot_at: number | null;
  overdue_since: number | null;
  offline_reason: string | null;
  failing_checks: number;
  total_checks: number;
};

/**
 * A device needing attention whatever its checks' kind. Written as the partial index devices_problem's
 * WHERE (migration 0015), which the planners use only for a query whose WHERE implies it.
 */
const PROBLEM_DEVICE = sql<boolean>`(d.overdue_since is not null or d.offline_reason is not null or d.check_fail > 0)`;

export function createDeviceRepository(db: Db) {
  // Every call naming a device runs one of these (list_checks and list_device_monitoring_details the
  // narrower one): compiled once (see compileScoped).
  const visible = compileScoped((args: { deviceId: number }, scope) =>
    db.selectFrom('devices as d').selectAll('d').where('d.id', '=', args.deviceId).where(inScope(scope, 'd')),
  );
  const visibleMonitored = compileScoped((args: { deviceId: number }, scope) =>
    db.selectFrom('devices as d').select(MONITORED_COLUMNS.map((c) => `d.${c}` as const)).where('d.id', '=', args.deviceId).where(inScope(scope, 'd')),
  );

  return {
    /** Every column of the devices of one type at a site, in id order (list_servers / list_workstations). */
    pagesBySite(scope: Scope, siteId: number, deviceType: DeviceType) {
      return keysetPages(
        (after: number | undefined, limit) =>
          db
            .selectFrom('devices as d')
            .selectAll('d')
            .where(inScope(scope, 'd'))
            .where('d.site_id', '=', siteId)
            .where('d.device_type', '=', deviceType)
            .where('d.id', '>', after ?? 0)
            .orderBy('d.id')
            .limit(limit)
            .execute(),
        (row) => row.id,
      );
    },

    /** Devices of one type at a site ordered by name, with their check counts (kept by triggers) (list_devices_at_client). */
    pagesBySiteByName(scope: Scope, siteId: number, deviceType: DeviceType) {
      return keysetPages(
        (after: { name: string; id: number } | undefined, limit) => {
          let q = db
            .selectFrom('devices as d')
            .select(SUMMARY_COLUMNS.map((column) => `d.${column}` as const))
            .where(inScope(scope, 'd'))
            .where('d.site_id', '=', siteId)
            .where('d.device_type', '=', deviceType);
          if (after) {
            q = q.where((eb) => eb.or([eb('d.name', '>', after.name), eb.and([eb('d.name', '=', after.name), eb('d.id', '>', after.id)])]));
          }
          return q.orderBy('d.name').orderBy('d.id').limit(limit).execute() as Promise<DeviceSummaryRow[]>;
        },
        (row) => ({ name: row.name, id: row.id }),
      );
    },

    /**
     * One page of the dashboard's device list, by name then id, after the (name, id) keyset cursor.
     * The (account|client|site, device_type, name, id) indexes make any page as cheap as the first.
     */
    async listPage(scope: Scope, filter: DeviceListFilter, after: { name: string; id: number } | undefined, limit: number): Promise<DeviceListRow[]> {
      let q = db
        .selectFrom('devices as d')
        .innerJoin('clients as c', 'c.id', 'd.client_id')
        .innerJoin('sites as s', 's.id', 'd.site_id')
        .select([
          'd.id', 'd.name', 'd.description', 'd.os', 'd.client_id', 'c.name as client_name', 'd.site_id', 's.name as site_name',
          'd.last_response_at', 'd.last_boot_at', 'd.overdue_since', 'd.offline_reason',
          'd.check_fail as failing_checks',
          'd.check_total as total_checks',
        ])
        .where(inScope(scope, 'd'))
        .where('d.device_type', '=', filter.deviceType);
      if (filter.siteId !== undefined) q = q.where('d.site_id', '=', filter.siteId);
      else if (filter.clientId !== undefined) q = q.where('d.client_id', '=', filter.clientId);
      if (after) {
        q = q.where((eb) => eb.or([eb('d.name', '>', after.name), eb.and([eb('d.name', '=', after.name), eb('d.id', '>', after.id)])]));
      }
      return q.orderBy('d.name').orderBy('d.id').limit(limit).execute() as Promise<DeviceListRow[]>;
    },

    /** How many devices of each type the dashboard's filter matches (the tab counts). */
    async countByType(scope: Scope, filter: Omit<DeviceListFilter, 'deviceType'>): Promise<Record<DeviceType, number>> {
      let q = db
        .selectFrom('devices as d')
        .select(['d.device_type', (eb) => eb.fn.countAll<number>().as('n')])
        .where(inScope(scope, 'd'));
      if (filter.siteId !== undefined) q = q.where('d.site_id', '=', filter.siteId);
      else if (filter.clientId !== undefined) q = q.where('d.client_id', '=', filter.clientId);
      const rows = await q.groupBy('d.device_type').execute();
      const counts: Record<DeviceType, number> = { server: 0, workstation: 0, mobile_device: 0 };
      for (const row of rows) counts[row.device_type] = Number(row.n);
      return counts;
    },

    /** The device if it exists and the scope sees it. */
    async findVisible(scope: Scope, deviceId: number): Promise<DeviceRow | undefined> {
      return visible.takeFirst(db, scope, { deviceId });
    },

    /** The device's MONITORED_COLUMNS if it exists and the scope sees it. */
    async findVisibleMonitored(scope: Scope, deviceId: number): Promise<MonitoredDeviceRow | undefined> {
      return visibleMonitored.takeFirst(db, scope, { deviceId });
    },

    /**
     * Devices of the clients whose ids are in `clients` (a range, often of one) that need attention
     * (failing checks of the chosen kind, overdue or offline), for list_failing_checks: by client, then
     * site id, then device name. The order of devices_problem (migration 0015), so no sort: the caller
     * puts the sites in name order (joining sites to sort by their name here cost a quarter of the query).
     * Callers bound the range so it holds a page of devices.
     */
    async problemDevicesOfClients(scope: Scope, clients: ClientRange, onlyTasks: boolean) {
      const failing = onlyTasks
        ? sql<boolean>`exists (select 1 from checks k where k.device_id = d.id and k.statusid = ${CheckStatus.fail} and k.is_task = 1)`
        : PROBLEM_DEVICE;
      return db
        .selectFrom('devices as d')
        .select(['d.client_id', 'd.id', 'd.name', 'd.device_type', 'd.site_id', 'd.overdue_since', 'd.offline_reason', 'd.utc_offset'])
        .where(inScope(scope, 'd'))
        .where('d.client_id', '>=', clients.from)
        .where('d.client_id', '<=', clients.to)
        .where(failing)
        .orderBy('d.client_id')
        .orderBy('d.site_id')
        .orderBy('d.name')
        .orderBy('d.id')
        .execute();
    },
  };
}

export type DeviceRepository = ReturnType<typeof createDeviceRepository>;
