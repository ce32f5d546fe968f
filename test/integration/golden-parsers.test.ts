import { XMLParser } from 'fast-xml-parser';
import { readdirSync } from 'node:fs';
import { parseStringPromise } from 'xml2js';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, readGolden } from '../support/golden.js';

/**
 * The golden files read by the two parsers real clients use: xml2js 0.6 (Node clients, explicitArray
 * on by default) and fast-xml-parser 4 (attributes kept, as a client reading checks@count must). The
 * values asserted are those clients read: CDATA names (including ones containing `&`, `<` and `]]>`),
 * the ids that chain one service to the next, the nesting, and attributes.
 * Ids are those of makeFleet in a fresh database: clients 1-3, sites 1-4, devices 1-6, checks 1-4.
 */
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

async function both(name: string) {
  const xml = readGolden(name);
  return { js: (await parseStringPromise(xml)) as any, fx: fxp.parse(xml) as any };
}

describe('golden files parsed by xml2js 0.6 and fast-xml-parser 4', () => {
  it('every golden file is well-formed for both parsers, declares UTF-8 and has one root with a valid status', async () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const { js, fx } = await both(file.slice(0, -4));
      expect(readGolden(file.slice(0, -4)).startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
      const roots = Object.keys(js);
      expect(roots, file).toHaveLength(1);
      // Most services answer <result status="OK|FAIL">; the documented exceptions (<settings>, <quarantines>, …) carry no status.
      const status = js[roots[0]!].$?.status;
      if (status !== undefined) {
        expect(['OK', 'FAIL'], file).toContain(status);
        expect(fx[roots[0]!]['@status'], file).toBe(status);
      }
    }
  });

  it('list_clients: CDATA names with & and <, ids and counts', async () => {
    const { js, fx } = await both('list_clients');
    expect(js.result.items[0].client.map((c: any) => c.name[0])).toEqual(['Alpha Dental & Co <Ltd>', 'Beta Logistics', 'Gamma Clinic']);
    expect(js.result.items[0].client.map((c: any) => c.clientid[0])).toEqual(['1', '2', '3']);
    expect(fx.result.items.client.map((c: any) => c.name)).toEqual(['Alpha Dental & Co <Ltd>', 'Beta Logistics', 'Gamma Clinic']);
    expect(fx.result.items.client[0]).toMatchObject({ server_count: '1', workstation_count: '2', device_count: '3', timezone: '' });
    const filtered = await both('list_clients.devicetype-server');
    expect(asList(filtered.fx.result.items.client).map((c: any) => c.clientid)).toEqual(['1', '2']);
  });

  it('list_sites: a name containing ]]> survives the split CDATA in both parsers', async () => {
    const { js, fx } = await both('list_sites');
    expect(js.result.items[0].site.map((s: any) => s.name[0])).toEqual(['Head Office', 'Branch ]]> Office']);
    expect(fx.result.items.site.map((s: any) => [s.siteid, s.name])).toEqual([['1', 'Head Office'], ['2', 'Branch ]]> Office']]);
  });

  it('list_servers / list_workstations: deviceid under serverid / workstationid, backslash in user', async () => {
    const servers = await both('list_servers');
    expect(servers.js.result.items[0].server[0].serverid[0]).toBe('1');
    expect(servers.fx.result.items.server).toMatchObject({ serverid: '1', name: 'ALPHA-DC01', user: 'CORP\\alice', last_boot_time: '1795617000' });
    const workstations = await both('list_workstations');
    expect(workstations.fx.result.items.workstation).toMatchObject({ workstationid: '3', name: 'ALPHA-WS002', online: '0' });
  });

  it('list_agentless_assets: an empty items element', async () => {
    const { js, fx } = await both('list_agentless_assets');
    expect(js.result.items).toEqual(['']);
    expect(fx.result.items).toBe('');
  });

  it('list_devices_at_client: client > site* > server|workstation*, sites by name, status and checkcount', async () => {
    const servers = await both('list_devices_at_client.server');
    const client = servers.fx.result.items.client;
    expect(client.name).toBe('Alpha Dental & Co <Ltd>');
    expect(client.site.map((s: any) => s.name)).toEqual(['Branch ]]> Office', 'Head Office']);
    expect(client.site[0].server).toBeUndefined();
    expect(client.site[1].server).toMatchObject({ id: '1', name: 'ALPHA-DC01', status: 'Failed', checkcount: { dsc_247: '2', pass: '1', clear: '0', fail: '1' } });
    expect(servers.js.result.items[0].client[0].site[1].server[0].name[0]).toBe('ALPHA-DC01');
    const workstations = await both('list_devices_at_client.workstation');
    const sites = workstations.js.result.items[0].client[0].site;
    expect(sites.map((s: any) => s.workstation.map((w: any) => [w.name[0], w.status[0]]))).toEqual([
      [['ALPHA-WS002', 'Overdue']],
      [['ALPHA-WS001', 'Ok']],
    ]);
  });

  it('list_device_monitoring_details: the device element under result, checks@count, outages and notes', async () => {
    const { js, fx } = await both('list_device_monitoring_details');
    expect(js.result.server[0].checks[0].$.count).toBe('2');
    expect(fx.result.server.checks['@count']).toBe('2');
    expect(fx.result.server.checks.check.map((k: any) => [k.checkid, k.checkstatus])).toEqual([['1', 'testerror'], ['2', 'testok']]);
    expect(fx.result.server.outages.outage.map((o: any) => [o.id, o.isclosed])).toEqual([['2', '1'], ['1', '0']]);
    expect(fx.result.server.notes.note).toMatchObject({ note: 'Freed space on C:', public_note: 'Working on it', devicename: 'ALPHA-DC01' });
    const ws = await both('list_device_monitoring_details.workstation');
    expect(ws.js.result.workstation[0].checks[0].$.count).toBe('0');
    expect(ws.fx.result.workstation.checks['@count']).toBe('0');
  });

  it('list_checks: CDATA descriptions with &, ids and dates', async () => {
    const { js, fx } = await both('list_checks');
    expect(js.result.items[0].check.map((k: any) => k.description[0])).toEqual(['Disk Space Check - Drive C:', 'Backup Check - Backup & Recovery']);
    expect(fx.result.items.check[0]).toMatchObject({ checkid: '1', statusid: '1', consecutive_fails: '3', utc_run: '2026-11-26 14:20:00', date: '2026-11-26', time: '15:20:00' });
  });

  it('list_failing_checks: clients > sites > servers/workstations, HTML output in CDATA, overdue and offline blocks', async () => {
    const { js, fx } = await both('list_failing_checks');
    const [alpha, beta] = fx.result.items.client;
    expect(fx.result.items.client).toHaveLength(2); // Gamma has nothing failing
    expect(alpha.site[0]).toMatchObject({ siteid: '2', name: 'Branch ]]> Office', servers: '' });
    expect(alpha.site[0].workstations.workstation).toMatchObject({ id: '3', overdue: { startdate: '2026-11-26', starttime: '12:30:00' } });
    expect(alpha.site[1].servers.server.failed_checks.check).toMatchObject({ checkid: '1', formatted_output: '<b>2.1GB free (1.7%)</b>', checkstatus: 'testerror' });
    expect(beta.site.servers.server).toMatchObject({ id: '4', offline: { description: 'offline - maintenance mode' }, failed_checks: '' });
    expect(js.result.items[0].client[1].site[0].workstations[0].workstation[0].failed_checks[0].check[0].checkid[0]).toBe('4');

    const one = await both('list_failing_checks.client');
    expect(asList(one.fx.result.items.client).map((c: any) => c.clientid)).toEqual(['2']);
    const tasks = await both('list_failing_checks.tasks');
    const taskDevices = tasks.js.result.items[0].client.flatMap((c: any) => c.site.flatMap((s: any) => [...(s.servers[0].server ?? []), ...(s.workstations[0].workstation ?? [])]));
    expect(taskDevices.map((d: any) => d.id[0])).toEqual(['5']);
    expect(taskDevices[0].offline).toBeUndefined();
    expect(taskDevices[0].overdue).toBeUndefined();
  });

  it('list_outages: open and closed outages within 61 days; the 90-day-old one is gone', async () => {
    const { js, fx } = await both('list_outages');
    expect(fx.result.outage.map((o: any) => [o.outage_id, o.reason, o.state])).toEqual([['2', 'DEVICE_OVERDUE', 'CLOSED'], ['1', 'CHECK_FAILURE', 'OPEN']]);
    expect(fx.result.outage[0].check_id).toBeUndefined();
    expect(fx.result.outage[1].utc_end).toBeUndefined();
    expect(js.result.outage[1].check_description[0]).toBe('Disk Space Check - Drive C:');
    expect(readGolden('list_outages')).not.toContain('too old to list');
  });
});
