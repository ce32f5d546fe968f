import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CommandsResponse, EnrolResponse } from '../../src/agent-protocol/protocol.schema.js';
import type { Clock } from '../../src/lib/clock.js';
import { MAV_COMMAND_TTL_SECONDS } from '../../src/mav/mav-action.service.js';
import { addAssets } from '../asset-factories.js';
import { makeFleet, NOW, type Fleet } from '../factories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectGolden } from '../support/golden.js';

const FROM = '192.0.2.44';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ATTRS = 'created="2026-11-26T14:30:00+00:00" host="rmm.example.test"';
const OK = `${XML_HEAD}<result ${ATTRS} status="OK"><msg></msg></result>`;
const fail = (message: string) => `${XML_HEAD}<result ${ATTRS} status="FAIL"><msg>${message}</msg></result>`;
const invalid = (parameter: string) => `${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>4</errorcode><message>Invalid value for parameter: ${parameter}</message></error></result>`;

const FACTS = {
  hostname: 'mav-01', deviceType: 'workstation', os: { name: 'Windows 11 Pro', version: '23H2', family: 'windows' },
  cpu: { model: 'Intel Core i5', count: 4 }, memoryMb: 8192, agentVersion: '1.0.0',
} as const;

/**
 * The Managed Antivirus actions over real databases: each queues a command for the device's agent
 * (deduplicated while pending), the agent's acknowledgement changes the reads, refusals change nothing,
 * scope and permissions hold, and every call that answers is audited with its key and parameters.
 */
describe.each(DIALECTS)('MAV actions on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let fleet: Fleet;
  let globex: Fleet;
  let now = NOW;
  const clock: Clock = { now: () => new Date(now * 1000) };
  let device: { id: number; secret: string };
  let keys: { read: string; restricted: string };

  const system = () => fleet.services.access.systemActor(fleet.account.id);
  const api = async (params: Record<string, string | number>, apikey = fleet.apiKey) => (await callApi(t.app, { apikey, ...params })).body;
  const agent = (app: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url: `/agent/v1${url}`, headers: { authorization: `Bearer ${device.secret}` }, ...(payload === undefined ? {} : { payload: payload as string }) });
  const commandsOf = (deviceId: number) => database.db.selectFrom('agent_commands').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
  const pending = async (deviceId: number) => (await commandsOf(deviceId)).filter((c) => c.status === 'queued' || c.status === 'delivered');
  const auditRows = (action: string) => database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  /** Takes the device's queued commands as its agent would, and acknowledges the newest of `kind`. */
  async function ack(kind: string, body: Record<string, unknown>) {
    const delivered = CommandsResponse.parse((await agent(t.app, 'GET', '/commands?wait=0')).json()).commands;
    const command = delivered.filter((c) => c.kind === kind).at(-1)!;
    expect(command, kind).toBeDefined();
    const res = await agent(t.app, 'POST', `/commands/${command.id}/ack`, body);
    expect(res.statusCode, res.body).toBe(200);
    return command;
  }
  const report = (sections: Record<string, unknown>, batchId: string) => agent(t.app, 'POST', '/reports', { batchId, sentAt: now, ...sections });
  const finishedScan = (scanKey: string, threats: unknown[] = []) => ({ scanKey, engine: 'bitdefender', kind: 'quick', state: 'finished', startedAt: now - 600, endedAt: now - 60, filesScanned: 1000, threats });
  const quarantineStatus = async (guid: string) =>
    (await database.db.selectFrom('mav_quarantine').select('statusid').where('device_id', '=', device.id).where('guid', '=', guid).executeTakeFirstOrThrow()).statusid;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await addAssets(database, fleet);
    globex = await makeFleet(database, 'globex');
    t = await buildTestApp(database, {}, clock);
    const { token } = await fleet.services.siteTokens.create(system(), { accountId: fleet.account.id, clientGroupId: null }, 'test', fleet.sites.alphaHq.id, {});
    const enrolled = EnrolResponse.parse((await t.app.inject({ method: 'POST', url: '/agent/v1/enrol', payload: { siteToken: token, machineId: 'machine-mav-1', facts: FACTS } })).json());
    device = { id: enrolled.deviceId, secret: enrolled.deviceSecret };
    // A Bitdefender device with two quarantined threats.
    const threats = [
      { name: 'Trojan.Agent.A', category: 'Trojan', status: 'Quarantined', quarantineGuid: '101' },
      { name: 'Adware.B', category: 'Adware', status: 'Quarantined', quarantineGuid: '102' },
      { name: 'PUP.C', category: 'PUP', status: 'Quarantined', quarantineGuid: '103' },
    ];
    expect((await report({ mavScans: [finishedScan('bd-1', threats)] }, 'batch-mav-0001')).statusCode).toBe(200);
    const s = fleet.services;
    await s.clientGroups.create(system(), FROM, { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
    await s.users.add(system(), FROM, { email: 'admin@acme.test', role: 'administrator' });
    await s.users.add(system(), FROM, { email: 'scoped@acme.test', role: 'administrator', group: 'Beta only' });
    const user = async (email: string) => (await s.repos.users.findByEmail(email))!;
    keys = {
      read: (await s.personalKeys.create(system(), FROM, await user('admin@acme.test'), { name: 'reader', scope: 'read' })).key,
      restricted: (await s.personalKeys.create(system(), FROM, await user('scoped@acme.test'), { name: 'beta', scope: 'read-write' })).key,
    };
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });
  beforeEach(() => {
    now = NOW;
  });

  it('mav_scan_start queues one command, answers the action envelope, and the acknowledged scan shows in list_mav_scans and mav_scan_device_list', async () => {
    const scansBefore = (await api({ service: 'list_mav_scans', deviceid: device.id, details: 'NO' })).match(/<scan>/g)?.length ?? 0;
    expect(await api({ service: 'mav_scan_start', deviceid: device.id })).toBe(OK);
    // Repeated while pending: the same answer, no second command.
    expect(await api({ service: 'mav_scan_start', deviceid: device.id })).toBe(OK);
    const queued = (await pending(device.id)).filter((c) => c.kind === 'mav_scan_start');
    expect(queued).toHaveLength(1);
    expect(queued[0]!.expires_at).toBe(NOW + MAV_COMMAND_TTL_SECONDS);

    await ack('mav_scan_start', { outcome: 'succeeded', message: 'scanned', report: { mavScans: [{ ...finishedScan('bd-requested'), startedAt: now - 30, endedAt: now - 5, filesScanned: 4242 }] } });
    const scans = await api({ service: 'list_mav_scans', deviceid: device.id, details: 'NO' });
    expect(scans.match(/<scan>/g)).toHaveLength(scansBefore + 1);
    expect(scans).toContain('<files_scanned>4242</files_scanned>');
    expect(await api({ service: 'mav_scan_device_list', deviceid: device.id })).toContain('<files_scanned>4242</files_scanned>');
    const [row] = (await commandsOf(device.id)).filter((c) => c.kind === 'mav_scan_start');
    expect([row!.status, row!.outcome, row!.message]).toEqual(['acked', 'succeeded', 'scanned']);
    // Acknowledged: a new start queues afresh.
    expect(await api({ service: 'mav_scan_start', deviceid: device.id })).toBe(OK);
    expect((await pending(device.id)).filter((c) => c.kind === 'mav_scan_start')).toHaveLength(1);
    await ack('mav_scan_start', { outcome: 'unsupported', message: 'no MAV engine on this machine' });
  });

  it('wakes a waiting long-poll as soon as the write commits', async () => {
    const started = Date.now();
    const poll = agent(t.app, 'GET', '/commands?wait=5');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await api({ service: 'mav_definitions_update', deviceid: device.id })).toBe(OK);
    const { commands } = CommandsResponse.parse((await poll).json());
    expect(commands.map((c) => c.kind)).toEqual(['mav_definitions_update']);
    // The cross-process re-check runs every second; the in-process wake is faster.
    expect(Date.now() - started).toBeLessThan(950);
    const res = await agent(t.app, 'POST', `/commands/${commands[0]!.id}/ack`, {
      outcome: 'succeeded', report: { antivirus: { product: 'Managed Antivirus', running: true, definitionsVersion: '9.9.9', definitionsReleasedAt: NOW - 60 } },
    });
    expect(res.statusCode).toBe(200);
    const av = await database.db.selectFrom('device_antivirus').selectAll().where('device_id', '=', device.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(av)).toContain('9.9.9');
  });

  it('refuses a scan start while a scan runs, pause/resume/cancel without the scan they need, in N-sight\'s <msg> shape, queuing nothing', async () => {
    const dc = fleet.devices.alphaDc.id; // a VIPRE deep scan is running there (test/asset-factories.ts)
    expect(await api({ service: 'mav_scan_start', deviceid: dc })).toBe(fail('An error has occurred'));
    expect(await api({ service: 'mav_scan_resume', deviceid: dc })).toBe(fail('Unsupported action type'));
    expect(await api({ service: 'mav_definitions_update', deviceid: dc })).toBe(fail('Unsupported action type'));
    // The enrolled device has only finished scans.
    expect(await api({ service: 'mav_scan_pause', deviceid: device.id })).toBe(fail('Unsupported action type'));
    expect(await api({ service: 'mav_scan_resume', deviceid: device.id })).toBe(fail('Unsupported action type'));
    expect(await api({ service: 'mav_scan_cancel', deviceid: device.id })).toBe(fail('An error has occurred'));
    expect(await pending(dc)).toEqual([]);
    expect(await pending(device.id)).toEqual([]);
  });

  it('pauses, resumes and cancels the running scan once the agent acknowledges each', async () => {
    expect((await report({ mavScans: [{ ...finishedScan('bd-running'), state: 'running', endedAt: null }] }, 'batch-mav-0002')).statusCode).toBe(200);
    const stateOf = async () => (await database.db.selectFrom('mav_scans').select(['state', 'ended_at']).where('device_id', '=', device.id).where('scan_key', '=', 'bd-running').executeTakeFirstOrThrow());
    expect(await api({ service: 'mav_scan_start', deviceid: device.id })).toBe(fail('An error has occurred'));
    expect(await api({ service: 'mav_scan_pause', deviceid: device.id })).toBe(OK);
    await ack('mav_scan_pause', { outcome: 'succeeded' });
    expect(await stateOf()).toEqual({ state: 'paused', ended_at: null });
    expect(await api({ service: 'mav_scan_pause', deviceid: device.id })).toBe(fail('Unsupported action type'));
    expect(await api({ service: 'mav_scan_resume', deviceid: device.id })).toBe(OK);
    await ack('mav_scan_resume', { outcome: 'succeeded' });
    expect(await stateOf()).toEqual({ state: 'running', ended_at: null });
    expect(await api({ service: 'mav_scan_cancel', deviceid: device.id })).toBe(OK);
    // A canceled scan ends when the agent acknowledges.
    now = NOW + 120;
    await ack('mav_scan_cancel', { outcome: 'succeeded' });
    expect(await stateOf()).toEqual({ state: 'canceled', ended_at: NOW + 120 });
    expect(await api({ service: 'list_mav_scans', deviceid: device.id, details: 'NO', v: 2 })).toContain('<status>Scan Aborted</status>');
  });

  it('releases a quarantined item once acknowledged: it leaves the current quarantine and reads as Released', async () => {
    expect(await api({ service: 'mav_quarantine_release', deviceid: device.id, guids: ' 101 ' })).toBe(OK);
    const [command] = (await pending(device.id)).filter((c) => c.kind === 'mav_quarantine_release');
    expect(JSON.parse(command!.params)).toEqual({ guids: '101' });
    expect(await api({ service: 'list_mav_quarantine', deviceid: device.id })).toContain('<guid>101</guid>');
    await ack('mav_quarantine_release', { outcome: 'succeeded', message: 'released' });
    expect(await quarantineStatus('101')).toBe(3);
    expect(await api({ service: 'list_mav_quarantine', deviceid: device.id })).not.toContain('<guid>101</guid>');
    expect(await api({ service: 'mav_quarantine_list', deviceid: device.id })).toMatch(/<quarantineguid>101<\/quarantineguid><statusid>3<\/statusid><group>1<\/group>/);
    // Released: no longer a guid to act on.
    expect(await api({ service: 'mav_quarantine_remove', deviceid: device.id, guids: '101' })).toBe(invalid('guids'));
  });

  it('a removal the agent reports failed changes nothing and shows, with its reason, in the device\'s command list', async () => {
    expect(await api({ service: 'mav_quarantine_remove', deviceid: device.id, guids: '103,102' })).toBe(OK);
    expect(await api({ service: 'mav_quarantine_remove', deviceid: device.id, guids: '102,103,102' })).toBe(OK);
    expect((await pending(device.id)).filter((c) => c.kind === 'mav_quarantine_remove')).toHaveLength(1);
    await ack('mav_quarantine_remove', { outcome: 'failed', message: 'file is locked' });
    expect([await quarantineStatus('102'), await quarantineStatus('103')]).toEqual([1, 1]);
    const [listed] = await fleet.services.commands.list({ accountId: fleet.account.id, deviceId: device.id }, 1);
    expect([listed!.kind, listed!.status, listed!.outcome, listed!.message]).toEqual(['mav_quarantine_remove', 'acked', 'failed', 'file is locked']);
  });

  it('a guid list with one malformed, unknown or foreign guid answers code 4 on guids and queues nothing', async () => {
    const before = await commandsOf(device.id);
    const auditBefore = (await auditRows('api.mav_quarantine_release')).length;
    const otherDevice = '6F9619FF-8B86-D011-B42D-00C04FC964FF'; // quarantined on ALPHA-DC01, not on this device
    for (const guids of ['102,', '102,,103', 'a b', '102;103', Array.from({ length: 201 }, (_, i) => `g${i}`).join(','), '102,nope', `102,${otherDevice}`]) {
      expect(await api({ service: 'mav_quarantine_release', deviceid: device.id, guids }), guids).toBe(invalid('guids'));
    }
    expect(await api({ service: 'mav_quarantine_release', deviceid: device.id })).toContain('<errorcode>5</errorcode><message>Missing parameter: guids</message>');
    expect(await commandsOf(device.id)).toEqual(before);
    expect(await auditRows('api.mav_quarantine_release')).toHaveLength(auditBefore);
  });

  it('answers a device outside the scope exactly like a missing one, and refuses read-only keys', async () => {
    const missing = await api({ service: 'mav_scan_start', deviceid: 999_999_999 });
    expect(missing).toBe(invalid('deviceid'));
    expect(await api({ service: 'mav_scan_start', deviceid: globex.devices.alphaWs.id })).toBe(missing);
    expect(await api({ service: 'mav_scan_start', deviceid: device.id }, keys.restricted)).toBe(missing);
    expect(await api({ service: 'mav_quarantine_remove', deviceid: device.id, guids: '102' }, keys.restricted)).toBe(missing);
    expect(await api({ service: 'mav_scan_start', deviceid: device.id }, keys.read)).toContain('<errorcode>6</errorcode><message>Permission denied: this key is read-only</message>');
    expect(await pending(globex.devices.alphaWs.id)).toEqual([]);
    expect(await pending(device.id)).toEqual([]);
  });

  it('writes one audit row per answered call, with the key and parameters, and none for a refused one', async () => {
    const before = (await auditRows('api.mav_scan_start')).length;
    await api({ service: 'mav_scan_start', deviceid: device.id });
    await api({ service: 'mav_scan_start', deviceid: 999_999_999 });
    const rows = await auditRows('api.mav_scan_start');
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ account_id: fleet.account.id, actor_label: 'account API key', detail: JSON.stringify({ deviceid: device.id }) });
    await ack('mav_scan_start', { outcome: 'succeeded', report: { mavScans: [finishedScan('bd-audit')] } });
  });

  it('expires a command the agent never acknowledges (visible in the command list); a new identical one may then be queued', async () => {
    expect(await api({ service: 'mav_definitions_update', deviceid: device.id })).toBe(OK);
    expect(await api({ service: 'mav_definitions_update', deviceid: device.id })).toBe(fail('There is already a MAV definition update pending'));
    now = NOW + MAV_COMMAND_TTL_SECONDS;
    expect(await api({ service: 'mav_definitions_update', deviceid: device.id })).toBe(
      `${XML_HEAD}<result created="2026-11-27T14:30:00+00:00" host="rmm.example.test" status="OK"><msg></msg></result>`,
    );
    const rows = (await commandsOf(device.id)).filter((c) => c.kind === 'mav_definitions_update');
    expect(rows.slice(-2).map((r) => r.status)).toEqual(['expired', 'queued']);
  });

  it('answers byte for byte as its golden files (the same on every database)', async () => {
    const golden = async (name: string, params: Record<string, string | number>) => expectGolden(name, await api(params), dialect);
    await golden('mav_definitions_update.pending', { service: 'mav_definitions_update', deviceid: device.id });
    await golden('mav_definitions_update.vipre', { service: 'mav_definitions_update', deviceid: fleet.devices.alphaDc.id });
    await golden('mav_scan_start', { service: 'mav_scan_start', deviceid: device.id });
    expect((await report({ mavScans: [{ ...finishedScan('bd-golden'), state: 'running', endedAt: null }] }, 'batch-mav-0003')).statusCode).toBe(200);
    await golden('mav_scan_start.scan-running', { service: 'mav_scan_start', deviceid: device.id });
    await golden('mav_scan_pause', { service: 'mav_scan_pause', deviceid: device.id });
    await golden('mav_scan_resume.no-paused-scan', { service: 'mav_scan_resume', deviceid: device.id });
    await golden('mav_scan_cancel', { service: 'mav_scan_cancel', deviceid: device.id });
    await golden('mav_quarantine_release', { service: 'mav_quarantine_release', deviceid: device.id, guids: '102' });
    await golden('mav_quarantine_remove.unknown-guid', { service: 'mav_quarantine_remove', deviceid: device.id, guids: '103,nope' });
    await golden('mav_scan_start.describe', { service: 'mav_scan_start', describe: 'true' });
    await golden('mav_quarantine_release.describe', { service: 'mav_quarantine_release', describe: 'true' });
  });
});
