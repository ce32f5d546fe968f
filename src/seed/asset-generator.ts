import type { Insertable } from 'kysely';
import type { z } from 'zod';
import type { AdUser as AdUserSchema, HardwareItem as HardwareItemSchema, SoftwareItem as SoftwareItemSchema } from '../agent-protocol/protocol.schema.js';
import { diffAdUsers, type StoredAdUser } from '../ad-users/ad-user-derivation.js';
import { diffHardware, diffSoftware, type StoredHardware, type StoredSoftware } from '../assets/inventory-derivation.js';
import { quarantineStatusOf } from '../mav/mav-derivation.js';
import { patchDeployable } from '../patches/patch-derivation.js';
import type {
  AdUserTable, ClientLicenseCountTable, DeviceHardwareTable, DevicePatchTable, DeviceSoftwareTable, DeviceTable, MavQuarantineTable,
  MavScanErrorTable, MavTraceTable,
} from '../db/schema.js';
import { MavEngine, type MavScanKind, type MavScanState } from '../mav/mav-codes.js';
import { PatchPolicy, PatchStatus } from '../patches/patch-codes.js';
import {
  AD_DEPARTMENTS, AD_SURNAMES, AD_TITLES, LICENSE_GROUPS, LINUX_SOFTWARE, MAC_SOFTWARE, MAV_UNIX_TRACE_PATHS, MAV_THREATS, MAV_TRACE_PATHS, PATCHES,
  SERVER_SOFTWARE, WINDOWS_SOFTWARE,
} from './asset-catalog.js';
import { FIRST_NAMES } from './catalog.js';
import type { Prng } from './prng.js';
import type { SeedOperations, SeedRepository } from './seed.repository.js';

type SoftwareItem = z.infer<typeof SoftwareItemSchema>;
type HardwareItem = z.infer<typeof HardwareItemSchema>;
type AdUser = z.infer<typeof AdUserSchema>;

/**
 * Demo data for asset tracking, patches, Managed Antivirus and Active Directory, generated per device
 * batch next to the devices themselves. It draws from its own PRNG (seeded from the run's seed), so the
 * devices, checks and outages of a seed stay exactly what they were before this module existed.
 * Volumes stay modest (about 12 rows per device, titles shared through catalog tables) so that seeding
 * 50,000 devices is not much slower than without it.
 */

export type AssetSeedContext = {
  accountId: number;
  now: number;
  software: Map<string, number>;
  patches: Map<string, number>;
  licenseGroups: number[];
};

type SoftwareEntry = readonly [string, string, string, readonly string[]];

const ALL_SOFTWARE: readonly SoftwareEntry[] = [...WINDOWS_SOFTWARE, ...SERVER_SOFTWARE, ...MAC_SOFTWARE, ...LINUX_SOFTWARE];

/** Once per seed run: the shared catalogs, the account's license groups and its settings. */
export async function prepareAssetSeed(repo: SeedRepository, accountId: number, now: number): Promise<AssetSeedContext> {
  const software = await repo.ensureSoftwareCatalog(
    [...new Map(ALL_SOFTWARE.map(([name, publisher, software_type]) => [name, { name, publisher, software_type }])).values()],
  );
  const patches = await repo.ensurePatchCatalog(
    PATCHES.map(([title, product, severity, daysAgo, uninstallable]) => ({
      title, product, severity, uninstallable,
      url: `https://support.microsoft.com/help/${/KB(\d+)/.exec(title)?.[1] ?? ''}`,
      released_at: Math.floor((now - daysAgo * 86400) / 86400) * 86400,
    })),
  );
  const groups = await repo.ensureLicenseGroups(
    accountId,
    LICENSE_GROUPS.map(([name, titles]) => ({ name, catalogIds: titles.map((t) => software.get(t)!) })),
  );
  // Demo accounts allow clearing failed checks of both frequencies without notes, so clear_check works out of the box.
  await repo.ensureAccountSettings({ account_id: accountId, clear24x7checks: 1, cleardailysafetychecks: 1, notesbacklog: 60, forcenotes: 0, wallchart_servers_includeofflineservers: 1 });
  return { accountId, now, software, patches, licenseGroups: [...groups.values()] };
}

/** Chooses each antivirus-enabled device's engine before the devices are stored: mostly Bitdefender, some legacy VIPRE. */
export function assignMavEngines(rng: Prng, devices: Insertable<DeviceTable>[]): void {
  for (const d of devices) d.mavbreck = d.mav === 1 && rng.chance(0.15) ? 1 : 0;
}

/** A client's license counts: licenses owned for some of the account's license groups. */
export function clientLicenseRows(rng: Prng, ctx: AssetSeedContext, clientId: number): Insertable<ClientLicenseCountTable>[] {
  return ctx.licenseGroups
    .filter(() => rng.chance(0.6))
    .map((license_group_id) => ({ account_id: ctx.accountId, client_id: clientId, license_group_id, owned: String(rng.pick([5, 10, 25, 50, 100, 250])) }));
}

export type AssetSummary = { software: number; hardware: number; patches: number; mavScans: number; adUsers: number };

/** Generates and stores the asset data of one batch of freshly inserted devices. */
export async function seedAssetsForBatch(
  ops: SeedOperations,
  rng: Prng,
  ctx: AssetSeedContext,
  devices: readonly { id: number; row: Insertable<DeviceTable> }[],
): Promise<AssetSummary> {
  const software: Insertable<DeviceSoftwareTable>[] = [];
  const hardware: Insertable<DeviceHardwareTable>[] = [];
  const patches: Insertable<DevicePatchTable>[] = [];
  const adUsers: Insertable<AdUserTable>[] = [];
  for (const { id, row } of devices) {
    const owner = { account_id: ctx.accountId, client_id: row.client_id, device_id: id };
    software.push(...softwareFor(rng, ctx, row, owner));
    hardware.push(...hardwareFor(rng, row, owner));
    if (row.patch === 1 && isWindows(row)) patches.push(...patchesFor(rng, ctx, owner));
    if (row.device_type === 'server' && /-DC\d/.test(row.name as string)) adUsers.push(...adUsersFor(rng, ctx, row, id));
  }
  await ops.insertRows('device_software', software);
  await ops.insertRows('device_hardware', hardware);
  await ops.insertRows('device_patches', patches);
  await ops.insertRows('ad_users', adUsers);
  const mavScans = await seedMav(ops, rng, ctx, devices.filter((d) => d.row.mav === 1));
  return { software: software.length, hardware: hardware.length, patches: patches.length, mavScans, adUsers: adUsers.length };
}

const isWindows = (d: Insertable<DeviceTable>) => (d.os as string).startsWith('Microsoft Windows');

function softwareFor(rng: Prng, ctx: AssetSeedContext, d: Insertable<DeviceTable>, owner: { account_id: number; client_id: number; device_id: number }) {
  const os = d.os as string;
  const pool: readonly SoftwareEntry[] = os.startsWith('macOS') ? MAC_SOFTWARE : os.startsWith('Ubuntu') ? LINUX_SOFTWARE
    : d.device_type === 'server' ? [...WINDOWS_SOFTWARE.filter((s) => rng.chance(s[2] === 'All' ? 0.15 : 0.5)), ...SERVER_SOFTWARE.filter(() => rng.chance(0.5))]
    : WINDOWS_SOFTWARE;
  // Two scans, as an agent would have reported them: the earlier one had some titles at an older version
  // and some since uninstalled; the later one is folded in by ingestion's rules (modified, deleted dates).
  const scanAt = ctx.now - rng.int(1, 8) * 86400;
  const previous: SoftwareItem[] = [];
  const current: SoftwareItem[] = [];
  for (const [name, publisher, , versions] of pool) {
    if (pool === WINDOWS_SOFTWARE && !rng.chance(0.2)) continue;
    const uninstalled = rng.chance(0.02);
    const version = rng.pick(versions);
    const item = { name, publisher, version, installedAt: rng.chance(0.1) ? null : ctx.now - rng.int(1, 900) * 86400 - rng.int(0, 86399) };
    previous.push(rng.chance(0.05) ? { ...item, version: versions.find((v) => v !== version) ?? '' } : item);
    if (!uninstalled) current.push(item);
  }
  const stored = replayScans<SoftwareItem, StoredSoftware>((rows, items, at) => diffSoftware(rows, items, at), previous, current, scanAt);
  return stored.map((r): Insertable<DeviceSoftwareTable> => ({
    catalog_id: ctx.software.get(r.name)!, version: r.version, installed_at: r.installed_at, modified: r.modified, deleted_at: r.deleted_at, ...owner,
  }));
}

/** Folds two snapshots of a fresh device through an inventory rule, as ingestion would store them. */
function replayScans<Item, Row extends object>(
  diff: (stored: Row[], items: readonly Item[], now: number) => { inserts: Row[]; updates: { row: Row; set: Partial<Row> }[] },
  previous: readonly Item[], current: readonly Item[], scanAt: number,
): Row[] {
  const stored = diff([], previous, scanAt - 86400).inserts;
  const second = diff(stored, current, scanAt);
  for (const { row, set } of second.updates) Object.assign(row, set);
  return [...stored, ...second.inserts];
}

function hardwareFor(rng: Prng, d: Insertable<DeviceTable>, owner: { account_id: number; client_id: number; device_id: number }) {
  const server = d.device_type === 'server';
  const row = (hardwareType: number, name: string, manufacturer: string, details: string): HardwareItem => ({ hardwareType, name, manufacturer, details, status: 'OK' });
  const memory = Number(d.total_memory);
  const cpu = server ? rng.pick(['Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz', 'AMD EPYC 7313P 16-Core Processor']) : rng.pick(['Intel(R) Core(TM) i5-1145G7 @ 2.60GHz', 'Intel(R) Core(TM) i7-12700 @ 2.10GHz', 'AMD Ryzen 5 PRO 5650U']);
  const rows = [
    row(1, rng.pick(['Intel(R) Ethernet Connection I219-LM', 'Realtek PCIe GbE Family Controller', 'Broadcom NetXtreme Gigabit Ethernet']), '', `AdapterType=Ethernet 802.3 MACAddress=${d.mac1}`),
    row(13, cpu, cpu.startsWith('AMD') ? 'AuthenticAMD' : 'GenuineIntel', `NumberOfLogicalProcessors=${d.processor_count}`),
    row(11, 'Physical Memory', rng.pick(['Samsung', 'SK Hynix', 'Micron', 'Kingston']), `Capacity=${memory}`),
    row(9, rng.pick(['SAMSUNG MZVL2512HCJQ', 'KINGSTON SA400S37480G', 'Dell Express Flash NVMe P4610']), '', `Size=${rng.pick([256, 512, 960, 1920]) * 1e9}`),
  ];
  if (!server && rng.chance(0.3)) rows.push(row(7, rng.pick(['Generic PnP Monitor', 'DELL P2422H', 'HP E24 G4']), '', ''));
  // An optical drive the previous scan found and the latest did not: removed.
  const previous = rng.chance(0.03) ? [...rows, { ...row(15, 'HL-DT-ST DVD+-RW GU90N', 'HL-DT-ST', ''), status: '' }] : rows;
  return replayScans<HardwareItem, StoredHardware>((stored, items) => diffHardware(stored, items), previous, rows, 0).map((h): Insertable<DeviceHardwareTable> => ({ ...owner, ...h }));
}

function patchesFor(rng: Prng, ctx: AssetSeedContext, owner: { account_id: number; client_id: number; device_id: number }) {
  const rows: Insertable<DevicePatchTable>[] = [];
  for (const [title] of PATCHES) {
    if (!rng.chance(0.2)) continue;
    const status = rng.weighted<number>([
      [PatchStatus.installed, 60], [PatchStatus.missing, 18], [PatchStatus.pending, 6], [PatchStatus.queued, 3],
      [PatchStatus.failed, 5], [PatchStatus.ignored, 4], [PatchStatus.rebootRequired, 4],
    ]);
    const policy = status === PatchStatus.ignored ? rng.pick([PatchPolicy.ignore, PatchPolicy.userIgnore]) : rng.weighted<number>([[PatchPolicy.approve, 80], [PatchPolicy.doNothing, 15], [PatchPolicy.userApprove, 5]]);
    rows.push({
      ...owner,
      patch_catalog_id: ctx.patches.get(title)!,
      policy,
      status,
      installed_at: status === PatchStatus.installed || status === PatchStatus.rebootRequired ? ctx.now - rng.int(1, 14) * 86400 - rng.int(0, 86399) : null,
      deployable: patchDeployable(status),
    });
  }
  return rows;
}

/**
 * A domain controller's directory as two scans: users since created, changed or removed show as new,
 * modified or deleted, by ingestion's rule (the first scan being the baseline).
 */
function adUsersFor(rng: Prng, ctx: AssetSeedContext, d: Insertable<DeviceTable>, deviceId: number): Insertable<AdUserTable>[] {
  const domain = (d.domain as string) || 'corp.local';
  const previous: AdUser[] = [];
  const current: AdUser[] = [];
  for (let i = 0, n = rng.int(8, 25); i < n; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(AD_SURNAMES);
    const enabled = rng.chance(0.9);
    const user: AdUser = {
      objectGuid: rng.hex(32),
      samaccountname: `${first}.${last.toLowerCase()}${i > 0 && rng.chance(0.1) ? i : ''}`,
      displayname: `${first[0]!.toUpperCase()}${first.slice(1)} ${last}`,
      mail: `${first}.${last.toLowerCase()}@${domain.replace(/\.local$/, '.example')}`,
      department: rng.pick(AD_DEPARTMENTS),
      title: rng.pick(AD_TITLES),
      lastLogonAt: enabled && rng.chance(0.95) ? ctx.now - rng.int(60, 30 * 86400) : null,
      enabled,
    };
    const change = rng.weighted([['none', 87], ['modified', 6], ['new', 5], ['deleted', 2]] as const);
    if (change !== 'new') previous.push(change === 'modified' ? { ...user, title: rng.pick(AD_TITLES), department: `${user.department} (old)` } : user);
    if (change !== 'deleted') current.push(user);
  }
  return replayScans<AdUser, StoredAdUser>((stored, users) => diffAdUsers(stored, users), previous, current, 0).map((u) => ({
    account_id: ctx.accountId, client_id: d.client_id, site_id: d.site_id, device_id: deviceId, ...u,
  }));
}

/**
 * Two or three recent scans per antivirus-enabled device; a few find threats, which are quarantined,
 * and a few VIPRE scans log an error. Rows are linked through ids returned by the inserts, matched on
 * natural keys (device + start, scan + threat name) rather than on the order RETURNING happens to use.
 */
async function seedMav(ops: SeedOperations, rng: Prng, ctx: AssetSeedContext, devices: readonly { id: number; row: Insertable<DeviceTable> }[]): Promise<number> {
  type Planned = { deviceId: number; clientId: number; engine: number; user: string; paths: readonly string[]; threats: number };
  const scans = [];
  const plans = new Map<string, Planned>();
  for (const { id, row } of devices) {
    const engine = row.mavbreck === 1 ? MavEngine.vipre : MavEngine.bitdefender;
    const user = (row.username as string).split('\\').pop() ?? 'user';
    const paths = isWindows(row) ? MAV_TRACE_PATHS : MAV_UNIX_TRACE_PATHS;
    const kinds: MavScanKind[] = ['quick', 'deep', ...(engine === MavEngine.bitdefender && rng.chance(0.1) ? ['active' as const] : [])];
    for (const [i, kind] of kinds.entries()) {
      const started = ctx.now - (i * 3 + rng.int(0, 2)) * 86400 - rng.int(600, 80000);
      const running = i === 0 && rng.chance(0.02);
      const state: MavScanState = running ? 'running' : rng.weighted([['finished', 95], ['canceled', 3], ['error', 2]] as const);
      const files = kind === 'active' ? rng.int(1, 5) : kind === 'quick' ? rng.int(5000, 60000) : rng.int(150000, 900000);
      scans.push({
        account_id: ctx.accountId, client_id: row.client_id as number, device_id: id, engine, kind, state, started_at: started,
        ended_at: running ? null : started + (kind === 'active' ? rng.int(1, 5) : kind === 'quick' ? rng.int(300, 1500) : rng.int(3600, 14400)),
        cookies_scanned: engine === MavEngine.vipre ? rng.int(0, 400) : 0, files_scanned: files,
        folders_scanned: engine === MavEngine.vipre ? Math.floor(files / 15) : 0, registry_scanned: kind === 'active' ? 0 : rng.int(2000, 40000),
        processes_scanned: kind === 'active' ? 0 : rng.int(60, 250),
      });
      plans.set(`${id}:${started}`, { deviceId: id, clientId: row.client_id as number, engine, user, paths, threats: rng.chance(0.04) ? rng.int(1, 2) : 0 });
    }
  }
  const inserted = await ops.insertRowsReturning('mav_scans', scans, ['id', 'device_id', 'started_at']);
  const threats = [];
  const errors: Insertable<MavScanErrorTable>[] = [];
  for (const scan of inserted) {
    const plan = plans.get(`${scan.device_id}:${scan.started_at}`)!;
    const owner = { account_id: ctx.accountId, client_id: plan.clientId };
    const names = new Set<string>();
    for (let t = 0; t < plan.threats; t++) {
      const [name, category] = rng.pick(MAV_THREATS);
      if (names.has(name)) continue;
      names.add(name);
      const status = plan.engine === MavEngine.vipre ? rng.weighted([['QUARANTINED', 80], ['DELETED', 15], ['REPORTED', 5]] as const) : rng.weighted([['Quarantined', 60], ['Blocked', 20], ['Deleted', 15], ['Cleaned', 5]] as const);
      threats.push({ ...owner, device_id: plan.deviceId, scan_id: scan.id as number, name, category, status });
    }
    if (plan.engine === MavEngine.vipre && rng.chance(0.05)) errors.push({ ...owner, scan_id: scan.id, item: 'C:\\pagefile.sys', reason: rng.pick(['READ_FILE_ADS', 'OPEN_PROCESS', 'CORRUPT_ARCHIVE']) });
  }
  await ops.insertRows('mav_scan_errors', errors);
  const scanById = new Map(inserted.map((s) => [s.id as number, s]));
  const insertedThreats = await ops.insertRowsReturning('mav_threats', threats, ['id', 'scan_id', 'name']);
  const statusOf = new Map(threats.map((t) => [`${t.scan_id}:${t.name}`, t.status]));
  const traces: Insertable<MavTraceTable>[] = [];
  const quarantine: Insertable<MavQuarantineTable>[] = [];
  for (const threat of insertedThreats) {
    const scan = scanById.get(threat.scan_id)!;
    const plan = plans.get(`${scan.device_id}:${scan.started_at}`)!;
    const owner = { account_id: ctx.accountId, client_id: plan.clientId };
    const vipre = plan.engine === MavEngine.vipre;
    const status = statusOf.get(`${threat.scan_id}:${threat.name}`)!;
    for (let r = 0, n = vipre ? rng.int(1, 3) : 1; r < n; r++) {
      const path = rng.pick(plan.paths).replace('{user}', plan.user).replace('{n}', String(rng.int(1000, 9999)));
      traces.push({ ...owner, threat_id: threat.id, trace_type: vipre ? 'FILE' : 'File', description: path, status: vipre ? '' : status });
    }
    if (status === 'QUARANTINED' || status === 'Quarantined' || status === 'DELETED' || status === 'Deleted') {
      // As ingestion stores the engine's status; some quarantined items were released since (or are pending).
      const reported = quarantineStatusOf(status);
      quarantine.push({
        ...owner, device_id: plan.deviceId, threat_id: threat.id,
        guid: vipre ? `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase() : String(rng.int(1000, 999999)),
        statusid: reported === 1 ? rng.weighted([[1, 90], [3, 6], [2, 4]]) : reported,
        event_at: (scan.started_at as number) + rng.int(5, 300),
      });
    }
  }
  await ops.insertRows('mav_traces', traces);
  await ops.insertRows('mav_quarantine', quarantine);
  return inserted.length;
}
