import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportRequest } from '../../src/agent-protocol/protocol.schema.js';
import { loadConfig } from '../../src/config.js';
import type { DeviceRef, IngestService } from '../../src/ingest/ingest.contract.js';
import { createServices } from '../../src/services.js';
import { makeAccount, makeCheck, makeClient, makeSite, NOW } from '../factories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { facts, movableClock } from '../support/ingest.js';

const DAY = 86400;

describe.each(DIALECTS)('inventory sections of agent reports on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let ingest: IngestService;
  let device: DeviceRef;
  // Reports start a week back so the API's fixed "now" sees them as history.
  const clock = movableClock(NOW - 2 * DAY);
  let batch = 0;
  const report = (extra: Record<string, unknown>) => ingest.applyReport(device, ReportRequest.parse({ batchId: `inventory-${++batch}`, sentAt: clock.at, ...extra }));
  const api = async (params: Record<string, string | number>) => (await callApi(t.app, { apikey: apiKey, ...params })).body;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const made = await makeAccount(database, 'acme');
    apiKey = made.apiKey;
    const client = await makeClient(database, made.account.id, 'Alpha');
    const site = await makeSite(database, made.account.id, client.id, 'Head Office');
    ingest = createServices({ config: loadConfig({}), database, clock }).ingest;
    const { deviceId } = await ingest.enrolDevice({ accountId: made.account.id, siteId: site.id }, 'machine-inventory', facts('dc01'), 'https://rmm.example.test');
    device = { accountId: made.account.id, clientId: client.id, siteId: site.id, deviceId };
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('stores hardware and software snapshots with their change dates', async () => {
    const software = [
      { name: 'openssl', publisher: 'Ubuntu', version: '3.0.13-0ubuntu3.1', installedAt: clock.at - 30 * DAY },
      { name: 'nginx', publisher: 'Ubuntu', version: '1.24.0', installedAt: null },
      { name: 'Security Update for Windows (KB5044284)', version: '' },
    ];
    const hardware = [
      { hardwareType: 13, name: 'Intel Xeon', manufacturer: 'GenuineIntel', details: 'NumberOfLogicalProcessors=8' },
      { hardwareType: 11, name: 'Physical Memory', details: 'Capacity=34359738368' },
    ];
    await report({ software, hardware });
    let details = await api({ service: 'list_device_asset_details', deviceid: device.deviceId });
    expect(details).toContain('<os>Ubuntu 24.04.1 LTS</os>');
    expect(details).toContain('<role>101</role>');
    expect(details).toMatch(/<name><!\[CDATA\[openssl\]\]><\/name><softwareid>\d+<\/softwareid><version>3\.0\.13-0ubuntu3\.1<\/version><install_date>2026-10-25 14:30:00<\/install_date><type>All<\/type><deleted>0<\/deleted><modified>0<\/modified>/);
    expect(details).toMatch(/Security Update for Windows \(KB5044284\)\]\]><\/name>.*?<type>Hotfix<\/type>/);
    expect(details).toMatch(/<name><!\[CDATA\[Intel Xeon\]\]><\/name><type>13<\/type><manufacturer>GenuineIntel<\/manufacturer>.*?<deleted>0<\/deleted><modified>0<\/modified>/);
    expect(details).toContain('<scantime>2026-11-24 14:30:00</scantime>');

    clock.at += DAY;
    await report({
      software: [{ ...software[0]!, version: '3.0.13-0ubuntu3.4', installedAt: null }, { name: 'curl', publisher: 'Ubuntu', version: '8.5.0' }],
      hardware: [hardware[0], { ...hardware[1], details: 'Capacity=68719476736' }],
    });
    details = await api({ service: 'list_device_asset_details', deviceid: device.deviceId });
    // Updated: a new version, modified; removed: deleted, listed for four days; new: installed now.
    expect(details).toMatch(/openssl\]\]><\/name><softwareid>\d+<\/softwareid><version>3\.0\.13-0ubuntu3\.4<\/version><install_date>2026-10-25 14:30:00<\/install_date><type>All<\/type><deleted>0<\/deleted><modified>1<\/modified>/);
    expect(details).toMatch(/nginx\]\]><\/name>.*?<deleted>1<\/deleted>/);
    expect(details).toMatch(/curl\]\]><\/name><softwareid>\d+<\/softwareid><version>8\.5\.0<\/version><install_date>2026-11-25 14:30:00<\/install_date>/);
    expect(details).toMatch(/Physical Memory\]\]><\/name><type>11<\/type>.*?Capacity=68719476736.*?<deleted>0<\/deleted><modified>1<\/modified>/);
    const all = await api({ service: 'list_all_software', assetid: device.deviceId });
    expect(all).toContain('curl');
    expect(all).not.toContain('nginx');
    expect(all).not.toContain('KB5044284');
  });

  it('stores backup sessions, and a failed backup fails the Backup Check for that day', async () => {
    const backup = await makeCheck(database, device, 'Backup Check - Backup & Recovery', { check_type: 1002, dsc_247: 1, statusid: 3, last_run_at: null });
    const session = (daysAgo: number, status: string, size: number) => {
      const start = NOW - daysAgo * DAY - 2 * 3600;
      return { type: 'BACKUP', plugin: 'FILE_SYSTEM', startedAt: start, endedAt: start + 1800, status, selectionSize: size, processedSize: 100, transferredSize: 50, errorCount: status === 'FAILED' ? 3 : 0 };
    };
    clock.at = NOW - 2 * DAY;
    await report({ backupSessions: [session(2, 'COMPLETED', 1000)] });
    clock.at = NOW - DAY;
    await report({ backupSessions: [session(2, 'COMPLETED', 1000), session(1, 'FAILED', 1500)] });
    clock.at = NOW - 3600;
    await report({ backupSessions: [session(0, 'COMPLETED', 1200)] });
    const sessions = await api({ service: 'list_mob_sessions', deviceid: device.deviceId });
    expect(sessions.match(/<session>/g)).toHaveLength(3);
    expect(sessions).toMatch(/<selection_size>1500<\/selection_size><selection_item_count>0<\/selection_item_count><size_change>500<\/size_change>.*?<status>FAILED<\/status>/);
    expect(sessions).toMatch(/<selection_size>1200<\/selection_size><selection_item_count>0<\/selection_item_count><size_change>300<\/size_change>/);
    const history = await api({ service: 'list_backup_history', deviceid: device.deviceId });
    expect(history).toContain('<day><date>2026-11-26</date><status>PASS</status></day><day><date>2026-11-25</date><status>FAIL</status></day><day><date>2026-11-24</date><status>PASS</status></day><day><date>2026-11-23</date><status>NOTINSTALLED</status></day>');
    const check = await database.db.selectFrom('checks').select(['statusid', 'consecutive_fails']).where('id', '=', backup.id).executeTakeFirstOrThrow();
    expect(check).toEqual({ statusid: 0, consecutive_fails: 0 });
    expect(await api({ service: 'list_outages', deviceid: device.deviceId })).toMatch(new RegExp(`<state>CLOSED</state>.*?<check_id>${backup.id}</check_id>.*?<cause><!\\[CDATA\\[FILE_SYSTEM backup failed \\(3 errors\\)\\]\\]></cause>`));
  });

  it('derives the Antivirus Update Check from the antivirus state', async () => {
    await makeCheck(database, device, 'Antivirus Update Check - ClamAV', { check_type: 1005, dsc_247: 1, statusid: 3, last_run_at: null });
    clock.at = NOW - 60;
    await report({ antivirus: { product: 'ClamAV', running: true, definitionsVersion: '27471', definitionsReleasedAt: NOW - 5 * DAY - 3600 } });
    expect(await api({ service: 'list_av_history', deviceid: device.deviceId })).toContain('<date>2026-11-26</date><status>FAIL</status>');
    const stored = await database.db.selectFrom('device_antivirus').select(['product', 'running', 'definitions_version']).where('device_id', '=', device.deviceId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ product: 'ClamAV', running: 1, definitions_version: '27471' });
    const failing = await api({ service: 'list_failing_checks' });
    expect(failing).toContain('ClamAV: definitions are 5 days old');
  });

  it('stores patches, keeping a patch\'s policy when its status changes', async () => {
    const patch = { key: 'openssl:3.0.13-0ubuntu3.4', title: 'openssl 3.0.13-0ubuntu3.4', product: 'Ubuntu', severity: 2, status: 'missing' };
    await report({ patches: [patch, { ...patch, key: 'curl:8.5.0-2', title: 'curl 8.5.0-2', status: 'installed', installedAt: NOW - 3 * DAY }] });
    let patches = await api({ service: 'patch_list_all', deviceid: device.deviceId });
    expect(patches).toMatch(/<policy>4<\/policy><policyLabel>Do Nothing<\/policyLabel><status>1<\/status><statusLabel>Missing<\/statusLabel><patchTitle><!\[CDATA\[openssl 3\.0\.13-0ubuntu3\.4\]\]>/);
    expect(patches).toMatch(/<status>8<\/status><statusLabel>Installed<\/statusLabel><patchTitle><!\[CDATA\[curl 8\.5\.0-2\]\]>/);
    await database.db.updateTable('device_patches').set({ policy: 2 }).where('device_id', '=', device.deviceId).execute();
    await report({ patches: [{ ...patch, status: 'installed', installedAt: NOW - 120 }] });
    patches = await api({ service: 'patch_list_all', deviceid: device.deviceId });
    expect(patches).toMatch(/<policy>2<\/policy><policyLabel>Approve<\/policyLabel><status>8<\/status><statusLabel>Installed<\/statusLabel>/);
    expect(patches).not.toContain('curl');
  });

  it('stores MAV scans by their key, with threats and quarantine', async () => {
    const scan = { scanKey: 'scan-1', engine: 'bitdefender', kind: 'quick', state: 'running', startedAt: NOW - 3600 };
    await report({ mavScans: [scan] });
    await report({
      mavScans: [{ ...scan, state: 'finished', endedAt: NOW - 3000, filesScanned: 5000, threats: [{ name: 'EICAR-Test-File', category: 'Test', status: 'Quarantined', quarantineGuid: '4711' }] }],
    });
    const scans = await api({ service: 'list_mav_scans', deviceid: device.deviceId, details: 'YES' });
    expect(scans.match(/<scan>/g)).toHaveLength(1);
    expect(scans).toContain('Scan Finished Normally');
    expect(scans).toContain('EICAR-Test-File');
    expect(await api({ service: 'mav_quarantine_list', deviceid: device.deviceId })).toContain('4711');
  });

  it('stores directory users with what each scan changed', async () => {
    const alice = { objectGuid: 'a1', samaccountname: 'alice', displayname: 'Alice', enabled: true };
    const bob = { objectGuid: 'b2', samaccountname: 'bob', enabled: true };
    await report({ adUsers: [alice, bob] });
    await report({ adUsers: [{ ...alice, title: 'Dentist' }, { objectGuid: 'c3', samaccountname: 'carol', enabled: false }] });
    const users = await api({ service: 'list_active_directory_users', siteid: device.siteId });
    expect(users).toContain('<user objectGUID="a1" status="2"');
    expect(users).toContain('<user objectGUID="b2" status="4"');
    expect(users).toContain('<user objectGUID="c3" status="3"');
  });
});
