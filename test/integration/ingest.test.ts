import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportRequest } from '../../src/agent-protocol/protocol.schema.js';
import { loadConfig } from '../../src/config.js';
import type { IngestService, DeviceRef } from '../../src/ingest/ingest.contract.js';
import { createServices } from '../../src/services.js';
import { AppError } from '../../src/errors.js';
import { makeAccount, makeClient, makeSite, NOW } from '../factories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { facts, movableClock, snapshot } from '../support/ingest.js';

const run = promisify(execFile);
/** The URL enrolling agents report to (what their package's config.json says). */
const SERVER_URL = 'https://rmm.example.test:8443';
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const SWEEP_ONCE = fileURLToPath(new URL('../support/sweep-once.ts', import.meta.url));

/** Whether `work` fails with an AppError about `field`. */
async function refusal(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) return error.field;
    throw error;
  }
  return undefined;
}

describe.each(DIALECTS)('ingestion on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let ingest: IngestService;
  let accountId: number;
  let siteRef: { accountId: number; siteId: number };
  let clientId: number;
  const clock = movableClock(NOW);
  const api = async (params: Record<string, string | number>) => (await callApi(t.app, { apikey: apiKey, ...params })).body;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const made = await makeAccount(database, 'acme');
    accountId = made.account.id;
    apiKey = made.apiKey;
    const client = await makeClient(database, accountId, 'Alpha');
    clientId = client.id;
    const site = await makeSite(database, accountId, client.id, 'Head Office');
    siteRef = { accountId, siteId: site.id };
    ingest = createServices({ config: loadConfig({}), database, clock }).ingest;
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  let server: DeviceRef;
  let checkIds: number[];
  let batch = 0;
  const report = (extra: Record<string, unknown> = {}) => ReportRequest.parse({ batchId: `batch-${String(++batch).padStart(4, '0')}`, sentAt: clock.at, ...extra });

  it('enrols a machine: the device, named by its hostname, with the checks of its site\'s template', async () => {
    const enrolled = await ingest.enrolDevice(siteRef, 'machine-0001', facts('web01'), SERVER_URL);
    expect(enrolled.created).toBe(true);
    server = { accountId, clientId, siteId: siteRef.siteId, deviceId: enrolled.deviceId };
    const servers = await api({ service: 'list_servers', siteid: siteRef.siteId });
    expect(servers).toContain('<name><![CDATA[web01]]></name>');
    expect(servers).toContain('<os>Ubuntu 24.04.1 LTS</os>');
    const checks = await api({ service: 'list_checks', deviceid: server.deviceId });
    checkIds = [...checks.matchAll(/<checkid>(\d+)<\/checkid>/g)].map((m) => Number(m[1]));
    expect(checkIds).toHaveLength(7);
    expect(checks).toContain('<![CDATA[Disk Space Check - /]]>');
    expect(checks.match(/<statusid>3<\/statusid>/g)).toHaveLength(7);
    // The account had no server template: the built-in one was created for it (and list_templates shows it).
    expect(await api({ service: 'list_templates', devicetype: 'server' })).toContain('Default Server Template');
    const client = await database.db.selectFrom('clients').select(['server_count', 'workstation_count']).where('id', '=', clientId).executeTakeFirstOrThrow();
    expect(client).toEqual({ server_count: 1, workstation_count: 0 });
    const counts = await database.db.selectFrom('devices').select(['check_total', 'check_pass', 'check_fail', 'machine_id']).where('id', '=', server.deviceId).executeTakeFirstOrThrow();
    expect(counts).toEqual({ check_total: 7, check_pass: 0, check_fail: 0, machine_id: 'machine-0001' });
    // The template's checks of the server the agent reports to are stored with its URL filled in.
    const stored = await database.db.selectFrom('checks').select(['kind', 'description', 'settings']).where('device_id', '=', server.deviceId).where('kind', 'in', ['http', 'tcp_port']).orderBy('id').execute();
    expect(stored.map((k) => ({ ...k, settings: JSON.parse(k.settings) }))).toEqual([
      { kind: 'http', description: 'Web Page Check - https://rmm.example.test:8443/healthz', settings: { url: 'https://rmm.example.test:8443/healthz', timeoutSeconds: 10, expectStatus: 200 } },
      { kind: 'tcp_port', description: 'TCP Service Check - rmm.example.test:8443', settings: { host: 'rmm.example.test', port: 8443, timeoutSeconds: 5 } },
    ]);
  });

  it('re-enrolling the same machine reuses its device and updates its facts', async () => {
    const again = await ingest.enrolDevice(siteRef, 'machine-0001', facts('web01-renamed', 'server', { memoryMb: 65536 }), SERVER_URL);
    expect(again).toEqual({ deviceId: server.deviceId, created: false });
    const row = await database.db.selectFrom('devices').select(['name', 'total_memory', 'check_total']).where('id', '=', server.deviceId).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: 'web01-renamed', total_memory: 65536 * 1024 * 1024, check_total: 7 });
    const workstation = await ingest.enrolDevice(siteRef, 'machine-0002', facts('ws01', 'workstation'), SERVER_URL);
    expect(workstation.created).toBe(true);
    expect(await database.db.selectFrom('checks').select('id').where('device_id', '=', workstation.deviceId).execute()).toHaveLength(3);
  });

  it('a failing result fails the check, lists it as failing and opens an outage; a pass closes it', async () => {
    clock.at += 60;
    const [disk, process] = checkIds;
    expect(await ingest.applyReport(server, report({
      checkResults: [
        { checkId: disk, at: clock.at - 30, status: 'fail', output: '2% free on / & <falling>' },
        { checkId: process, at: clock.at - 30, status: 'pass', output: 'init running (pid 1)' },
      ],
    }))).toEqual({ applied: true });
    const checks = await api({ service: 'list_checks', deviceid: server.deviceId });
    expect(checks).toMatch(new RegExp(`<checkid>${disk}</checkid>.*?<statusid>1</statusid><consecutive_fails>1</consecutive_fails>`));
    expect(checks).toMatch(new RegExp(`<checkid>${process}</checkid>.*?<statusid>0</statusid><consecutive_fails>0</consecutive_fails>`));
    const failing = await api({ service: 'list_failing_checks', clientid: clientId });
    expect(failing).toContain(`<checkid>${disk}</checkid>`);
    expect(failing).toContain('<formatted_output><![CDATA[<b>2% free on / &amp; &lt;falling&gt;</b>]]></formatted_output>');
    let outages = await api({ service: 'list_outages', deviceid: server.deviceId });
    expect(outages).toContain(`<reason>CHECK_FAILURE</reason><state>OPEN</state>`);
    expect(outages).toContain(`<check_id>${disk}</check_id>`);
    expect((await database.db.selectFrom('devices').select('check_fail').where('id', '=', server.deviceId).executeTakeFirstOrThrow()).check_fail).toBe(1);

    clock.at += 300;
    await ingest.applyReport(server, report({ checkResults: [{ checkId: disk, at: clock.at - 10, status: 'pass', output: '40% free on /' }] }));
    outages = await api({ service: 'list_outages', deviceid: server.deviceId });
    expect(outages).toContain(`<reason>CHECK_FAILURE</reason><state>CLOSED</state>`);
    expect(outages).not.toContain('<state>OPEN</state>');
    expect(await api({ service: 'list_failing_checks', clientid: clientId })).not.toContain(`<checkid>${disk}</checkid>`);
    const day = await database.db.selectFrom('check_day_results').select(['day', 'result']).where('check_id', '=', disk!).execute();
    expect(day).toEqual([{ day: '2026-11-26', result: 'FAIL' }]);
  });

  it('a retried batch changes nothing', async () => {
    clock.at += 60;
    const sent = report({ checkResults: [{ checkId: checkIds[2], at: clock.at - 5, status: 'fail', output: 'HTTP 503' }] });
    expect(await ingest.applyReport(server, sent)).toEqual({ applied: true });
    const before = await snapshot(database);
    clock.at += 60;
    expect(await ingest.applyReport(server, sent)).toEqual({ applied: false });
    expect(await snapshot(database)).toEqual(before);
  });

  it('a refused batch stores nothing and names the field', async () => {
    clock.at += 60;
    const before = await snapshot(database);
    const ok = { checkId: checkIds[0]!, at: clock.at, status: 'pass' as const, output: 'fine' };
    expect(await refusal(ingest.applyReport(server, report({ checkResults: [ok, { ...ok, checkId: 999_999 }] })))).toBe('checkResults.1.checkId');
    expect(await refusal(ingest.applyReport(server, report({ checkResults: [{ ...ok, at: clock.at + 3600 }] })))).toBe('checkResults.0.at');
    expect(await refusal(ingest.applyReport(server, report({ facts: facts('web01', 'server', { bootedAt: clock.at + 86400 }) })))).toBe('facts.bootedAt');
    // Another device's check is not this device's.
    const other = (await database.db.selectFrom('checks').select('id').where('device_id', '<>', server.deviceId).executeTakeFirstOrThrow()).id;
    expect(await refusal(ingest.applyReport(server, report({ checkResults: [{ ...ok, checkId: other }] })))).toBe('checkResults.0.checkId');
    expect(await snapshot(database)).toEqual(before);
    // The same batch id as an applied batch, with other content.
    const applied = report({ checkResults: [ok] });
    await ingest.applyReport(server, applied);
    const afterApplied = await snapshot(database);
    expect(await refusal(ingest.applyReport(server, { ...applied, checkResults: [{ ...ok, output: 'different' }] }))).toBe('batchId');
    expect(await snapshot(database)).toEqual(afterApplied);
  });

  it('a command outcome is derived like a reported result', async () => {
    clock.at += 60;
    await ingest.applyCheckResult(server, { checkId: checkIds[4]!, at: clock.at, status: 'fail', output: 'exit code 2' });
    const check = await database.db.selectFrom('checks').select(['statusid', 'consecutive_fails', 'extra']).where('id', '=', checkIds[4]!).executeTakeFirstOrThrow();
    expect(check).toEqual({ statusid: 1, consecutive_fails: 1, extra: 'exit code 2' });
    expect(await refusal(ingest.applyCheckResult(server, { checkId: 999_999, at: clock.at, status: 'pass', output: '' }))).toBe('checkResult.checkId');
  });

  it('concurrent reports of one device each build on the ones before', async () => {
    clock.at += 60;
    const check = checkIds[5]!;
    const fail = { checkId: check, at: clock.at - 5, status: 'fail' as const, output: 'queue length 14' };
    await Promise.all([1, 2, 3, 4].map(() => ingest.applyReport(server, report({ checkResults: [fail] }))));
    const row = await database.db.selectFrom('checks').select(['statusid', 'consecutive_fails']).where('id', '=', check).executeTakeFirstOrThrow();
    expect(row).toEqual({ statusid: 1, consecutive_fails: 4 });
    const open = await database.db.selectFrom('outages').select('id').where('check_id', '=', check).where('ended_at', 'is', null).execute();
    expect(open).toHaveLength(1);
  });

  it('two sweeping processes at once mark each silent device overdue once', async () => {
    // Twenty more devices, then silence past the threshold (600 s by default).
    const devices = [server];
    for (let i = 0; i < 20; i++) {
      const { deviceId } = await ingest.enrolDevice(siteRef, `machine-sweep-${i}`, facts(`sweep${i}`, 'workstation'), SERVER_URL);
      devices.push({ ...server, deviceId });
    }
    clock.at += 601;
    {
      // Two processes, as two servers sharing the database (in one process, two SQLite connections would deadlock each other).
      const sweep = () => run(TSX, [SWEEP_ONCE, database.url, String(clock.at)]).then((r) => JSON.parse(r.stdout) as { markedOverdue: number });
      const [a, b] = await Promise.all([sweep(), sweep()]);
      const open = await database.db.selectFrom('outages').select(['device_id', 'started_at']).where('reason', '=', 'DEVICE_OVERDUE').where('ended_at', 'is', null).execute();
      const silent = await database.db.selectFrom('devices').select(['id', 'last_response_at']).where('account_id', '=', accountId).execute();
      expect(a.markedOverdue + b.markedOverdue).toBe(silent.length);
      expect(open.map((o) => o.device_id).sort((x, y) => x - y)).toEqual(silent.map((d) => d.id).sort((x, y) => x - y));
      expect(new Set(open.map((o) => o.device_id)).size).toBe(open.length);
      expect((await ingest.sweep()).markedOverdue).toBe(0);
    }
    const failing = await api({ service: 'list_failing_checks', clientid: clientId });
    expect(failing).toContain('<overdue><startdate>');
  }, 60_000);

  it('a report ends an overdue spell', async () => {
    clock.at += 30;
    await ingest.applyReport(server, report());
    const row = await database.db.selectFrom('devices').select(['overdue_since', 'online', 'last_response_at']).where('id', '=', server.deviceId).executeTakeFirstOrThrow();
    expect(row).toEqual({ overdue_since: null, online: 1, last_response_at: clock.at });
    const outages = await api({ service: 'list_outages', deviceid: server.deviceId });
    expect(outages).toMatch(/<reason>DEVICE_OVERDUE<\/reason><state>CLOSED<\/state>/);
  });
});
