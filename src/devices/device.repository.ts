import { type Selectable, sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { DeviceTable } from '../db/schema.js';
import { CheckStatus } from '../checks/check-status.js';
import type { DeviceType } from './device-type.js';
import { inScope, keysetPages } from '../db/scope-filter.js';

export type DeviceRow = Selectable<DeviceTable>;

/** The columns list_devices_at_client reads as they are (check counts are kept per device by triggers). */
const SUMMARY_COLUMNS = ['id', 'name', 'username', 'description', 'overdue_since', 'offline_reason', 'check_total', 'check_pass', 'check_clear', 'check_fail'] as const;
/** Its eight feature flags (0 or 1 as stored by seeding and ingestion), read as one number. */
const FLAG_COLUMNS = ['takecontrol', 'patch', 'mav', 'mob', 'systray', 'mavbreck', 'webprotection', 'riskintelligence'] as const;

export type DeviceSummaryRow = Pick<DeviceRow, (typeof SUMMARY_COLUMNS)[number] | (typeof FLAG_COLUMNS)[number]>;

/**
 * The flags packed into one integer, bit i for FLAG_COLUMNS[i], or -1 when any of them is not 0 or 1
 * (then they are read as they are). Handing over a value costs the drivers about as much as a row's
 * reading: eight values fewer per row took a quarter off the query of a 10,000-device client.
 */
const PACKED_FLAGS = sql<number>`case when (${sql.join(FLAG_COLUMNS.map((c) => sql.ref(`d.${c}`)), sql` | `)}) in (0, 1) then ${sql.join(
  FLAG_COLUMNS.map((c, bit) => sql`${sql.ref(`d.${c}`)} * ${sql.lit(2 ** bit)}`),
  sql` + `,
)} else -1 end`;

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
        async (after: { name: string; id: number } | undefined, limit) => {
          let q = db
            .selectFrom('devices as d')
            .select(SUMMARY_COLUMNS.map((column) => `d.${column}` as const))
            .select(PACKED_FLAGS.as('flags'))
            .where(inScope(scope, 'd'))
            .where('d.site_id', '=', siteId)
            .where('d.device_type', '=', deviceType);
          if (after) {
            q = q.where((eb) => eb.or([eb('d.name', '>', after.name), eb.and([eb('d.name', '=', after.name), eb('d.id', '>', after.id)])]));
          }
          const rows = await q.orderBy('d.name').orderBy('d.id').limit(limit).execute();
          const unpacked = rows.filter((row) => row.flags < 0).map((row) => row.id);
          const asStored = unpacked.length === 0
            ? undefined
            : new Map((await db.selectFrom('devices as d').select(['d.id', ...FLAG_COLUMNS.map((c) => `d.${c}` as const)]).where(inScope(scope, 'd')).where('d.id', 'in', unpacked).execute()).map((row) => [row.id, row]));
          return rows.map((row): DeviceSummaryRow => {
            const { flags } = row;
            const stored = asStored?.get(row.id);
            return {
              id: row.id, name: row.name, username: row.username, description: row.description, overdue_since: row.overdue_since, offline_reason: row.offline_reason,
              takecontrol: stored ? stored.takecontrol : flags & 1,
              patch: stored ? stored.patch : (flags >> 1) & 1,
              mav: stored ? stored.mav : (flags >> 2) & 1,
              mob: stored ? stored.mob : (flags >> 3) & 1,
              systray: stored ? stored.systray : (flags >> 4) & 1,
              mavbreck: stored ? stored.mavbreck : (flags >> 5) & 1,
              webprotection: stored ? stored.webprotection : (flags >> 6) & 1,
              riskintelligence: stored ? stored.riskintelligence : (flags >> 7) & 1,
              check_total: row.check_total, check_pass: row.check_pass, check_clear: row.check_clear, check_fail: row.check_fail,
            };
          });
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
      return db.selectFrom('devices as d').selectAll('d').where('d.id', '=', deviceId).where(inScope(scope, 'd')).executeTakeFirst();
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
