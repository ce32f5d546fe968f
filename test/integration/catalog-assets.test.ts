import { XMLParser } from 'fast-xml-parser';
import { parseStringPromise } from 'xml2js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAssets } from '../asset-factories.js';
import { makeAccount, makeFleet, type Fleet } from '../factories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectGolden } from '../support/golden.js';

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The asset, patch, Managed Antivirus, settings, Active Directory and Take Control services. */
const SERVICES = [
  'list_all_hardware', 'list_all_software', 'list_license_groups', 'list_license_group_items', 'list_client_license_count',
  'list_licensed_software', 'list_device_asset_details', 'patch_list_all', 'mav_quarantine_list', 'mav_scan_device_list',
  'list_mav_scans', 'list_mav_threats', 'list_mav_quarantine', 'list_general_settings', 'list_wallchart_settings',
  'list_active_directory_users', 'get_take_control_connection_url',
] as const;

describe.each(DIALECTS)('asset, patch, MAV, settings and other read services on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let fleet: Fleet;
  let groups: Awaited<ReturnType<typeof addAssets>>['licenseGroups'];
  /** Another account with the same kind of data. */
  let other: Fleet;
  /** A third account whose key is limited to a client group holding only Beta Logistics. */
  let scoped: Fleet;
  let plainKey: string;

  const api = async (params: Record<string, string | number>, key = fleet.apiKey) => (await callApi(t.app, { apikey: key, ...params })).body;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    ({ licenseGroups: groups } = await addAssets(database, fleet));
    other = await makeFleet(database, 'other');
    await addAssets(database, other);
    scoped = await makeFleet(database, 'scoped');
    await addAssets(database, scoped);
    const group = await database.db.insertInto('client_groups').values({ account_id: scoped.account.id, name: 'Beta only', is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
    await database.db.insertInto('client_group_members').values({ account_id: scoped.account.id, client_group_id: group.id, client_id: scoped.clients.beta.id }).execute();
    await database.db.updateTable('users').set({ client_group_id: group.id }).where('account_id', '=', scoped.account.id).where('is_agent_key', '=', 1).execute();
    plainKey = (await makeAccount(database, 'plain', 'America/New_York')).apiKey;
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const dc = () => fleet.devices.alphaDc.id;
  const ws = () => fleet.devices.alphaWs.id;
  const empty = () => fleet.devices.betaWs.id;

  /** Golden name → request, for every service and its notable variants. */
  const cases = (): [string, Record<string, string | number>][] => [
    ['list_all_hardware', { service: 'list_all_hardware', assetid: dc() }],
    ['list_all_hardware.empty', { service: 'list_all_hardware', assetid: empty() }],
    ['list_all_software', { service: 'list_all_software', assetid: dc() }],
    ['list_all_software.empty', { service: 'list_all_software', assetid: empty() }],
    ['list_license_groups', { service: 'list_license_groups' }],
    ['list_license_group_items', { service: 'list_license_group_items', license_group_id: groups.office }],
    ['list_license_group_items.empty', { service: 'list_license_group_items', groupid: groups.empty }],
    ['list_client_license_count', { service: 'list_client_license_count', clientid: fleet.clients.alpha.id }],
    ['list_client_license_count.empty', { service: 'list_client_license_count', clientid: fleet.clients.beta.id }],
    ['list_licensed_software', { service: 'list_licensed_software', assetid: dc() }],
    ['list_device_asset_details', { service: 'list_device_asset_details', deviceid: dc() }],
    ['list_device_asset_details.empty', { service: 'list_device_asset_details', deviceid: empty() }],
    ['patch_list_all', { service: 'patch_list_all', deviceid: dc() }],
    ['patch_list_all.empty', { service: 'patch_list_all', deviceid: empty() }],
    ['mav_quarantine_list', { service: 'mav_quarantine_list', deviceid: dc() }],
    ['mav_quarantine_list.bitdefender', { service: 'mav_quarantine_list', deviceid: ws() }],
    ['mav_quarantine_list.v1', { service: 'mav_quarantine_list', deviceid: ws(), v: 1 }],
    ['mav_scan_device_list', { service: 'mav_scan_device_list', deviceid: dc() }],
    ['mav_scan_device_list.v1', { service: 'mav_scan_device_list', deviceid: dc(), v: 1 }],
    ['mav_scan_device_list.bitdefender', { service: 'mav_scan_device_list', deviceid: ws() }],
    ['list_mav_scans', { service: 'list_mav_scans', deviceid: dc(), details: 'NO' }],
    ['list_mav_scans.details', { service: 'list_mav_scans', deviceid: dc(), details: 'YES' }],
    ['list_mav_scans.bitdefender', { service: 'list_mav_scans', deviceid: ws(), details: 'YES' }],
    ['list_mav_scans.empty', { service: 'list_mav_scans', deviceid: empty(), details: 'YES' }],
    ['list_mav_threats', { service: 'list_mav_threats', deviceid: dc() }],
    ['list_mav_threats.bitdefender', { service: 'list_mav_threats', deviceid: ws() }],
    ['list_mav_quarantine', { service: 'list_mav_quarantine', deviceid: dc() }],
    ['list_mav_quarantine.previous', { service: 'list_mav_quarantine', deviceid: ws(), items: 'PREVIOUS' }],
    ['list_mav_quarantine.all-v1', { service: 'list_mav_quarantine', deviceid: ws(), items: 'ALL', v: 1 }],
    ['list_general_settings', { service: 'list_general_settings' }],
    ['list_wallchart_settings', { service: 'list_wallchart_settings' }],
    ['list_active_directory_users', { service: 'list_active_directory_users', siteid: fleet.sites.alphaHq.id }],
    ['list_active_directory_users.empty', { service: 'list_active_directory_users', siteid: fleet.sites.betaMain.id }],
    ['get_take_control_connection_url', { service: 'get_take_control_connection_url', deviceid: dc() }],
  ];

  it('answers each service and variant byte for byte as its golden file', async () => {
    const covered = new Set<string>();
    for (const [name, params] of cases()) {
      const body = await api(params);
      expect(body, name).not.toContain('status="FAIL"');
      expectGolden(name, body, dialect);
      covered.add(String(params.service));
    }
    expect([...covered].sort()).toEqual([...SERVICES].sort());
  });

  it('is read by xml2js 0.6 and fast-xml-parser 4 the way real clients read it', async () => {
    const both = async (params: Record<string, string | number>) => {
      const body = await api(params);
      return { js: await parseStringPromise(body), fx: fxp.parse(body) };
    };

    const hw = await both({ service: 'list_all_hardware', assetid: dc() });
    expect(hw.js.result.items[0].hardware.map((h: any) => h.hardware_type[0])).toEqual(['1', '13', '11']);
    expect(asList(hw.fx.result.items.hardware)[0].details).toBe('AdapterType=Ethernet 802.3 MACAddress=00:11:22:33:44:55');

    const sw = await both({ service: 'list_all_software', assetid: dc() });
    const names = sw.js.result.items[0].software.map((s: any) => s.name[0]);
    expect(names).toContain('Notepad++ (x64) & "Tools" <beta> ]]> edition');
    expect(names).not.toContain('7-Zip 23.01 (x64)');
    expect(asList(sw.fx.result.items.software).map((s: any) => s.name)).toEqual(names);

    // PSI reads .result.assetid; PSM reads software item/name as CDATA.
    const details = await both({ service: 'list_device_asset_details', deviceid: dc() });
    expect(details.js.result.assetid[0]).toBe(String(dc()));
    const items = details.js.result.software[0].item;
    expect(items.map((s: any) => [s.type[0], s.deleted[0]])).toEqual([['Licenced', '0'], ['All', '0'], ['Hotfix', '0'], ['All', '0'], ['All', '1']]);
    expect(details.fx.result.scantime).toBe('2026-11-26 12:30:00');

    // PY reads response['patches']['patch'] under the root.
    const patches = await both({ service: 'patch_list_all', deviceid: dc() });
    expect(patches.js.result.patches[0].patch.map((p: any) => p.statusLabel[0])).toEqual(['Installed', 'Missing']);
    expect(asList(patches.fx.result.patches.patch)[0].installDateText).toBe('12-Oct-2026 03:15');

    const quarantine = await both({ service: 'mav_quarantine_list', deviceid: dc() });
    expect(quarantine.js.quarantines.quarantine[0].quarantineguid[0]).toBe('6F9619FF-8B86-D011-B42D-00C04FC964FF');
    expect(asList(quarantine.fx.quarantines.quarantine)[0].quarantineStatus).toBe('Quarantined');

    const scans = await both({ service: 'mav_scan_device_list', deviceid: dc() });
    expect(scans.js.scans.scan.map((s: any) => s.scantype[0])).toEqual(['Deep scan in progress', 'Quick scan']);
    expect(asList(scans.fx.scans.scan)[1].duration).toBe('00:12:34');

    const detailed = await both({ service: 'list_mav_scans', deviceid: dc(), details: 'YES' });
    const quick = detailed.js.result.scan[1];
    expect(quick.threats[0].threat[0].traces[0].trace.map((r: any) => r.type[0])).toEqual(['FILE', 'REGISTRY_ENTRY']);
    expect(quick.errors[0].error[0].reason[0]).toBe('READ_FILE_ADS');
    expect(quick.threat_count).toBeUndefined();

    const threats = await both({ service: 'list_mav_threats', deviceid: dc() });
    expect(asList(threats.fx.result.threat)[0]).toMatchObject({ name: 'Trojan.Win32.Generic!BT', last_status: 'QUARANTINED', last_trace_count: 2, engine: 'VIPRE' });

    const general = await both({ service: 'list_general_settings' });
    expect(general.js.settings.$).toEqual({ created: '2026-11-26T14:30:00+00:00', host: 'rmm.example.test' });
    expect(general.fx.settings.items.general).toMatchObject({ language: 'en_GB', clear24x7checks: 1, notesbacklog: 90, vartimezone: 'Europe/London' });
    const wall = await both({ service: 'list_wallchart_settings' });
    expect(wall.fx.settings.wallchart.servers.includeofflineservers).toBe(1);
    expect(wall.js.settings.wallchart[0].workstations[0].showautomatedtaskproblems[0]).toBe('1');

    const ad = await both({ service: 'list_active_directory_users', siteid: fleet.sites.alphaHq.id });
    expect(ad.js.result.items[0].$.count).toBe('2');
    expect(ad.js.result.items[0].user[0].$).toEqual({ objectGUID: '0f3c9a6e1b2d4c5e8f7a9b0c1d2e3f40', status: '0', device: String(dc()) });
    expect(asList(ad.fx.result.items.user)[0].department).toBe('R&D <Labs>');

    // FLASK reads the text of the root's first child.
    const url = await both({ service: 'get_take_control_connection_url', deviceid: dc() });
    expect(url.js.result.url[0]).toBe(`https://rmm.example.test/dashboard/devices/${dc()}/take-control`);
  });

  it('answers a device or asset id outside the key\'s client group exactly like one that does not exist', async () => {
    const hidden = scoped.devices.alphaDc.id;
    const visible = scoped.devices.betaWs.id;
    for (const [service, idParam, extra] of [
      ['list_all_hardware', 'assetid', {}], ['list_all_software', 'assetid', {}], ['list_licensed_software', 'assetid', {}],
      ['list_device_asset_details', 'deviceid', {}], ['patch_list_all', 'deviceid', {}], ['mav_quarantine_list', 'deviceid', {}],
      ['mav_scan_device_list', 'deviceid', {}], ['list_mav_scans', 'deviceid', { details: 'NO' }], ['list_mav_threats', 'deviceid', {}],
      ['list_mav_quarantine', 'deviceid', {}], ['get_take_control_connection_url', 'deviceid', {}],
    ] as const) {
      const outside = await api({ service, [idParam]: hidden, ...extra }, scoped.apiKey);
      expect(outside, service).toContain(`<errorcode>4</errorcode><message>Invalid value for parameter: ${idParam}</message>`);
      expect(outside).toBe(await api({ service, [idParam]: 987654321, ...extra }, scoped.apiKey));
      expect(await api({ service, [idParam]: visible, ...extra }, scoped.apiKey), service).toContain('status="OK"');
    }
    expect(await api({ service: 'list_client_license_count', clientid: scoped.clients.alpha.id }, scoped.apiKey)).toContain('Invalid value for parameter: clientid');
    expect(await api({ service: 'list_active_directory_users', siteid: scoped.sites.alphaHq.id }, scoped.apiKey)).toContain('Invalid value for parameter: siteid');
  });

  it('answers a device with Take Control disabled like an unknown device', async () => {
    const device = fleet.devices.alphaWs2.id;
    expect(await api({ service: 'get_take_control_connection_url', deviceid: device })).toContain('<url>');
    await database.db.updateTable('devices').set({ takecontrol: 0 }).where('id', '=', device).execute();
    expect(await api({ service: 'get_take_control_connection_url', deviceid: device })).toContain('Invalid value for parameter: deviceid');
  });

  it('does not show another account\'s devices, clients, sites or license groups', async () => {
    const theirs = other.devices.alphaDc.id;
    expect(await api({ service: 'list_all_hardware', assetid: theirs })).toContain('Invalid value for parameter: assetid');
    expect(await api({ service: 'list_device_asset_details', deviceid: theirs })).toContain('Invalid value for parameter: deviceid');
    expect(await api({ service: 'list_mav_scans', deviceid: theirs, details: 'YES' })).toContain('Invalid value for parameter: deviceid');
    expect(await api({ service: 'list_client_license_count', clientid: other.clients.alpha.id })).toContain('Invalid value for parameter: clientid');
    expect(await api({ service: 'list_active_directory_users', siteid: other.sites.alphaHq.id })).toContain('Invalid value for parameter: siteid');
    const otherGroups = await parseStringPromise(await api({ service: 'list_license_groups' }, other.apiKey));
    const otherOffice = otherGroups.result.items[0].license_group.find((g: any) => g.name[0] === 'Microsoft Office').license_group_id[0];
    expect(otherOffice).not.toBe(String(groups.office));
    expect(await api({ service: 'list_license_group_items', license_group_id: otherOffice })).toContain('Invalid value for parameter: license_group_id');
    expect(await api({ service: 'list_license_group_items', groupid: otherOffice })).toContain('Invalid value for parameter: groupid');
  });

  it('keeps license groups and settings per account, whatever the key\'s client group', async () => {
    // The scoped key sees all of its account's license groups (account-level), none of acme's.
    const scopedGroups = fxp.parse(await api({ service: 'list_license_groups' }, scoped.apiKey));
    expect(asList(scopedGroups.result.items.license_group).map((g: any) => g.name)).toEqual(['CAD Suite', 'Microsoft Office']);
    // An account nobody configured answers the defaults, with its own timezone.
    const plain = fxp.parse(await api({ service: 'list_general_settings' }, plainKey));
    expect(plain.settings.items.general).toMatchObject({ clear24x7checks: 0, notesbacklog: 30, vartimezone: 'America/New_York' });
    expect(fxp.parse(await api({ service: 'list_wallchart_settings' }, plainKey)).settings.wallchart.servers.includeofflineservers).toBe(0);
    expect(await api({ service: 'list_license_groups' }, plainKey)).toContain('<items></items>');
  });

  it('validates v, details and items as case-sensitive values, and details as required', async () => {
    const d = dc();
    expect(await api({ service: 'list_mav_scans', deviceid: d })).toContain('<errorcode>5</errorcode><message>Missing parameter: details</message>');
    for (const details of ['yes', 'Yes', 'true', '1']) {
      expect(await api({ service: 'list_mav_scans', deviceid: d, details })).toContain('Invalid value for parameter: details');
    }
    for (const items of ['current', 'Previous', 'NONE']) {
      expect(await api({ service: 'list_mav_quarantine', deviceid: d, items })).toContain('Invalid value for parameter: items');
    }
    for (const service of ['mav_quarantine_list', 'mav_scan_device_list', 'list_mav_threats', 'list_mav_quarantine']) {
      expect(await api({ service, deviceid: d, v: 3 })).toContain('Invalid value for parameter: v');
      expect(await api({ service, deviceid: d, v: 'two' })).toContain('Invalid value for parameter: v');
      expect(await api({ service, deviceid: d, v: 2 })).toBe(await api({ service, deviceid: d }));
    }
    expect(await api({ service: 'list_mav_scans', deviceid: d, details: 'NO', v: 0 })).toContain('Invalid value for parameter: v');
  });

  it('filters quarantine items by CURRENT (default), PREVIOUS and ALL, and engines by v', async () => {
    const guids = async (params: Record<string, string | number>) =>
      asList(fxp.parse(await api({ service: 'list_mav_quarantine', ...params })).result.quarantined_item).map((q: any) => String(q.guid));
    expect(await guids({ deviceid: dc() })).toEqual(['6F9619FF-8B86-D011-B42D-00C04FC964FF']);
    expect(await guids({ deviceid: dc(), items: 'PREVIOUS' })).toEqual([]);
    expect(await guids({ deviceid: ws() })).toEqual([]);
    expect(await guids({ deviceid: ws(), items: 'PREVIOUS' })).toEqual(['4711']);
    expect(await guids({ deviceid: ws(), items: 'ALL' })).toEqual(['4711']);
    // v=1 is the VIPRE engine only: the Bitdefender item disappears.
    expect(await guids({ deviceid: ws(), items: 'ALL', v: 1 })).toEqual([]);
    expect(await guids({ deviceid: dc(), items: 'ALL', v: 1 })).toEqual(['6F9619FF-8B86-D011-B42D-00C04FC964FF']);
  });

  it('accepts license_group_id or groupid, and asks for license_group_id when neither is sent', async () => {
    const byLicense = await api({ service: 'list_license_group_items', license_group_id: groups.office });
    expect(byLicense).toContain('Microsoft Office Professional Plus 2021');
    expect(await api({ service: 'list_license_group_items', groupid: groups.office })).toBe(byLicense);
    expect(await api({ service: 'list_license_group_items' })).toContain('<errorcode>5</errorcode><message>Missing parameter: license_group_id</message>');
    expect(await api({ service: 'list_license_group_items', groupid: 'abc' })).toContain('Invalid value for parameter: groupid');
  });

  it('answers describe=true for each service with its parameters and field descriptions', async () => {
    for (const service of SERVICES) {
      const body = await api({ service, describe: 'true' });
      const parsed = await parseStringPromise(body);
      const s = parsed.result.service[0];
      expect(s.name[0]).toBe(service);
      expect(s.parameters[0].parameter.map((p: any) => p.name[0])[0]).toBe('describe');
      expect(s.fielddescriptions[0]).toContain('<table');
      expect(fxp.parse(s.example[0])).toBeTruthy();
    }
    const scansDescribe = await parseStringPromise(await api({ service: 'list_mav_scans', describe: 'True' }));
    const params = scansDescribe.result.service[0].parameters[0].parameter;
    expect(params.map((p: any) => [p.name[0], p.required[0], p.values[0] ?? ''])).toEqual([
      ['describe', 'no', 'true'], ['deviceid', 'yes', '0'], ['details', 'yes', 'YES|NO'], ['v', 'no', '1|2'],
    ]);
    const wallExample = fxp.parse((await parseStringPromise(await api({ service: 'list_wallchart_settings', describe: 'true' }))).result.service[0].example[0]);
    expect(Object.keys(wallExample)).toContain('settings');
  });
});
