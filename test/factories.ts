import type { Insertable } from 'kysely';
import type { DatabaseHandle } from '../src/db/database.js';
import type { CheckTable, DeviceTable } from '../src/db/schema.js';
import type { DeviceType } from '../src/devices/device-type.js';
import { CheckStatus } from '../src/checks/check-status.js';
import { MAX_BIND_PARAMETERS } from '../src/db/dialect.js';
import { fixedClock } from '../src/lib/clock.js';
import { loadConfig } from '../src/config.js';
import { createServices } from '../src/services.js';
import { TEST_NOW } from './support/app.js';

/**
 * Small, explicit test data: every value a golden file shows is chosen here, not by the demo generator.
 * These write through Kysely directly because they build fixtures, not product behaviour.
 */
export const NOW = Math.floor(Date.parse(TEST_NOW) / 1000);

export function servicesFor(database: DatabaseHandle) {
  return createServices({ config: loadConfig({}), database, clock: fixedClock(TEST_NOW) });
}

export async function makeAccount(database: DatabaseHandle, name: string, timezone = 'Europe/London') {
  const services = servicesFor(database);
  const { account } = await services.accounts.findOrCreate(name, { timezone });
  const apiKey = await services.apiKeys.regenerate(account.id, null);
  return { account, apiKey, services };
}

export async function makeClient(database: DatabaseHandle, accountId: number, name: string, extra: Record<string, unknown> = {}) {
  return database.db
    .insertInto('clients')
    .values({ account_id: accountId, name, creation_date: '2024-03-01', timezone: '', ...extra })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

export async function makeSite(database: DatabaseHandle, accountId: number, clientId: number, name: string) {
  return database.db
    .insertInto('sites')
    .values({ account_id: accountId, client_id: clientId, name, creation_date: '2024-03-02', primary_router: '203.0.113.1' })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

type SiteRef = { accountId: number; clientId: number; siteId: number };

/** A device row with believable defaults; every value a golden shows is fixed here. */
export function deviceRow(site: SiteRef, type: DeviceType, name: string, extra: Partial<Insertable<DeviceTable>> = {}): Insertable<DeviceTable> {
  return {
    account_id: site.accountId, client_id: site.clientId, site_id: site.siteId, device_type: type,
    guid: `guid-${name}`, name, description: `${name} description`, username: 'CORP\\alice', domain: 'corp.local',
    manufacturer: 'Dell Inc.', model: 'OptiPlex 7090', ip: '192.168.1.10', external_ip: '198.51.100.7',
    mac1: '00:11:22:33:44:55', mac2: '', mac3: '', os: 'Microsoft Windows 11 Pro', os_details: '10.0.22631',
    os_type: 1, service_pack: 'Service Pack 0', os_serial_number: '00330-80000-00000-AA123', os_product_key: '',
    install_date: '2024-03-03', last_boot_at: NOW - 86400, last_response_at: NOW - 300, last_scan_at: NOW - 7200,
    overdue_since: null, offline_reason: null, agent_version: '10_13_8', agent_mode: 1, online: 1, dsc_active: 1,
    dsc_hour: 2, dsc_status: 1, active_247: 1, check_interval_247: 15, status_247: 2, utc_offset: 3600, tz_bias: -60,
    tz_dst_bias: -60, tz_std_bias: 0, tz_mode: 1, tz_dst_date: '0000-03-05:00T01:00:00', tz_std_date: '0000-10-05:00T02:00:00',
    wins_name: name, role: 1, chassis_type: 3, device_serial: 'SN123', processor_count: 4, total_memory: 17179869184,
    takecontrol: 1, patch: 1, mav: 1, mob: 0, systray: 1, mavbreck: 0, webprotection: 0, riskintelligence: 0,
    ...extra,
  };
}

export async function makeDevice(database: DatabaseHandle, site: SiteRef, type: DeviceType, name: string, extra: Partial<Insertable<DeviceTable>> = {}) {
  return database.db.insertInto('devices').values(deviceRow(site, type, name, extra)).returning(['id', 'name']).executeTakeFirstOrThrow();
}

/** Many devices at one site (streaming tests), inserted in one transaction in batches under the bind limit. */
export async function makeDevices(database: DatabaseHandle, site: SiteRef, type: DeviceType, count: number, prefix = 'BULK') {
  const rows = Array.from({ length: count }, (_, i) => deviceRow(site, type, `${prefix}-${String(i).padStart(6, '0')}`));
  const batch = Math.floor(MAX_BIND_PARAMETERS / Object.keys(rows[0]!).length);
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += batch) await trx.insertInto('devices').values(rows.slice(i, i + batch)).execute();
  });
}

export async function makeCheck(
  database: DatabaseHandle,
  device: { accountId: number; clientId: number; siteId: number; deviceId: number },
  description: string,
  extra: Partial<Insertable<CheckTable>> = {},
) {
  return database.db
    .insertInto('checks')
    .values({
      account_id: device.accountId, client_id: device.clientId, site_id: device.siteId, device_id: device.deviceId,
      uid: 7, sync_status: 1, check_type: 1003, is_task: 0, description, dsc_247: 2, statusid: CheckStatus.pass,
      consecutive_fails: 0, last_run_at: NOW - 600, email: 1, sms: 0, emailrecovery: 0, smsrecovery: 0,
      extra: 'ok', formatted_output: 'ok', ...extra,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

/** A small MSP: account "acme" with three clients, sites, servers, workstations, checks, an outage and a note. */
export async function makeFleet(database: DatabaseHandle, accountName = 'acme') {
  const { account, apiKey, services } = await makeAccount(database, accountName);
  const a = account.id;
  const alpha = await makeClient(database, a, 'Alpha Dental & Co <Ltd>');
  const beta = await makeClient(database, a, 'Beta Logistics', { timezone: 'America/New_York', view_dashboard: 1 });
  const alphaHq = await makeSite(database, a, alpha.id, 'Head Office');
  const alphaBranch = await makeSite(database, a, alpha.id, 'Branch ]]> Office');
  const betaMain = await makeSite(database, a, beta.id, 'Main Site');
  const at = (client: { id: number }, site: { id: number }) => ({ accountId: a, clientId: client.id, siteId: site.id });
  const alphaDc = await makeDevice(database, at(alpha, alphaHq), 'server', 'ALPHA-DC01');
  const alphaWs = await makeDevice(database, at(alpha, alphaHq), 'workstation', 'ALPHA-WS001', { last_boot_at: null });
  const alphaWs2 = await makeDevice(database, at(alpha, alphaBranch), 'workstation', 'ALPHA-WS002', { overdue_since: NOW - 7200, online: 0 });
  const betaSrv = await makeDevice(database, at(beta, betaMain), 'server', 'BETA-FS01', { offline_reason: 'offline - maintenance mode' });
  const betaWs = await makeDevice(database, at(beta, betaMain), 'workstation', 'BETA-WS001');
  const on = (client: { id: number }, site: { id: number }, device: { id: number }) => ({ ...at(client, site), deviceId: device.id });
  const disk = await makeCheck(database, on(alpha, alphaHq, alphaDc), 'Disk Space Check - Drive C:', { statusid: CheckStatus.fail, consecutive_fails: 3, extra: '2.1GB free', formatted_output: '<b>2.1GB free (1.7%)</b>' });
  const backup = await makeCheck(database, on(alpha, alphaHq, alphaDc), 'Backup Check - Backup & Recovery', { check_type: 1002, dsc_247: 1 });
  await makeCheck(database, on(alpha, alphaHq, alphaWs), 'Windows Service Check - Print Spooler', { check_type: 1013, statusid: CheckStatus.cleared });
  const task = await makeCheck(database, on(beta, betaMain, betaWs), 'Automated Task - Clear temp files', { check_type: 1018, is_task: 1, statusid: CheckStatus.fail, consecutive_fails: 1 });
  await database.db.insertInto('outages').values([
    { account_id: a, device_id: alphaDc.id, check_id: disk.id, reason: 'CHECK_FAILURE', started_at: NOW - 3600, ended_at: null, cause: '2.1GB free' },
    { account_id: a, device_id: alphaDc.id, check_id: null, reason: 'DEVICE_OVERDUE', started_at: NOW - 10 * 86400, ended_at: NOW - 10 * 86400 + 5400, cause: '' },
    { account_id: a, device_id: alphaDc.id, check_id: backup.id, reason: 'CHECK_FAILURE', started_at: NOW - 90 * 86400, ended_at: NOW - 89 * 86400, cause: 'too old to list' },
  ]).execute();
  await database.db.insertInto('check_notes').values({ account_id: a, check_id: disk.id, device_id: alphaDc.id, user_id: null, created_at: NOW - 1800, private_note: 'Freed space on C:', public_note: 'Working on it' }).execute();
  // Created last so the ids above stay stable: a healthy client with workstations only (devicetype filters).
  const gamma = await makeClient(database, a, 'Gamma Clinic');
  const gammaSurgery = await makeSite(database, a, gamma.id, 'Surgery');
  const gammaWs = await makeDevice(database, at(gamma, gammaSurgery), 'workstation', 'GAMMA-WS001');
  return {
    account, apiKey, services,
    clients: { alpha, beta, gamma },
    sites: { alphaHq, alphaBranch, betaMain, gammaSurgery },
    devices: { alphaDc, alphaWs, alphaWs2, betaSrv, betaWs, gammaWs },
    checks: { disk, backup, task },
  };
}

export type Fleet = Awaited<ReturnType<typeof makeFleet>>;

/**
 * The users and personal keys the write-service tests call with: an Administrator's read and read-write
 * keys, a Standard user's (no Clients/Sites permission), and a read-write key of an Administrator whose
 * group ("Beta only") holds only the beta client. Users get `password` so they can sign in to the dashboard.
 */
export async function makeWriteKeys(fleet: Fleet, from: string, password?: string) {
  const s = fleet.services;
  const system = s.access.systemActor(fleet.account.id);
  await s.clientGroups.create(system, from, { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
  await s.users.add(system, from, { email: 'admin@acme.test', role: 'administrator', password });
  await s.users.add(system, from, { email: 'standard@acme.test', role: 'standard', password });
  await s.users.add(system, from, { email: 'scoped@acme.test', role: 'administrator', group: 'Beta only', password });
  const user = async (email: string) => (await s.repos.users.findByEmail(email))!;
  return {
    read: (await s.personalKeys.create(system, from, await user('admin@acme.test'), { name: 'r', scope: 'read' })).key,
    readWrite: (await s.personalKeys.create(system, from, await user('admin@acme.test'), { name: 'rw', scope: 'read-write' })).key,
    standard: (await s.personalKeys.create(system, from, await user('standard@acme.test'), { name: 'rw', scope: 'read-write' })).key,
    restricted: (await s.personalKeys.create(system, from, await user('scoped@acme.test'), { name: 'rw', scope: 'read-write' })).key,
  };
}

/**
 * Dashboard users of the fleet's account, added by the system actor: a superuser `admin@acme.test`, one
 * user of each role in `roles` (`ROLE@acme.test`), and with `betaAdmin` a client group "Beta only" and its
 * administrator `beta-admin@acme.test`, who sees Beta alone.
 */
export async function addDashboardUsers(fleet: Fleet, password: string, options: { roles: string[]; betaAdmin?: boolean }): Promise<void> {
  const system = fleet.services.access.systemActor(fleet.account.id);
  const add = (email: string, role: string, group?: string) => fleet.services.users.add(system, 'test', { email, role, password, group });
  await add('admin@acme.test', 'superuser');
  for (const role of options.roles) await add(`${role}@acme.test`, role);
  if (options.betaAdmin) {
    await fleet.services.clientGroups.create(system, 'test', { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
    await add('beta-admin@acme.test', 'administrator', 'Beta only');
  }
}
