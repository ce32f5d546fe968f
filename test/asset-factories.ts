import type { DatabaseHandle } from '../src/db/database.js';
import { MavEngine } from '../src/mav/mav-codes.js';
import { PatchPolicy, PatchStatus } from '../src/patches/patch-codes.js';
import { NOW, type Fleet } from './factories.js';

/**
 * Explicit asset, patch, Managed Antivirus, Active Directory and settings data on a fleet from
 * makeFleet: every value the golden files of those services show is chosen here. ALPHA-DC01 runs the
 * VIPRE engine and holds most of it; ALPHA-WS001 runs Bitdefender; BETA-WS001 has nothing (empty lists).
 */
export async function addAssets(database: DatabaseHandle, fleet: Fleet) {
  const db = database.db;
  const a = fleet.account.id;
  const alpha = fleet.clients.alpha.id;
  const dc = fleet.devices.alphaDc.id;
  const ws = fleet.devices.alphaWs.id;
  const day = 86400;

  const title = async (name: string, software_type = 'All', publisher = '') => {
    const found = await db.selectFrom('software_catalog').select('id').where('name', '=', name).executeTakeFirst();
    if (found) return found.id;
    return (await db.insertInto('software_catalog').values({ name, publisher, software_type }).returning('id').executeTakeFirstOrThrow()).id;
  };
  const office = await title('Microsoft Office Professional Plus 2021', 'All', 'Microsoft Corporation');
  const chrome = await title('Google Chrome', 'All', 'Google LLC');
  const hotfix = await title('Security Update for Windows (KB5031356)', 'Hotfix', 'Microsoft Corporation');
  const odd = await title('Notepad++ (x64) & "Tools" <beta> ]]> edition', 'All', 'Notepad++ Team');
  const removed = await title('7-Zip 23.01 (x64)', 'All', 'Igor Pavlov');

  const on = (deviceId: number) => ({ account_id: a, client_id: alpha, device_id: deviceId });
  await db.insertInto('device_software').values([
    { ...on(dc), catalog_id: office, version: '16.0.14332.20624', installed_at: NOW - 400 * day, modified: 0, deleted_at: null },
    { ...on(dc), catalog_id: chrome, version: '', installed_at: null, modified: 1, deleted_at: null },
    { ...on(dc), catalog_id: hotfix, version: '', installed_at: NOW - 30 * day, modified: 0, deleted_at: null },
    { ...on(dc), catalog_id: odd, version: '8.6.2', installed_at: NOW - 3 * day, modified: 1, deleted_at: null },
    // Uninstalled two days ago: still listed by list_device_asset_details (deleted=1), not by list_all_software.
    { ...on(dc), catalog_id: removed, version: '23.01', installed_at: NOW - 90 * day, modified: 0, deleted_at: NOW - 2 * day },
    // Uninstalled ten days ago: listed nowhere.
    { ...on(dc), catalog_id: chrome, version: '118.0', installed_at: NOW - 200 * day, modified: 0, deleted_at: NOW - 10 * day },
    { ...on(ws), catalog_id: office, version: '16.0.14332.20624', installed_at: NOW - 100 * day, modified: 0, deleted_at: null },
  ]).execute();

  await db.insertInto('device_hardware').values([
    { ...on(dc), hardware_type: 1, name: 'Intel(R) Ethernet Connection I219-LM', manufacturer: 'Intel', details: 'AdapterType=Ethernet 802.3 MACAddress=00:11:22:33:44:55', status: 'OK', deleted: 0, modified: 0 },
    { ...on(dc), hardware_type: 13, name: 'Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz', manufacturer: 'GenuineIntel', details: 'Cores=10 LogicalProcessors=20', status: '', deleted: 0, modified: 1 },
    { ...on(dc), hardware_type: 11, name: 'Physical Memory 0', manufacturer: '', details: 'Capacity=34359738368', status: '', deleted: 0, modified: 0 },
    { ...on(dc), hardware_type: 15, name: 'HL-DT-ST DVD-ROM', manufacturer: 'HL-DT-ST', details: '', status: '', deleted: 1, modified: 0 },
  ]).execute();

  const group = async (name: string) => (await db.insertInto('license_groups').values({ account_id: a, name }).returning('id').executeTakeFirstOrThrow()).id;
  const officeGroup = await group('Microsoft Office');
  const emptyGroup = await group('CAD Suite');
  await db.insertInto('license_group_items').values({ account_id: a, license_group_id: officeGroup, catalog_id: office }).execute();
  await db.insertInto('client_license_counts').values([
    { account_id: a, client_id: alpha, license_group_id: officeGroup, owned: '25' },
    { account_id: a, client_id: alpha, license_group_id: emptyGroup, owned: '' },
  ]).execute();

  const patch = async (p: { title: string; product: string; severity: number; url: string; released_at: number | null; uninstallable: number }) => {
    const found = await db.selectFrom('patch_catalog').select('id').where('title', '=', p.title).executeTakeFirst();
    if (found) return found.id;
    return (await db.insertInto('patch_catalog').values(p).returning('id').executeTakeFirstOrThrow()).id;
  };
  const cumulative = await patch({ title: '2026-10 Cumulative Update for Windows Server 2022 (KB5044281)', product: 'Windows Server 2022', severity: 1, url: 'https://support.microsoft.com/help/5044281', released_at: Date.UTC(2026, 9, 8) / 1000, uninstallable: 1 });
  const defender = await patch({ title: 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 & <more>', product: 'Microsoft Defender Antivirus', severity: 3, url: '', released_at: null, uninstallable: 0 });
  await db.insertInto('device_patches').values([
    { ...on(dc), patch_catalog_id: cumulative, policy: PatchPolicy.approve, status: PatchStatus.installed, installed_at: Date.UTC(2026, 9, 12, 3, 15) / 1000, deployable: 0 },
    { ...on(dc), patch_catalog_id: defender, policy: PatchPolicy.userIgnore, status: PatchStatus.missing, installed_at: null, deployable: 1 },
  ]).execute();

  // VIPRE on the DC: a finished quick scan that found and quarantined a threat (with an error), and a running deep scan.
  const scan = async (values: Record<string, unknown>) =>
    (await db.insertInto('mav_scans').values({ ...on(dc), cookies_scanned: 0, files_scanned: 0, folders_scanned: 0, registry_scanned: 0, processes_scanned: 0, ...values } as never).returning('id').executeTakeFirstOrThrow()).id;
  const quick = await scan({ engine: MavEngine.vipre, kind: 'quick', state: 'finished', started_at: NOW - 2 * day, ended_at: NOW - 2 * day + 754, cookies_scanned: 12, files_scanned: 48213, folders_scanned: 3120, registry_scanned: 9001, processes_scanned: 87 });
  await scan({ engine: MavEngine.vipre, kind: 'deep', state: 'running', started_at: NOW - 1800, ended_at: null, files_scanned: 1200, folders_scanned: 80, processes_scanned: 90 });
  const bdScan = await scan({ ...on(ws), engine: MavEngine.bitdefender, kind: 'active', state: 'finished', started_at: NOW - 5 * day, ended_at: NOW - 5 * day + 2, files_scanned: 1 });
  // Older than a year: never listed.
  await scan({ engine: MavEngine.vipre, kind: 'deep', state: 'finished', started_at: NOW - 400 * day, ended_at: NOW - 400 * day + 3600 });

  const threat = async (values: { device_id: number; scan_id: number; name: string; category: string; status: string }) =>
    (await db.insertInto('mav_threats').values({ account_id: a, client_id: alpha, ...values }).returning('id').executeTakeFirstOrThrow()).id;
  const trojan = await threat({ device_id: dc, scan_id: quick, name: 'Trojan.Win32.Generic!BT', category: 'Trojan', status: 'QUARANTINED' });
  const eicar = await threat({ device_id: ws, scan_id: bdScan, name: 'EICAR-Test-File (not a virus)', category: 'Virus', status: 'Deleted' });
  await db.insertInto('mav_traces').values([
    { account_id: a, client_id: alpha, threat_id: trojan, trace_type: 'FILE', description: 'C:\\Users\\alice\\Downloads\\invoice.pdf.exe', status: '' },
    { account_id: a, client_id: alpha, threat_id: trojan, trace_type: 'REGISTRY_ENTRY', description: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater', status: '' },
    { account_id: a, client_id: alpha, threat_id: eicar, trace_type: 'File', description: 'C:\\Temp\\eicar.com', status: 'Deleted' },
  ]).execute();
  await db.insertInto('mav_scan_errors').values({ account_id: a, client_id: alpha, scan_id: quick, item: 'C:\\pagefile.sys', reason: 'READ_FILE_ADS' }).execute();
  await db.insertInto('mav_quarantine').values([
    { ...on(dc), threat_id: trojan, guid: '6F9619FF-8B86-D011-B42D-00C04FC964FF', statusid: 1, event_at: NOW - 2 * day + 700 },
    { ...on(ws), threat_id: eicar, guid: '4711', statusid: 5, event_at: NOW - 4 * day },
  ]).execute();

  await db.insertInto('ad_users').values([
    { account_id: a, client_id: alpha, site_id: fleet.sites.alphaHq.id, device_id: dc, object_guid: '0f3c9a6e1b2d4c5e8f7a9b0c1d2e3f40', status: 0, samaccountname: 'alice', displayname: 'Alice Smith', mail: 'alice@alpha.example', department: 'R&D <Labs>', title: 'Dentist', last_logon_at: NOW - 3600, enabled: 1 },
    { account_id: a, client_id: alpha, site_id: fleet.sites.alphaHq.id, device_id: dc, object_guid: '9a8b7c6d5e4f30211203f4e5d6c7b8a9', status: 3, samaccountname: 'bob.old', displayname: 'Bob Old', mail: '', department: '', title: '', last_logon_at: null, enabled: 0 },
  ]).execute();

  await db.insertInto('account_settings').values({ account_id: a, clear24x7checks: 1, notesbacklog: 90, wallchart_servers_includeofflineservers: 1, wallchart_workstations_showautomatedtaskproblems: 1 }).execute();

  return { licenseGroups: { office: officeGroup, empty: emptyGroup } };
}
