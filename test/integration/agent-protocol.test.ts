import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigResponse, EnrolResponse, ErrorResponse, MAX_ITEMS_PER_LIST, MAX_REPORT_BYTES, ReportResponse } from '../../src/agent-protocol/protocol.schema.js';
import { createCommandRepository } from '../../src/commands/command.repository.js';
import { type CommandService, createCommandService } from '../../src/commands/command.service.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import type { Clock } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient, makeFleet, makeSite, NOW, type Fleet } from '../factories.js';

const FACTS = {
  hostname: 'web-01',
  deviceType: 'server',
  os: { name: 'Debian GNU/Linux 12 (bookworm)', version: '12', family: 'linux' },
  cpu: { model: 'Intel Xeon', count: 2 },
  memoryMb: 2048,
  agentVersion: '1.0.0',
} as const;

type Enrolled = { deviceId: number; secret: string; ref: { accountId: number; deviceId: number } };

/**
 * The /agent/v1/ transport over real databases: enrolment with site tokens, device secrets, config,
 * reports, the JSON error shape of every kind of bad input, and commands (long-poll, acks, dedupe,
 * expiry), with the real ingestion service behind it.
 */
describe.each(DIALECTS)('the agent protocol on %s', (dialect) => {
  let database: TestDatabase;
  let other: DatabaseHandle;
  let t: TestApp;
  let fleet: Fleet;
  let now = NOW;
  const clock: Clock = { now: () => new Date(now * 1000) };
  /** Commands queued by "another process": its own database connection and its own service instance. */
  let elsewhere: CommandService;

  const system = () => fleet.services.access.systemActor(fleet.account.id);
  const scope = () => ({ accountId: fleet.account.id, clientGroupId: null });
  const newToken = async (options: { expiresAt?: Date } = {}) =>
    (await fleet.services.siteTokens.create(system(), scope(), 'test', fleet.sites.alphaHq.id, options)).token;

  const inject = (app: FastifyInstance, options: InjectOptions) => app.inject(options);
  const call = (method: 'GET' | 'POST', url: string, secret: string | undefined, payload?: unknown, headers: Record<string, string> = {}) =>
    inject(t.app, {
      method,
      url: `/agent/v1${url}`,
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });

  async function enrol(token: string, machineId = 'machine-0001'): Promise<Enrolled> {
    const res = await call('POST', '/enrol', undefined, { siteToken: token, machineId, facts: FACTS });
    expect(res.statusCode, res.body).toBe(200);
    const body = EnrolResponse.parse(res.json());
    return { deviceId: body.deviceId, secret: body.deviceSecret, ref: { accountId: fleet.account.id, deviceId: body.deviceId } };
  }

  /** Asserts the JSON error shape, status, code and field of an answer. */
  function expectError(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string, field?: string) {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const { error } = ErrorResponse.parse(res.json());
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(0);
  }

  const report = (batchId: string, checkId: number, extra: Record<string, unknown> = {}) => ({
    batchId, sentAt: NOW, checkResults: [{ checkId, at: NOW - 30, status: 'fail', output: '3% free on /' }], ...extra,
  });
  const checkOf = async (deviceId: number) => database.db.selectFrom('checks').selectAll().where('device_id', '=', deviceId).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const commandRow = (id: number) => database.db.selectFrom('agent_commands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await makeFleet(database, 'globex');
    t = await buildTestApp(database, {}, clock);
    other = await openDatabase(database.url, { migrate: false });
    elsewhere = createCommandService({ commands: createCommandRepository(other.db), clock });
  });
  afterAll(async () => {
    await t?.app.close();
    await other?.close();
    await database?.drop();
  });
  beforeEach(() => {
    now = NOW;
  });

  describe('enrolment', () => {
    it('enrols with a valid site token into its site and stamps the token used', async () => {
      const token = await newToken();
      const device = await enrol(token, 'machine-enrol-1');
      const row = await database.db.selectFrom('devices').selectAll().where('id', '=', device.deviceId).executeTakeFirstOrThrow();
      expect([row.account_id, row.site_id, row.name]).toEqual([fleet.account.id, fleet.sites.alphaHq.id, 'web-01']);
      expect(device.secret).toMatch(/^sld_[A-Za-z0-9_-]{43}$/);
      const [listed] = await fleet.services.siteTokens.list(system(), scope(), fleet.sites.alphaHq.id);
      expect(listed!.last_used_at).toBe(NOW);
      // Only the hash of the secret is stored.
      const credentials = JSON.stringify(await database.db.selectFrom('device_credentials').selectAll().execute());
      expect(credentials).not.toContain(device.secret);
      expect(credentials).not.toContain(device.secret.slice(4));
    });

    it('answers 401 for an unknown, malformed, revoked or expired token', async () => {
      const enrolWith = (siteToken: string) => call('POST', '/enrol', undefined, { siteToken, machineId: 'machine-refused', facts: FACTS });
      expectError(await enrolWith(`slt_${'A'.repeat(43)}`), 401, 'unauthorized');
      expectError(await enrolWith('not-a-token'), 401, 'unauthorized');

      const revoked = await newToken();
      await fleet.services.siteTokens.revoke(system(), scope(), 'test', fleet.sites.alphaHq.id, revoked.slice(0, 12));
      expectError(await enrolWith(revoked), 401, 'unauthorized');

      const shortLived = await newToken({ expiresAt: new Date((NOW + 60) * 1000) });
      now = NOW + 61;
      expectError(await enrolWith(shortLived), 401, 'unauthorized');
      const enrolled = () => database.db.selectFrom('devices').select('id').where('machine_id', '=', 'machine-refused').execute();
      expect(await enrolled()).toHaveLength(0);
      now = NOW + 59;
      expect((await enrolWith(shortLived)).statusCode).toBe(200);
      expect(await enrolled()).toHaveLength(1);
    });

    it('re-enrolling a machine reuses its device and revokes its previous secret', async () => {
      const first = await enrol(await newToken(), 'machine-reenrol');
      const second = await enrol(await newToken(), 'machine-reenrol');
      expect(second.deviceId).toBe(first.deviceId);
      expectError(await call('GET', '/config', first.secret), 401, 'unauthorized');
      expect((await call('GET', '/config', second.secret)).statusCode).toBe(200);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a secret, with a malformed or unknown one, and for a deleted device', async () => {
      expectError(await call('GET', '/config', undefined), 401, 'unauthorized');
      expectError(await call('GET', '/config', 'sld_short'), 401, 'unauthorized');
      expectError(await call('GET', '/config', `sld_${'B'.repeat(43)}`), 401, 'unauthorized');
      const device = await enrol(await newToken(), 'machine-deleted');
      await database.db.deleteFrom('devices').where('id', '=', device.deviceId).execute();
      expectError(await call('GET', '/config', device.secret), 401, 'unauthorized');
      expectError(await call('POST', '/reports', device.secret, report('batch-of-deleted', 1)), 401, 'unauthorized');
    });

    it('answers a failure of its own 500 internal, logged but never described', async () => {
      // A database of its own whose template_checks table is gone: enrolment fails inside the ingestion service.
      const broken = await createTestDatabase(dialect);
      const bare = await buildTestApp(broken, {}, clock);
      try {
        const { account, services } = await makeAccount(broken, 'broken');
        const site = await makeSite(broken, account.id, (await makeClient(broken, account.id, 'Broken Client')).id, 'Broken Site');
        const actor = services.access.systemActor(account.id);
        const { token } = await services.siteTokens.create(actor, { accountId: account.id, clientGroupId: null }, 'test', site.id, {});
        await broken.db.schema.dropTable('template_checks').execute();

        const res = await inject(bare.app, { method: 'POST', url: '/agent/v1/enrol', payload: { siteToken: token, machineId: 'machine-500', facts: FACTS } });
        expectError(res, 500, 'internal');
        expect(res.json()).toEqual({ error: { code: 'internal', message: 'An error has occurred' } });
        expect(bare.logs.join('\n')).toContain('unexpected error in agent call');
        expect(await broken.db.selectFrom('devices').select('id').where('machine_id', '=', 'machine-500').execute()).toHaveLength(0);
      } finally {
        await bare.app.close();
        await broken.drop();
      }
    });

    it('answers an unknown endpoint 404 in the same JSON shape', async () => {
      expectError(await call('GET', '/nothing-here', undefined), 404, 'not_found');
    });
  });

  describe('config and reports', () => {
    let device: Enrolled;
    beforeAll(async () => {
      device = await enrol(await newToken(), 'machine-reports');
    });

    it("answers the device's checks with the kind, schedule and settings enrolment copied from the site's template", async () => {
      const res = await call('GET', '/config', device.secret);
      expect(res.statusCode).toBe(200);
      const config = ConfigResponse.parse(res.json());
      expect(config).toMatchObject({ deviceId: device.deviceId, reportIntervalSeconds: 300 });
      const ids = (await database.db.selectFrom('checks').select('id').where('device_id', '=', device.deviceId).orderBy('id').execute()).map((c) => c.id);
      const server = 'https://rmm.example.test';
      expect(config.checks).toEqual([
        { checkType: 1003, kind: 'disk_space', description: 'Disk Space Check - /', settings: { path: '/', minFreePercent: 10 } },
        { checkType: 1013, kind: 'process', description: 'Process Check - init', settings: { name: 'init' } },
        { checkType: 1012, kind: 'http', description: `Web Page Check - ${server}/healthz`, settings: { url: `${server}/healthz`, timeoutSeconds: 10, expectStatus: 200 } },
        { checkType: 1014, kind: 'tcp_port', description: 'TCP Service Check - rmm.example.test:443', settings: { host: 'rmm.example.test', port: 443, timeoutSeconds: 5 } },
        { checkType: 1017, kind: 'script', description: 'Script Check - uptime', settings: { command: 'uptime 2>/dev/null || cat /proc/uptime', timeoutSeconds: 30 } },
        { checkType: 1009, kind: 'performance', description: 'Performance Monitoring Check - Processor Queue Length', settings: { counter: 'cpu_queue', threshold: 10 } },
        { checkType: 1010, kind: 'performance', description: 'Performance Monitoring Check - Memory Usage', settings: { counter: 'memory_usage', threshold: 90 } },
      ].map((c, i) => ({ checkId: ids[i], dsc247: 2, intervalSeconds: 300, ...c })));

      // list_check_config shows the same stored settings.
      const shown = (await callApi(t.app, { apikey: fleet.apiKey, service: 'list_check_config', checkid: ids[2]! })).body;
      expect(shown).toContain(`<url>${server}/healthz</url><timeout>10</timeout>`);
    });

    it('answers a seeded check (no stored settings) with the settings list_check_config shows for it', async () => {
      // A credential for a fixture device, as if it had enrolled: its checks were made by the factory, not a template.
      const secret = `sld_${'S'.repeat(43)}`;
      await database.db.insertInto('device_credentials').values({ account_id: fleet.account.id, device_id: fleet.devices.alphaDc.id, secret_hash: sha256Hex(secret), created_at: NOW, revoked_at: null }).execute();
      const config = ConfigResponse.parse((await call('GET', '/config', secret)).json());
      // 24x7 checks run on the device's schedule (the factory's 15 minutes), Daily Safety Checks once a day.
      expect(config.reportIntervalSeconds).toBe(900);
      expect(config.checks.map(({ kind, dsc247, intervalSeconds, settings }) => ({ kind, dsc247, intervalSeconds, settings }))).toEqual([
        { kind: 'disk_space', dsc247: 2, intervalSeconds: 900, settings: { path: 'C:', minFreePercent: 10 } },
        { kind: 'other', dsc247: 1, intervalSeconds: 86_400, settings: {} },
      ]);
    });

    it('applies a batch once: a retry changes nothing, other content under the same id is a 409', async () => {
      const check = await checkOf(device.deviceId);
      const first = await call('POST', '/reports', device.secret, report('batch-0001', check.id));
      expect(first.statusCode, first.body).toBe(200);
      expect(ReportResponse.parse(first.json())).toEqual({ batchId: 'batch-0001', applied: true, commands: [] });
      const applied = await checkOf(device.deviceId);
      expect(applied).toMatchObject({ extra: '3% free on /', formatted_output: '<b>3% free on /</b>', consecutive_fails: 1, last_run_at: NOW - 30 });
      const outages = () => database.db.selectFrom('outages').selectAll().where('device_id', '=', device.deviceId).execute();
      expect(await outages()).toHaveLength(1);

      const retry = await call('POST', '/reports', device.secret, report('batch-0001', check.id));
      expect(retry.json()).toEqual({ batchId: 'batch-0001', applied: false, commands: [] });
      expect(await checkOf(device.deviceId)).toEqual(applied);
      expect(await outages()).toHaveLength(1);

      // Other content under the same id: refused whole, even a newer result that would otherwise apply.
      const changed = report('batch-0001', check.id, { checkResults: [{ checkId: check.id, at: NOW - 10, status: 'fail', output: 'other' }] });
      expectError(await call('POST', '/reports', device.secret, changed), 409, 'conflict', 'batchId');
      expect(await checkOf(device.deviceId)).toEqual(applied);
    });

    it('refuses each kind of bad input with its status and field, storing nothing', async () => {
      const check = await checkOf(device.deviceId);
      const before = JSON.stringify(check);
      const json = { 'content-type': 'application/json' };
      expectError(await call('POST', '/reports', device.secret, '{"batchId": "batch-x', json), 400, 'invalid_json');
      expectError(await call('POST', '/reports', device.secret, '', json), 400, 'invalid_json');
      expectError(await call('POST', '/reports', device.secret, { ...report('batch-0002', check.id), sentAt: 'yesterday' }), 400, 'invalid', 'sentAt');
      const wrongNested = report('batch-0003', check.id);
      (wrongNested.checkResults[0] as Record<string, unknown>).status = 'maybe';
      expectError(await call('POST', '/reports', device.secret, wrongNested), 400, 'invalid', 'checkResults.0.status');
      expectError(await call('POST', '/reports', device.secret, { ...report('batch-0004', check.id), bogus: 1 }), 400, 'invalid', 'bogus');
      expectError(await call('POST', '/reports', device.secret, { ...report('batch-0005', check.id), facts: { ...FACTS, colour: 'red' } }), 400, 'invalid', 'facts.colour');
      expectError(await call('POST', '/reports', device.secret, report('batch-0006', 987654)), 400, 'invalid', 'checkResults.0.checkId');
      expectError(await call('POST', '/reports', device.secret, { ...report('bad id!', check.id) }), 400, 'invalid', 'batchId');
      expectError(await call('POST', '/reports', device.secret, '<report/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
      // A NUL in any text (PostgreSQL text cannot hold one: the batch failed with a 500; found by the fuzzer).
      const withNul = report('batch-0009', check.id);
      withNul.checkResults[0]!.output = 'disk \u0000 full';
      expectError(await call('POST', '/reports', device.secret, withNul), 400, 'invalid', 'checkResults.0.output');
      expectError(await call('POST', '/reports', device.secret, { ...report('batch-0010', check.id), facts: { ...FACTS, hostname: 'web\u0000' } }), 400, 'invalid', 'facts.hostname');

      const oversized = JSON.stringify({ ...report('batch-0007', check.id), padding: 'x'.repeat(MAX_REPORT_BYTES) });
      expectError(await call('POST', '/reports', device.secret, oversized, json), 413, 'too_large');
      const tooMany = { ...report('batch-0008', check.id), checkResults: Array.from({ length: MAX_ITEMS_PER_LIST + 1 }, () => report('', check.id).checkResults[0]) };
      expectError(await call('POST', '/reports', device.secret, tooMany), 413, 'too_large', 'checkResults');

      expect(JSON.stringify(await checkOf(device.deviceId))).toBe(before);
    });

    it('logs nothing of a device secret or site token', async () => {
      const token = await newToken();
      const enrolled = await enrol(token, 'machine-logs');
      await call('GET', '/config', enrolled.secret);
      const logs = t.logs.join('\n');
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(enrolled.secret);
    });
  });

  describe('commands', () => {
    let device: Enrolled;
    beforeAll(async () => {
      device = await enrol(await newToken(), 'machine-commands');
    });

    it('answers at once with nothing queued and wait=0, and refuses a bad wait', async () => {
      const res = await call('GET', '/commands?wait=0', device.secret);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ commands: [] });
      expectError(await call('GET', '/commands?wait=61', device.secret), 400, 'invalid', 'wait');
      expectError(await call('GET', '/commands?wait=soon', device.secret), 400, 'invalid', 'wait');
      expectError(await call('GET', '/commands?wait=1&extra=1', device.secret), 400, 'invalid', 'extra');
    });

    it('refuses HEAD on the long-poll, which would claim commands and deliver none (found by the fuzzer)', async () => {
      const { command } = await elsewhere.enqueue(device.ref, 'run_check', { checkId: 2 });
      const head = await inject(t.app, { method: 'HEAD', url: '/agent/v1/commands?wait=0', headers: { authorization: `Bearer ${device.secret}` } });
      expect(head.statusCode).toBe(404);
      expect((await commandRow(command.id)).status).toBe('queued');
      expect((await call('GET', '/commands?wait=0', device.secret)).json()).toMatchObject({ commands: [{ id: command.id }] });
    });

    it('delivers a command queued by another process during a long-poll within about a second', async () => {
      const started = Date.now();
      const poll = call('GET', '/commands?wait=20', device.secret);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const queuedAt = Date.now();
      const { command } = await elsewhere.enqueue(device.ref, 'run_check', { checkId: 1 });
      const res = await poll;
      const arrivedAfter = Date.now() - queuedAt;
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ commands: [{ id: command.id, kind: 'run_check', params: { checkId: 1 }, createdAt: NOW, expiresAt: NOW + 3600 }] });
      expect(arrivedAfter).toBeLessThan(1500);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect((await commandRow(command.id)).status).toBe('delivered');
      // Delivered once: the next poll does not hand it out again.
      expect((await call('GET', '/commands?wait=0', device.secret)).json()).toEqual({ commands: [] });
    });

    it('hands queued commands out with the answer to a report', async () => {
      const check = await checkOf(device.deviceId);
      const { command } = await elsewhere.enqueue(device.ref, 'patch_reprocess', {});
      const res = await call('POST', '/reports', device.secret, report('batch-commands-1', check.id));
      expect(ReportResponse.parse(res.json()).commands.map((c) => c.id)).toEqual([command.id]);
      expect((await commandRow(command.id)).status).toBe('delivered');
    });

    it('records an acknowledgement once, applies its check result, and refuses unknown and expired commands', async () => {
      const check = await checkOf(device.deviceId);
      const { command } = await elsewhere.enqueue(device.ref, 'run_check', { checkId: check.id });
      await call('GET', '/commands?wait=0', device.secret);
      const ack = { outcome: 'succeeded', message: 'ran it', checkResult: { checkId: check.id, at: NOW - 5, status: 'pass', output: '40% free on /' } };

      const badResult = { ...ack, checkResult: { ...ack.checkResult, checkId: 987654 } };
      expectError(await call('POST', `/commands/${command.id}/ack`, device.secret, badResult), 400, 'invalid', 'checkResult.checkId');
      expect((await commandRow(command.id)).status).toBe('delivered');
      expectError(await call('POST', `/commands/${command.id}/ack`, device.secret, { outcome: 'done' }), 400, 'invalid', 'outcome');

      const res = await call('POST', `/commands/${command.id}/ack`, device.secret, ack);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ id: command.id, status: 'acked' });
      expect(await commandRow(command.id)).toMatchObject({ status: 'acked', outcome: 'succeeded', message: 'ran it', acked_at: NOW });
      const afterAck = await checkOf(device.deviceId);
      expect(afterAck).toMatchObject({ extra: '40% free on /', consecutive_fails: 0, last_run_at: NOW - 5 });
      // A retried ack answers the same and changes nothing, not even with a newer check result.
      const again = { outcome: 'failed', message: 'again', checkResult: { ...ack.checkResult, at: NOW - 1, status: 'fail', output: 'again' } };
      const retried = await call('POST', `/commands/${command.id}/ack`, device.secret, again);
      expect(retried.json()).toEqual({ id: command.id, status: 'acked' });
      expect((await commandRow(command.id)).outcome).toBe('succeeded');
      expect(await checkOf(device.deviceId)).toEqual(afterAck);

      expectError(await call('POST', '/commands/987654/ack', device.secret, { outcome: 'succeeded' }), 404, 'not_found');
      expectError(await call('POST', '/commands/abc/ack', device.secret, { outcome: 'succeeded' }), 400, 'invalid', 'id');
      // Another device's command is as unknown as a missing one.
      const stranger = await enrol(await newToken(), 'machine-stranger');
      expectError(await call('POST', `/commands/${command.id}/ack`, stranger.secret, { outcome: 'succeeded' }), 404, 'not_found');
    });

    it('does not queue a command twice while an identical one is pending', async () => {
      const first = await elsewhere.enqueue(device.ref, 'mav_scan_start', { scan: 'quick', deep: false });
      const again = await elsewhere.enqueue(device.ref, 'mav_scan_start', { deep: false, scan: 'quick' });
      expect(first.queued).toBe(true);
      expect(again).toEqual({ command: first.command, queued: false });
      const different = await elsewhere.enqueue(device.ref, 'mav_scan_start', { scan: 'deep', deep: true });
      expect(different.queued).toBe(true);
      const rows = await database.db.selectFrom('agent_commands').select('id').where('device_id', '=', device.deviceId).where('kind', '=', 'mav_scan_start').execute();
      expect(rows).toHaveLength(2);
      // Once acknowledged, the same command may be queued again.
      await call('GET', '/commands?wait=0', device.secret);
      await call('POST', `/commands/${first.command.id}/ack`, device.secret, { outcome: 'succeeded' });
      expect((await elsewhere.enqueue(device.ref, 'mav_scan_start', { scan: 'quick', deep: false })).queued).toBe(true);
    });

    it('expires a command not acknowledged in time: not delivered, visible as expired, its ack refused', async () => {
      await call('GET', '/commands?wait=0', device.secret); // hand out what earlier tests left queued
      const undelivered = await elsewhere.enqueue(device.ref, 'patch_retry', { patch: 'KB1' }, { ttlSeconds: 60 });
      const unacked = await elsewhere.enqueue(device.ref, 'patch_retry', { patch: 'KB2' }, { ttlSeconds: 120 });
      now = NOW + 61;
      expect((await call('GET', '/commands?wait=0', device.secret)).json().commands.map((c: { id: number }) => c.id)).toEqual([unacked.command.id]);
      expect((await commandRow(undelivered.command.id)).status).toBe('expired');
      now = NOW + 121;
      expect(await elsewhere.expireDue()).toBeGreaterThanOrEqual(1);
      const listed = await elsewhere.list(device.ref);
      expect(listed.find((c) => c.id === unacked.command.id)!.status).toBe('expired');
      expectError(await call('POST', `/commands/${unacked.command.id}/ack`, device.secret, { outcome: 'succeeded' }), 409, 'conflict');
      // An expired command does not block a new identical one.
      expect((await elsewhere.enqueue(device.ref, 'patch_retry', { patch: 'KB1' })).queued).toBe(true);
    });
  });

  describe('the sweep', () => {
    it('runs in every server process on its interval from ready to close: overdue devices and command expiry', async () => {
      const overdueSince = async (deviceId: number) =>
        (await database.db.selectFrom('devices').select('overdue_since').where('id', '=', deviceId).executeTakeFirstOrThrow()).overdue_since;
      const swept = await buildTestApp(database, { sweepSeconds: 1 }, clock);
      const device = await enrol(await newToken(), 'machine-sweep');
      const { command } = await elsewhere.enqueue(device.ref, 'run_check', { checkId: 99 }, { ttlSeconds: 60 });
      // An hour later: past the command's deadline and the account's overdue threshold (10 minutes).
      now += 3600;
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect((await commandRow(command.id)).status).toBe('expired');
      expect(await overdueSince(device.deviceId)).not.toBeNull();
      await swept.app.close();
      // After close nothing sweeps: a device that goes quiet now stays as it was.
      const quiet = await enrol(await newToken(), 'machine-sweep-after-close');
      now += 3600;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(await overdueSince(quiet.deviceId)).toBeNull();
    });
  });

  describe('the command service in one process', () => {
    it('wakes a long-poll at once for a command queued in the same process, and stops when the agent hangs up', async () => {
      const device = await enrol(await newToken(), 'machine-in-process');
      const commands = createCommandService({ commands: createCommandRepository(other.db), clock, recheckMs: 60_000 });
      const waiting = commands.waitFor(device.ref, 20);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const queuedAt = Date.now();
      const { command } = await commands.enqueue(device.ref, 'run_check', { checkId: 7 });
      expect((await waiting).map((c) => c.id)).toEqual([command.id]);
      expect(Date.now() - queuedAt).toBeLessThan(500);

      const hangUp = new AbortController();
      const abandoned = commands.waitFor(device.ref, 20, hangUp.signal);
      await new Promise((resolve) => setTimeout(resolve, 100));
      hangUp.abort();
      expect(await abandoned).toEqual([]);
      const later = await commands.enqueue(device.ref, 'run_check', { checkId: 8 });
      expect((await commandRow(later.command.id)).status).toBe('queued');
      commands.close();
    });
  });
});
