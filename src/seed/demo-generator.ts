import type { Insertable } from 'kysely';
import type { DeviceFacts } from '../agent-protocol/protocol.schema.js';
import { type CheckFold, checkUid } from '../checks/check-derivation.js';
import type { CheckDayResultTable, CheckNoteTable, CheckTable, DeviceTable, MobSessionTable, OutageTable } from '../db/schema.js';
import type { DeviceType } from '../devices/device-type.js';
import { CheckStatus } from '../checks/check-status.js';
import { deviceColumnsFromFacts, overdueSince } from '../devices/device-derivation.js';
import { utcDate } from '../lib/dates.js';
import { seededBackups, seededCheckFold } from './check-history-generator.js';
import {
  AGENT_VERSIONS, CHECK_TEMPLATES, COMPANY_FIRST, COMPANY_KIND, COMPANY_SUFFIX, FIRST_NAMES, SERVER_HARDWARE,
  SERVER_OS, SERVER_ROLES, SITE_NAMES, TIMEZONES, WORKSTATION_HARDWARE, WORKSTATION_OS,
} from './catalog.js';
import { assignMavEngines, clientLicenseRows, prepareAssetSeed, seedAssetsForBatch } from './asset-generator.js';
import { Prng } from './prng.js';
import type { SeedRepository } from './seed.repository.js';
import { avDefinitionRows, FULL_HISTORY_DEVICES, seedHistory } from './history-generator.js';

export type SeedOptions = {
  accountId: number;
  clients: number;
  devices: number;
  seed: string | number;
  /** Epoch seconds "now"; times are generated relative to it (rounded down to the hour). */
  now: number;
  onProgress?: (devicesDone: number, devicesTotal: number) => void;
};

export type SeedSummary = { clients: number; sites: number; devices: number; checks: number; outages: number };

const DEVICES_PER_BATCH = 500;

/**
 * Creates a believable MSP's data: clients of uneven size (a few large, many small), each with servers
 * and workstations over several sites, a realistic mix of checks with some failing, some devices overdue
 * or offline, open and closed outages, check notes, failed days and Backup & Recovery sessions (made-up
 * results folded by ingestion's rules, check-history-generator.ts), and performance and drive-space history
 * (history-generator.ts). The same seed gives the same data.
 */
export async function seedDemoData(repo: SeedRepository, options: SeedOptions): Promise<SeedSummary> {
  const rng = new Prng(options.seed);
  const now = Math.floor(options.now / 3600) * 3600;
  const summary: SeedSummary = { clients: 0, sites: 0, devices: 0, checks: 0, outages: 0 };
  const taken = await repo.existingClientNames(options.accountId);
  await repo.ensureTemplates(options.accountId, now);
  // Asset, patch, antivirus and directory data draw from their own stream, leaving the rest unchanged.
  const assetRng = new Prng(`${options.seed}/assets`);
  const historyRng = new Prng(`${options.seed}/backups`);
  const assets = await prepareAssetSeed(repo, options.accountId, now);
  const productIds = await repo.avProductIds();
  await repo.ensureAvDefinitions(() => avDefinitionRows(productIds, now));
  const timezone = await repo.accountTimezone(options.accountId);
  const overdueAfter = await repo.overdueAfterSeconds(options.accountId);
  const sizes = deviceCounts(rng, options.clients, options.devices);
  let devicesDone = 0;
  options.onProgress?.(0, options.devices);

  for (let c = 0; c < options.clients; c++) {
    const name = uniqueName(clientName(rng), taken);
    const size = sizes[c]!;
    await repo.transaction(async (trx) => {
      const [client] = await trx.insertClients([
        {
          account_id: options.accountId,
          name,
          timezone: rng.chance(0.2) ? rng.pick(TIMEZONES) : '',
          view_dashboard: rng.chance(0.3) ? 1 : 0,
          view_wkstsn_assets: rng.chance(0.5) ? 1 : 0,
          dashboard_username: '',
          creation_date: utcDate(now - rng.int(30, 2000) * 86400),
        },
      ]);
      summary.clients++;
      await trx.insertRows('client_license_counts', clientLicenseRows(assetRng, assets, client!.id));
      const siteCount = Math.min(SITE_NAMES.length, 1 + Math.floor(Math.log2(1 + size / 8)) + rng.int(0, 1));
      const siteNames = shuffled(rng, SITE_NAMES).slice(0, siteCount);
      const sites = await trx.insertSites(
        siteNames.map((siteName) => ({
          account_id: options.accountId,
          client_id: client!.id,
          name: siteName,
          connection_ok: rng.chance(0.95) ? 1 : 0,
          creation_date: utcDate(now - rng.int(10, 1500) * 86400),
          primary_router: `${rng.int(80, 220)}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`,
          secondary_router: rng.chance(0.3) ? `10.${rng.int(0, 254)}.${rng.int(0, 254)}.1` : '',
        })),
      );
      summary.sites += sites.length;

      const servers = Math.max(1, Math.round(size * (0.06 + rng.next() * 0.1)));
      const prefix = client!.name.replace(/[^A-Za-z]/g, '').slice(0, 4).toUpperCase();
      for (let start = 0; start < size; start += DEVICES_PER_BATCH) {
        const devices: Insertable<DeviceTable>[] = [];
        for (let i = start; i < Math.min(size, start + DEVICES_PER_BATCH); i++) {
          // The first device of every client is a server and the second a workstation, so both exist everywhere.
          const type: DeviceType = i === 0 || (i !== 1 && i < servers) ? 'server' : 'workstation';
          const site = i < sites.length ? sites[i]! : sites[skewedIndex(rng, sites.length)]!;
          devices.push(deviceRow(rng, options.accountId, client!.id, site.id, type, prefix, i, now, overdueAfter));
        }
        assignMavEngines(assetRng, devices);
        const inserted = await trx.insertDevices(devices);
        const ids = new Map(inserted.map((d) => [d.guid, d.id]));
        const deviceOf = new Map<number, Insertable<DeviceTable>>();
        const checkRows: Insertable<CheckTable>[] = [];
        const folds = new Map<number, CheckFold>();
        const sessions: Insertable<MobSessionTable>[] = [];
        for (const d of devices) {
          const id = ids.get(d.guid!)!;
          deviceOf.set(id, d);
          // Backup & Recovery sessions (and the Backup Check results they make) draw from the history stream.
          const backups = d.mob === 1 ? seededBackups(historyRng, now, { account_id: d.account_id, client_id: d.client_id, site_id: d.site_id, device_id: id }, d.device_type === 'server') : undefined;
          if (backups) sessions.push(...backups.rows);
          for (const k of checkRowsFor(rng, d, id, timezone, backups?.results)) {
            checkRows.push(k.row);
            folds.set(k.row.uid as number, k.fold);
          }
        }
        const checks = await trx.insertChecks(checkRows);
        const { outages, notes, days } = eventsFor(rng, options.accountId, deviceOf, checkRows, checks, folds, now);
        await trx.insertOutages(outages);
        await trx.insertCheckNotes(notes);
        await trx.insertDayResults(days);
        await trx.insertMobSessions(sessions);
        await seedAssetsForBatch(trx, assetRng, assets, [...deviceOf].map(([id, row]) => ({ id, row })));
        const idByUid = new Map(checks.map((k) => [k.uid, k.id]));
        await seedHistory(trx, {
          seed: `${options.seed}:history:${name}:${start}`,
          accountId: options.accountId,
          now,
          devices: deviceOf,
          checks: checkRows.map((k) => ({ ...k, id: idByUid.get(k.uid as number)! })),
          fullHistory: devicesDone < FULL_HISTORY_DEVICES,
        });
        summary.devices += devices.length;
        summary.checks += checks.length;
        summary.outages += outages.length;
        devicesDone += devices.length;
        options.onProgress?.(devicesDone, options.devices);
      }
    });
  }
  return summary;
}

/** Splits `total` devices over `clients`, heavily skewed (a Zipf-like curve), at least 2 each where possible. */
export function deviceCounts(rng: Prng, clients: number, total: number): number[] {
  if (clients === 0) return [];
  const minimum = total >= clients * 2 ? 2 : 0;
  const weights = Array.from({ length: clients }, (_, i) => 1 / Math.pow(i + 1, 0.9) * (0.6 + rng.next() * 0.8));
  const spare = total - minimum * clients;
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => minimum + Math.floor((w / sum) * spare));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % clients, left--) counts[i]!++;
  // Large clients should not all be the first ones created.
  return shuffled(rng, counts);
}

function clientName(rng: Prng): string {
  return `${rng.pick(COMPANY_FIRST)} ${rng.pick(COMPANY_KIND)} ${rng.pick(COMPANY_SUFFIX)}`;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
  taken.add(candidate);
  return candidate;
}

function shuffled<T>(rng: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Index biased toward 0: the first site (head office) holds most devices. */
function skewedIndex(rng: Prng, length: number): number {
  return Math.min(length - 1, Math.floor(Math.pow(rng.next(), 2) * length));
}

function mac(rng: Prng): string {
  return Array.from({ length: 6 }, () => rng.hex(2).toUpperCase()).join(':');
}

function deviceRow(
  rng: Prng, accountId: number, clientId: number, siteId: number, type: DeviceType, prefix: string, index: number, now: number, overdueAfter: number,
): Insertable<DeviceTable> {
  const server = type === 'server';
  const [os, osDetails, servicePack] = server ? rng.pick(SERVER_OS) : rng.pick(WORKSTATION_OS);
  const hw = server ? rng.pick(SERVER_HARDWARE) : rng.pick(WORKSTATION_HARDWARE);
  const user = rng.pick(FIRST_NAMES);
  const domain = `${prefix || 'CORP'}`;
  const name = server ? `${prefix}-${rng.pick(SERVER_ROLES)}${String(index + 1).padStart(2, '0')}` : `${prefix}-${rng.chance(0.4) ? 'LT' : 'WS'}${String(index + 1).padStart(3, '0')}`;
  const overdue = rng.chance(server ? 0.02 : 0.04);
  const offline = !overdue && rng.chance(0.01);
  // Reporting devices answered within the overdue threshold; overdue ones went silent hours or days ago.
  const lastResponse = overdue ? now - rng.int(2, 96) * 3600 : now - rng.int(30, overdueAfter - 30);
  const utcOffset = rng.pick([0, 3600, -18000, -21600, 36000]);
  const chassis = server ? 23 : (hw as readonly [string, string, number])[2] ?? 3;
  const guid = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  const description = server ? `${name} ${hw[1]}` : `${user[0]!.toUpperCase()}${user.slice(1)}'s ${chassis === 10 ? 'laptop' : 'desktop'}`;
  const ip = `192.168.${rng.int(0, 20)}.${rng.int(2, 254)}`;
  const externalIp = `${rng.int(80, 220)}.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`;
  const macs = [mac(rng), ...(rng.chance(0.3) ? [mac(rng)] : [])];
  const osSerial = `${rng.int(10000, 99999)}-${rng.int(10000, 99999)}-${rng.int(10000, 99999)}-AA${rng.int(100, 999)}`;
  const installDate = utcDate(now - rng.int(20, 1500) * 86400);
  const bootedAt = rng.chance(0.03) ? null : lastResponse - rng.int(3600, 40 * 86400);
  const lastScan = rng.chance(0.05) ? null : now - rng.int(3600, 7 * 86400);
  const agentVersion = rng.pick(AGENT_VERSIONS);
  const dscHour = rng.int(0, 6);
  const interval = rng.pick([5, 15, 60]);
  // What the device's agent would have reported about it, stored by the same rule as an enrolled device's facts.
  const facts: DeviceFacts = {
    hostname: name, deviceType: server ? 'server' : 'workstation',
    os: { name: os, version: osDetails, family: os.startsWith('macOS') ? 'mac' : os.startsWith('Ubuntu') ? 'linux' : 'windows' },
    manufacturer: hw[0], model: hw[1], serialNumber: `${hw[0].slice(0, 2).toUpperCase()}${rng.hex(8).toUpperCase()}`,
    cpu: { model: '', count: server ? rng.pick([4, 8, 16, 32]) : rng.pick([2, 4, 8]) },
    memoryMb: (server ? rng.pick([16, 32, 64, 128]) : rng.pick([8, 16, 32])) * 1024,
    bootedAt, ipAddresses: [ip], macAddresses: macs, username: `${domain}\\${user}`, domain: `${domain.toLowerCase()}.local`, agentVersion,
  };
  // The facts' columns are spread last: V8 builds an object literal that starts with a spread and goes on
  // with dozens of properties a hundred times slower (this runs 50,000 times for the benchmark fleet).
  return {
    account_id: accountId,
    client_id: clientId,
    site_id: siteId,
    machine_id: null,
    guid,
    description,
    external_ip: externalIp,
    service_pack: servicePack,
    os_serial_number: osSerial,
    os_product_key: '',
    install_date: installDate,
    last_response_at: lastResponse,
    last_scan_at: lastScan,
    overdue_since: overdue ? overdueSince(lastResponse, overdueAfter) : null,
    offline_reason: offline ? 'offline - maintenance mode' : null,
    agent_mode: 1,
    online: overdue || offline ? 0 : 1,
    dsc_active: 1,
    dsc_hour: dscHour,
    dsc_status: 1,
    active_247: 1,
    check_interval_247: interval,
    status_247: 0, // filled in by the check count below
    utc_offset: utcOffset,
    tz_bias: -utcOffset / 60,
    tz_dst_bias: -60,
    tz_std_bias: 0,
    tz_mode: 1,
    tz_dst_date: '0000-03-05:00T01:00:00',
    tz_std_date: '0000-10-05:00T02:00:00',
    chassis_type: chassis,
    takecontrol: 1,
    patch: rng.chance(0.8) ? 1 : 0,
    mav: rng.chance(0.7) ? 1 : 0,
    mob: server && rng.chance(0.8) ? 1 : rng.chance(0.1) ? 1 : 0,
    systray: server ? 0 : 1,
    mavbreck: 0,
    webprotection: server ? 0 : rng.chance(0.4) ? 1 : 0,
    riskintelligence: rng.chance(0.25) ? 1 : 0,
    ...deviceColumnsFromFacts(facts),
  };
}

/** A device's checks: a random mix of the catalogue's, each with the state its made-up results derive. */
function checkRowsFor(
  rng: Prng, d: Insertable<DeviceTable>, deviceId: number, timezone: string, backups: CheckFoldInput,
): { row: Insertable<CheckTable>; fold: CheckFold }[] {
  const server = d.device_type === 'server';
  const templates = CHECK_TEMPLATES.filter((t) => (server ? t.servers !== false : t.workstations !== false) && rng.chance(server ? 0.85 : 0.55));
  const rows = templates.map((t, i) => {
    const fold = seededCheckFold(rng, t, d, timezone, backups);
    const row: Insertable<CheckTable> = {
      account_id: d.account_id,
      client_id: d.client_id,
      site_id: d.site_id,
      device_id: deviceId,
      uid: checkUid(deviceId, i),
      sync_status: 1,
      check_type: t.type,
      is_task: t.task ? 1 : 0,
      description: t.description,
      dsc_247: t.dsc247,
      email: rng.chance(0.6) ? 1 : 0,
      sms: rng.chance(0.1) ? 1 : 0,
      emailrecovery: rng.chance(0.3) ? 1 : 0,
      smsrecovery: 0,
      ...fold.state,
    };
    return { row, fold };
  });
  d.status_247 = rows.filter((r) => r.row.dsc_247 === 2).length;
  return rows;
}

type CheckFoldInput = Parameters<typeof seededCheckFold>[4];

/**
 * Outages (the CHECK_FAILURE ones the checks' results opened, DEVICE_OVERDUE ones as the sweeper opens
 * them, some closed in the past), failed days, and a few notes on failing checks.
 */
function eventsFor(
  rng: Prng,
  accountId: number,
  devices: Map<number, Insertable<DeviceTable>>,
  checkRows: Insertable<CheckTable>[],
  inserted: { id: number; device_id: number; uid: number }[],
  folds: ReadonlyMap<number, CheckFold>,
  now: number,
): { outages: Insertable<OutageTable>[]; notes: Insertable<CheckNoteTable>[]; days: Insertable<CheckDayResultTable>[] } {
  const outages: Insertable<OutageTable>[] = [];
  const notes: Insertable<CheckNoteTable>[] = [];
  const days: Insertable<CheckDayResultTable>[] = [];
  const idByUid = new Map(inserted.map((k) => [k.uid, k.id]));
  for (const [deviceId, d] of devices) {
    if (d.overdue_since) outages.push({ account_id: accountId, device_id: deviceId, check_id: null, reason: 'DEVICE_OVERDUE', started_at: d.overdue_since as number, ended_at: null, cause: '' });
    if (rng.chance(0.1)) {
      const start = now - rng.int(3, 60) * 86400;
      outages.push({ account_id: accountId, device_id: deviceId, check_id: null, reason: 'DEVICE_OVERDUE', started_at: start, ended_at: start + rng.int(1, 48) * 3600, cause: '' });
    }
  }
  for (const k of checkRows) {
    const checkId = idByUid.get(k.uid as number)!;
    const fold = folds.get(k.uid as number)!;
    for (const o of fold.opened) outages.push({ account_id: accountId, device_id: k.device_id, check_id: checkId, reason: 'CHECK_FAILURE', ...o });
    for (const [day, result] of fold.days) days.push({ account_id: accountId, client_id: k.client_id, device_id: k.device_id, check_id: checkId, day, result });
    if (k.statusid === CheckStatus.fail && rng.chance(0.3)) {
      notes.push({ account_id: accountId, check_id: checkId, device_id: k.device_id, user_id: null, created_at: now - rng.int(1, 72) * 3600, private_note: 'Investigating; customer informed.', public_note: rng.chance(0.5) ? 'We are looking into this.' : '' });
    }
  }
  return { outages, notes, days };
}
