import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES_BY_NAME } from '../../src/deapi/registry.js';
import { fixedClock } from '../../src/lib/clock.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectGolden } from '../support/golden.js';
import { makeHistoryFleet, restrictAgentKey, type HistoryFleet } from '../history-factories.js';
import { makeAccount, makeCheck, makeClient, makeDevice, makeSite, NOW } from '../factories.js';

const INTERVAL_MESSAGE = '<errorcode>4</errorcode><message>Invalid "interval": must be 15 or 60 (minutes)</message>';

describe.each(DIALECTS)('checks, history, backup and antivirus services on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let fleet: HistoryFleet;
  const api = (service: string, params: Record<string, string | number> = {}) => callApi(t.app, { apikey: fleet.apiKey, service, ...params }).then((r) => r.body);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeHistoryFleet(database);
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('golden answers', () => {
    const cases: [string, () => Record<string, string | number>][] = [
      ['list_check_config', () => ({ checkid: fleet.checks.disk.id })],
      ['get_formatted_check_output', () => ({ checkid: fleet.checks.disk.id })],
      ['list_fmt_check_result', () => ({ checkid: fleet.checks.disk.id, deviceid: fleet.devices.alphaDc.id })],
      ['list_templates', () => ({ devicetype: 'workstation' })],
      ['list_performance_history', () => ({ deviceid: fleet.devices.alphaDc.id, interval: 15, since: '2026-11-26 13:20:00' })],
      ['list_drive_space_history', () => ({ deviceid: fleet.devices.alphaDc.id, interval: 'WEEK' })],
      ['list_exchange_storage_history', () => ({ deviceid: fleet.devices.alphaDc.id, interval: 'MONTH' })],
      ['list_backup_history', () => ({ deviceid: fleet.devices.alphaDc.id })],
      ['mob/mob_list_selection_size', () => ({ clientid: fleet.clients.alpha.id, siteid: fleet.sites.alphaHq.id, deviceid: fleet.devices.alphaDc.id, year: 2026, month: 11 })],
      ['list_mob_sessions', () => ({ deviceid: fleet.devices.alphaDc.id })],
      ['list_supported_av_products', () => ({})],
      ['list_av_definitions', () => ({ product: 'bitdefender', max_results: 2 })],
      ['get_av_definition_release_date', () => ({ productid: 'bitdefender', version: '7.98764' })],
      ['list_av_history', () => ({ deviceid: fleet.devices.alphaWs.id })],
    ];
    it.each(cases)('%s', async (service, params) => {
      expectGolden(service, await api(service, params()), dialect);
    });
  });

  it('answers describe=true for every service of this family from the registry', async () => {
    for (const [service] of [
      'list_check_config', 'get_formatted_check_output', 'list_fmt_check_result', 'list_templates', 'list_performance_history',
      'list_drive_space_history', 'list_exchange_storage_history', 'list_backup_history', 'mob/mob_list_selection_size',
      'list_mob_sessions', 'list_supported_av_products', 'list_av_definitions', 'get_av_definition_release_date', 'list_av_history',
    ].map((s) => [s])) {
      const spec = SERVICES_BY_NAME.get(service!)!;
      const body = await api(service!, { describe: 'true' });
      expect(body).toContain(`<name>${service}</name>`);
      for (const name of Object.keys(spec.params)) expect(body).toContain(`<name>${name}</name>`);
      expect(body).toContain('<fielddescriptions>');
    }
  });

  describe('list_performance_history', () => {
    it('answers N-sight\'s message for a missing or wrong interval, before looking at the device', async () => {
      for (const interval of [undefined, '30', 'abc', '15.0']) {
        const params: Record<string, string | number> = { deviceid: fleet.devices.alphaDc.id };
        if (interval !== undefined) params.interval = interval;
        expect(await api('list_performance_history', params)).toContain(INTERVAL_MESSAGE);
      }
      expect(await api('list_performance_history', { deviceid: 999999, interval: 7 })).toContain(INTERVAL_MESSAGE);
    });

    it('lists the completed intervals holding samples, from since (rounded up to an interval start)', async () => {
      const all15 = await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 15 });
      // The agent reported for the two hours before "now" (14:30): eight quarters, 12:30 … 14:15.
      expect(all15.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0].match(/<data>/g)).toHaveLength(8);
      expect(all15).toContain('<start>2026-11-26 14:15:00</start><end>2026-11-26 14:29:59</end>');
      expect(all15).not.toContain('<start>2026-11-26 14:30:00</start>');
      const since = await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 15, since: '2026-11-26 13:50:01' });
      const starts = [...since.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0].matchAll(/<start>([^<]+)<\/start>/g)].map((m) => m[1]);
      expect(starts).toEqual(['2026-11-26 14:00:00', '2026-11-26 14:15:00']);
      const hourly = await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 60 });
      // 12:00 holds the samples from 12:30 on; 14:00 is still running.
      const hours = [...hourly.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0].matchAll(/<start>([^<]+)<\/start><end>([^<]+)<\/end>/g)].map((m) => [m[1], m[2]]);
      expect(hours).toEqual([['2026-11-26 12:00:00', '2026-11-26 12:59:59'], ['2026-11-26 13:00:00', '2026-11-26 13:59:59']]);
      expect(await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 15, since: 'yesterday' })).toContain('Invalid value for parameter: since');
    });

    it('answers an hour as the mean and extreme of its four quarters, the same numbers on every call', async () => {
      const a = await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 15 });
      expect(await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 15 })).toBe(a);
      const quarters = [...a.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0].matchAll(/<start>2026-11-26 13:[^<]+<\/start><end>[^<]+<\/end><queue_average>([^<]+)<\/queue_average><queue_max>([^<]+)<\/queue_max>/g)];
      expect(quarters).toHaveLength(4);
      const hourly = await api('list_performance_history', { deviceid: fleet.devices.alphaDc.id, interval: 60, since: '2026-11-26 13:00:00' });
      const [, average, max] = /<queue_average>([^<]+)<\/queue_average><queue_max>([^<]+)<\/queue_max>/.exec(hourly.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0])!;
      expect(Number(max)).toBe(Math.max(...quarters.map((q) => Number(q[2]))));
      // Three samples in every quarter: the hour's mean is the mean of the quarters' (each rounded to two decimals).
      expect(Math.abs(Number(average) - quarters.reduce((sum, q) => sum + Number(q[1]), 0) / 4)).toBeLessThanOrEqual(0.01);
    });

    it('answers an empty result for a device without performance checks', async () => {
      expect(await api('list_performance_history', { deviceid: fleet.devices.betaWs.id, interval: 60 })).toMatch(/status="OK"><\/result>$/);
    });
  });

  describe('drive space and Exchange store history', () => {
    it('filters by since in the interval\'s own format, inclusively', async () => {
      const day = await api('list_drive_space_history', { deviceid: fleet.devices.alphaDc.id, interval: 'DAY', since: '2026-11-24' });
      const cDays = [...day.match(/<drive><drive_letter>C<\/drive_letter>.*?<\/drive>/s)![0].matchAll(/<day>([^<]+)<\/day>/g)].map((m) => m[1]);
      expect(cDays).toEqual(['2026-11-24', '2026-11-25', '2026-11-26']);
      const week = await api('list_drive_space_history', { deviceid: fleet.devices.alphaDc.id, interval: 'WEEK', since: '2026W47' });
      expect([...week.matchAll(/<week>([^<]+)<\/week>/g)].map((m) => m[1])).toEqual(['2026W47', '2026W48', '2026W47', '2026W48']);
      const month = await api('list_exchange_storage_history', { deviceid: fleet.devices.alphaDc.id, interval: 'MONTH', since: '2026-10' });
      expect([...month.matchAll(/<month>([^<]+)<\/month>/g)].map((m) => m[1])).toEqual(['2026-10', '2026-11']);
      expect(await api('list_exchange_storage_history', { deviceid: fleet.devices.alphaDc.id })).toContain('<day>2026-09-28</day>');
    });

    it('rejects a since in another interval\'s format, and a wrong or missing interval', async () => {
      for (const [interval, since] of [['DAY', '2026-11'], ['WEEK', '2026-11-02'], ['MONTH', '2026W45'], ['DAY', '2026-02-30'], ['WEEK', '2026W54']]) {
        expect(await api('list_drive_space_history', { deviceid: fleet.devices.alphaDc.id, interval: interval!, since: since! })).toContain(
          '<errorcode>4</errorcode><message>Invalid value for parameter: since</message>',
        );
      }
      expect(await api('list_drive_space_history', { deviceid: fleet.devices.alphaDc.id })).toContain('<errorcode>5</errorcode><message>Missing parameter: interval</message>');
      expect(await api('list_drive_space_history', { deviceid: fleet.devices.alphaDc.id, interval: 'day' })).toContain('Invalid value for parameter: interval');
    });

    it('answers no drive for a device without drive space checks', async () => {
      expect(await api('list_drive_space_history', { deviceid: fleet.devices.betaWs.id, interval: 'DAY' })).toMatch(/status="OK"><\/result>$/);
    });
  });

  describe('backup and antivirus history', () => {
    it('writes empty <checks/> and <days/> when the device has no such checks', async () => {
      expect(await api('list_backup_history', { deviceid: fleet.devices.betaWs.id })).toMatch(/status="OK"><checks\/><days\/><\/result>$/);
      expect(await api('list_av_history', { deviceid: fleet.devices.alphaDc.id })).toMatch(/status="OK"><checks\/><days\/><\/result>$/);
    });

    it('shows 60 days from today, the most significant status of the day, OVERDUE for a server overdue that day', async () => {
      const body = await api('list_backup_history', { deviceid: fleet.devices.alphaDc.id });
      const days = [...body.matchAll(/<day><date>([^<]+)<\/date><status>([^<]+)<\/status><\/day>/g)].map((m) => [m[1], m[2]]);
      expect(days).toHaveLength(60);
      expect(days[0]).toEqual(['2026-11-26', 'PASS']);
      expect(days[59]![0]).toBe('2026-09-28');
      const on = (date: string) => days.find(([d]) => d === date)![1];
      // The never-run check is NOTRUN every day, but every other status outranks it.
      expect(on('2026-11-20')).toBe('FAIL');
      expect(on('2026-11-21')).toBe('CLEARED');
      expect(on('2026-11-22')).toBe('CLEAREDINACTIVE');
      expect(on('2026-11-23')).toBe('PASS');
      // The fleet's DEVICE_OVERDUE outage ten days ago.
      expect(on('2026-11-16')).toBe('OVERDUE');
      expect(body).toContain('<checks><name><![CDATA[Backup Check - Backup & Recovery]]></name><name><![CDATA[Backup Check - Windows Server Backup]]></name></checks>');
    });

    it('repeats the last outcome as INACTIVE after the last run', async () => {
      const body = await api('list_av_history', { deviceid: fleet.devices.alphaWs.id });
      expect(body).toContain('<day><date>2026-11-26</date><status>FAILINACTIVE</status></day>');
      expect(body).toContain('<day><date>2026-11-23</date><status>FAIL</status></day>');
      expect(body).toContain('<day><date>2026-11-22</date><status>PASS</status></day>');
      expect(body).toContain('<day><date>2026-11-11</date><status>FAILINACTIVE</status></day>');
      expect(body).toContain('<day><date>2026-11-10</date><status>FAIL</status></day>');
    });
  });

  describe('Backup & Recovery', () => {
    it('answers error 4 for a clientid or siteid that is not the device\'s, and missing year/month with 5', async () => {
      const base = { deviceid: fleet.devices.alphaDc.id, year: 2026, month: 11 };
      expect(await api('mob/mob_list_selection_size', { ...base, clientid: fleet.clients.beta.id })).toContain('Invalid value for parameter: clientid');
      expect(await api('mob/mob_list_selection_size', { ...base, siteid: fleet.sites.alphaBranch.id })).toContain('Invalid value for parameter: siteid');
      expect(await api('mob/mob_list_selection_size', { ...base, month: 13 })).toContain('Invalid value for parameter: month');
      expect(await api('mob/mob_list_selection_size', { deviceid: fleet.devices.alphaDc.id, year: 2026 })).toContain('Missing parameter: month');
      const october = await api('mob/mob_list_selection_size', { ...base, month: 10 });
      expect(october).toContain('<slot active="true"><slotid>1</slotid><FsBackupPlugin>1000000000</FsBackupPlugin></slot><total>1000000000</total>');
    });
  });

  describe('antivirus definitions', () => {
    it('accepts product and productid, and tells a missing product from an unknown one', async () => {
      const viaProduct = await api('list_av_definitions', { product: 'bitdefender' });
      expect(viaProduct.match(/<definition>/g)).toHaveLength(3);
      expect(await api('list_av_definitions', { productid: 'bitdefender' })).toBe(viaProduct);
      expect(await api('list_av_definitions', {})).toContain('<errorcode>5</errorcode><message>Missing parameter: product</message>');
      expect(await api('list_av_definitions', { productid: 'nope' })).toContain('Invalid value for parameter: productid');
      expect(await api('get_av_definition_release_date', { product: 'bitdefender', version: '0.1' })).toContain('Invalid value for parameter: version');
      expect(await api('list_av_definitions', { product: 'bitdefender', max_results: 0 })).toContain('Invalid value for parameter: max_results');
    });
  });

  it('treats every device, check and history outside the key\'s client group as missing', async () => {
    const own = await makeAccount(database, 'scoped-history', 'Europe/London');
    const c1 = await makeClient(database, own.account.id, 'Seen Client');
    const c2 = await makeClient(database, own.account.id, 'Hidden Client');
    const s1 = await makeSite(database, own.account.id, c1.id, 'HQ');
    const s2 = await makeSite(database, own.account.id, c2.id, 'HQ');
    const seen = await makeDevice(database, { accountId: own.account.id, clientId: c1.id, siteId: s1.id }, 'server', 'SEEN-01');
    const hidden = await makeDevice(database, { accountId: own.account.id, clientId: c2.id, siteId: s2.id }, 'server', 'HIDDEN-01');
    const hiddenCheck = await makeCheck(database, { accountId: own.account.id, clientId: c2.id, siteId: s2.id, deviceId: hidden.id }, 'Backup Check', { check_type: 1002 });
    await restrictAgentKey(database, own.account.id, [c1.id]);
    const call = (service: string, params: Record<string, string | number>) => callApi(t.app, { apikey: own.apiKey, service, ...params }).then((r) => r.body);
    const deviceCalls: [string, Record<string, string | number>][] = [
      ['list_performance_history', { interval: 15 }], ['list_drive_space_history', { interval: 'DAY' }], ['list_exchange_storage_history', {}],
      ['list_backup_history', {}], ['list_av_history', {}], ['list_mob_sessions', {}], ['mob/mob_list_selection_size', { year: 2026, month: 11 }],
    ];
    for (const [service, extra] of deviceCalls) {
      expect(await call(service, { deviceid: seen.id, ...extra }), service).toContain('status="OK"');
      expect(await call(service, { deviceid: hidden.id, ...extra }), service).toContain('<errorcode>4</errorcode><message>Invalid value for parameter: deviceid</message>');
      // Another account's device looks the same.
      expect(await call(service, { deviceid: fleet.devices.alphaDc.id, ...extra }), service).toContain('Invalid value for parameter: deviceid');
    }
    for (const service of ['list_check_config', 'get_formatted_check_output', 'list_fmt_check_result']) {
      expect(await call(service, { checkid: hiddenCheck.id })).toContain('Invalid value for parameter: checkid');
      expect(await call(service, { checkid: fleet.checks.disk.id })).toContain('Invalid value for parameter: checkid');
    }
    // Templates belong to the account: the other account's are not listed.
    expect(await call('list_templates', {})).toMatch(/<items\/>|<items><\/items>/);
  });

  it('counts history days in the account\'s timezone: Auckland is already tomorrow when Los Angeles is not', async () => {
    // 11:30 UTC: 00:30 on the 27th in Auckland (UTC+13), 03:30 on the 26th in Los Angeles (UTC-8).
    const app = await buildTestApp(database, {}, fixedClock('2026-11-26T11:30:00Z'));
    try {
      for (const [timezone, today, lastRunStatus] of [['Pacific/Auckland', '2026-11-27', 'PASSINACTIVE'], ['America/Los_Angeles', '2026-11-26', 'PASS']] as const) {
        const acct = await makeAccount(database, `tz-${timezone}`, timezone);
        const client = await makeClient(database, acct.account.id, 'Client');
        const site = await makeSite(database, acct.account.id, client.id, 'Site');
        const device = await makeDevice(database, { accountId: acct.account.id, clientId: client.id, siteId: site.id }, 'server', 'SRV');
        // Last run 10:45 UTC: the 26th in both zones (23:45 in Auckland, 02:45 in Los Angeles).
        await makeCheck(database, { accountId: acct.account.id, clientId: client.id, siteId: site.id, deviceId: device.id }, 'Backup Check', { check_type: 1002, last_run_at: Date.parse('2026-11-26T10:45:00Z') / 1000 });
        const body = (await callApi(app.app, { apikey: acct.apiKey, service: 'list_backup_history', deviceid: device.id })).body;
        expect(body, timezone).toContain(`<days><day><date>${today}</date><status>${lastRunStatus}</status></day>`);
        expect(body.match(/<day>/g), timezone).toHaveLength(60);
      }
    } finally {
      await app.app.close();
    }
  });

  it('keeps NOW consistent with the fixtures', () => {
    expect(NOW).toBe(Date.parse('2026-11-26T14:30:00Z') / 1000);
  });
});
