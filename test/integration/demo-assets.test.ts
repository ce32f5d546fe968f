import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAccount } from '../../src/seed/demo-account.js';
import { seedDemoData } from '../../src/seed/demo-generator.js';
import { fixedClock } from '../../src/lib/clock.js';
import { servicesFor, NOW } from '../factories.js';
import { buildTestApp, callApi, TEST_NOW, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

describe.each(DIALECTS)('demo data behind the asset, patch, MAV, settings and AD services on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let accountId: number;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const demo = await seedDemoAccount(servicesFor(database), fixedClock(TEST_NOW));
    apiKey = demo.apiKey;
    accountId = demo.account.id;
    t = await buildTestApp(database);
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const api = async (params: Record<string, string | number>) => {
    const body = (await callApi(t.app, { apikey: apiKey, ...params })).body;
    expect(body, String(params.service)).not.toContain('status="FAIL"');
    return fxp.parse(body);
  };
  const list = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);
  const firstId = async (query: string) => {
    const { rows } = await sql<{ id: number }>`${sql.raw(query)}`.execute(database.db);
    expect(rows.length, query).toBeGreaterThan(0);
    return Number(rows[0]!.id);
  };

  it('gives every service something real to answer for the demo account', async () => {
    const a = accountId;
    const licensedDevice = await firstId(`select s.device_id as id from device_software s join license_group_items li on li.catalog_id = s.catalog_id and li.account_id = ${a} where s.account_id = ${a} and s.deleted_at is null order by s.device_id limit 1`);
    const patchedDevice = await firstId(`select device_id as id from device_patches where account_id = ${a} order by device_id limit 1`);
    const quarantinedDevice = await firstId(`select device_id as id from mav_quarantine where account_id = ${a} order by device_id limit 1`);
    const adSite = await firstId(`select site_id as id from ad_users where account_id = ${a} order by site_id limit 1`);
    const licensedClient = await firstId(`select client_id as id from client_license_counts where account_id = ${a} order by client_id limit 1`);

    expect(list((await api({ service: 'list_all_hardware', assetid: licensedDevice })).result.items.hardware).length).toBeGreaterThanOrEqual(4);
    expect(list((await api({ service: 'list_all_software', assetid: licensedDevice })).result.items.software).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'list_licensed_software', assetid: licensedDevice })).result.items.software).length).toBeGreaterThan(0);
    const details = (await api({ service: 'list_device_asset_details', deviceid: licensedDevice })).result;
    expect(list(details.software.item).some((s: any) => s.type === 'Licenced')).toBe(true);
    const groups = list((await api({ service: 'list_license_groups' })).result.items.license_group);
    expect(groups.map((g: any) => g.name)).toContain('Microsoft Office');
    expect(list((await api({ service: 'list_license_group_items', groupid: groups[0].license_group_id })).result.items.license_group_item).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'list_client_license_count', clientid: licensedClient })).result.items.license_count).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'patch_list_all', deviceid: patchedDevice })).result.patches.patch).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'mav_quarantine_list', deviceid: quarantinedDevice })).quarantines.quarantine).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'mav_scan_device_list', deviceid: quarantinedDevice })).scans.scan).length).toBeGreaterThan(0);
    const scans = list((await api({ service: 'list_mav_scans', deviceid: quarantinedDevice, details: 'YES' })).result.scan);
    expect(scans.some((s: any) => s.threats)).toBe(true);
    expect(list((await api({ service: 'list_mav_threats', deviceid: quarantinedDevice })).result.threat).length).toBeGreaterThan(0);
    expect(list((await api({ service: 'list_mav_quarantine', deviceid: quarantinedDevice, items: 'ALL' })).result.quarantined_item).length).toBeGreaterThan(0);
    expect((await api({ service: 'list_general_settings' })).settings.items.general.notesbacklog).toBe(60);
    expect((await api({ service: 'list_wallchart_settings' })).settings.wallchart.servers.includeofflineservers).toBe(1);
    expect(list((await api({ service: 'list_active_directory_users', siteid: adSite })).result.items.user).length).toBeGreaterThanOrEqual(8);
    expect((await api({ service: 'get_take_control_connection_url', deviceid: licensedDevice })).result.url).toContain('/take-control');
  });

  it('generates the same asset data for the same seed', async () => {
    const copy = await servicesFor(database).accounts.findOrCreate('demo-copy');
    await seedDemoData(servicesFor(database).seedRepository, { accountId: copy.account.id, clients: 12, devices: 400, seed: 'demo', now: NOW });
    const digest = async (account: number) => {
      const { rows } = await sql<Record<string, unknown>>`
        select d.name as device, c.name as title, s.version, s.installed_at, s.deleted_at,
          (select count(*) from device_hardware h where h.device_id = d.id) as hardware,
          (select count(*) from device_patches p where p.device_id = d.id) as patches,
          (select count(*) from mav_scans m where m.device_id = d.id) as scans,
          (select count(*) from mav_quarantine q where q.device_id = d.id) as quarantined,
          d.mavbreck
        from device_software s join devices d on d.id = s.device_id join software_catalog c on c.id = s.catalog_id
        where s.account_id = ${account} order by d.name, c.name, s.version, s.installed_at`.execute(database.db);
      return rows.map((r) => Object.values(r).map(String).join('|'));
    };
    const original = await digest(accountId);
    expect(original.length).toBeGreaterThan(1000);
    expect(await digest(copy.account.id)).toEqual(original);
  }, 120_000);
});
