import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandsResponse, EnrolResponse } from '../../src/agent-protocol/protocol.schema.js';
import { PatchPolicy, PatchStatus } from '../../src/patches/patch-codes.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { dashboardClient } from '../support/dashboard-client.js';
import { expectGolden } from '../support/golden.js';
import { facts, movableClock } from '../support/ingest.js';
import { makeFleet, NOW, type Fleet } from '../factories.js';

const FROM = '192.0.2.40';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ATTRS = 'created="2026-11-26T14:30:00+00:00" host="rmm.example.test"';
const refused = (message: string, code: number) => `${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>${code}</errorcode><message>${message}</message></error></result>`;

/** Patches of a device, as stored, by id. */
type Stored = { id: number; policy: number; status: number };

/**
 * patch_approve, patch_do_nothing, patch_ignore, patch_reprocess and patch_retry (api-services.md §7.2)
 * over real databases: the policy in patch_list_all at once, commands for the agent delivered at once and
 * their outcome in patch_list_all once acknowledged, refusals that change nothing, scope, and the audit log.
 */
describe.each(DIALECTS)('patch actions on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Fleet;
  let globex: Fleet;
  const clock = movableClock(NOW);
  /** Patch ids by name: on acme's Alpha DC, on acme's Beta workstation, and on globex's Alpha DC. */
  let p: { failed: number; missing: number; installed: number; failed2: number; ignored: number; beta: number; globex: number };
  let keys: { read: string; client: string; restricted: string; standard: string };

  const api = async (params: Record<string, string | number>, apikey = acme.apiKey) => (await callApi(t.app, { apikey, ...params })).body;
  const act = (service: string, patchids: string | number, apikey = acme.apiKey, deviceid = acme.devices.alphaDc.id) => api({ service, deviceid, patchids }, apikey);
  const stored = async (ids: number[]): Promise<Stored[]> =>
    database.db.selectFrom('device_patches').select(['id', 'policy', 'status']).where('id', 'in', ids).orderBy('id').execute();
  const commands = () => database.db.selectFrom('agent_commands').selectAll().orderBy('id').execute();
  const everything = async () => ({ patches: await database.db.selectFrom('device_patches').selectAll().orderBy('id').execute(), commands: await commands() });
  const apiAudit = () => database.db.selectFrom('audit_log').select(['id', 'actor_label', 'action', 'detail']).where('action', 'like', 'api.patch_%').orderBy('id').execute();

  async function addPatches(fleet: Fleet, deviceId: number, clientId: number, list: { key: string; status: number; policy: number }[]) {
    const ids: number[] = [];
    for (const item of list) {
      const catalog = await database.db
        .insertInto('patch_catalog')
        .values({ title: `Update ${item.key} (${fleet.account.id})`, product: 'Windows', severity: 2, url: '', released_at: null, uninstallable: 0, patch_key: `${item.key}-${fleet.account.id}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const row = await database.db
        .insertInto('device_patches')
        .values({ account_id: fleet.account.id, client_id: clientId, device_id: deviceId, patch_catalog_id: catalog.id, policy: item.policy, status: item.status, installed_at: null, deployable: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    return ids;
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    acme = await makeFleet(database);
    globex = await makeFleet(database, 'globex');
    t = await buildTestApp(database, {}, clock);
    const [failed, missing, installed, failed2, ignored] = await addPatches(acme, acme.devices.alphaDc.id, acme.clients.alpha.id, [
      { key: 'KB1', status: PatchStatus.failed, policy: PatchPolicy.approve },
      { key: 'KB2', status: PatchStatus.missing, policy: PatchPolicy.doNothing },
      { key: 'KB3', status: PatchStatus.installed, policy: PatchPolicy.approve },
      { key: 'KB4', status: PatchStatus.failed, policy: PatchPolicy.approve },
      { key: 'KB5', status: PatchStatus.ignored, policy: PatchPolicy.ignore },
    ]);
    const [beta] = await addPatches(acme, acme.devices.betaWs.id, acme.clients.beta.id, [{ key: 'KB6', status: PatchStatus.failed, policy: PatchPolicy.approve }]);
    const [other] = await addPatches(globex, globex.devices.alphaDc.id, globex.clients.alpha.id, [{ key: 'KB7', status: PatchStatus.failed, policy: PatchPolicy.approve }]);
    p = { failed: failed!, missing: missing!, installed: installed!, failed2: failed2!, ignored: ignored!, beta: beta!, globex: other! };

    const s = acme.services;
    const system = s.access.systemActor(acme.account.id);
    await s.clientGroups.create(system, FROM, { name: 'Beta only', clientIds: [acme.clients.beta.id] });
    await s.users.add(system, FROM, { email: 'admin@acme.test', role: 'administrator' });
    await s.users.add(system, FROM, { email: 'client@acme.test', role: 'client' });
    await s.users.add(system, FROM, { email: 'scoped@acme.test', role: 'administrator', group: 'Beta only' });
    await s.users.add(system, FROM, { email: 'standard@acme.test', role: 'standard' });
    const key = async (email: string, scope: 'read' | 'read-write') =>
      (await s.personalKeys.create(system, FROM, (await s.repos.users.findByEmail(email))!, { name: scope, scope })).key;
    keys = { read: await key('admin@acme.test', 'read'), client: await key('client@acme.test', 'read-write'), restricted: await key('scoped@acme.test', 'read-write'), standard: await key('standard@acme.test', 'read-write') };
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('patch_approve / patch_do_nothing / patch_ignore store the user-set policy, shown at once by patch_list_all', async () => {
    const approve = await act('patch_approve', `${p.missing}, ${p.installed}`);
    expectGolden('patch_approve', approve, dialect);
    expect(await stored([p.missing, p.installed])).toEqual([
      { id: p.missing, policy: PatchPolicy.userApprove, status: PatchStatus.missing },
      { id: p.installed, policy: PatchPolicy.userApprove, status: PatchStatus.installed },
    ]);
    const list = await api({ service: 'patch_list_all', deviceid: acme.devices.alphaDc.id });
    expect(list).toContain(`<patchid>${p.missing}</patchid><policy>66</policy><policyLabel>Approve</policyLabel><status>1</status>`);

    // Ignoring a missing patch blocks it: no longer reported as missing. Approving it again (twice is harmless) un-ignores it.
    expectGolden('patch_ignore', await act('patch_ignore', p.missing), dialect);
    expect(await stored([p.missing])).toEqual([{ id: p.missing, policy: PatchPolicy.userIgnore, status: PatchStatus.ignored }]);
    expect(await api({ service: 'patch_list_all', deviceid: acme.devices.alphaDc.id })).toContain(`<patchid>${p.missing}</patchid><policy>65</policy><policyLabel>Ignore</policyLabel><status>23</status>`);
    expect(await act('patch_do_nothing', `${p.missing},${p.ignored},${p.missing}`)).toContain(`<msg>Patches set to the applied policy: ${p.missing},${p.ignored}</msg>`);
    expect(await stored([p.missing, p.ignored])).toEqual([
      { id: p.missing, policy: PatchPolicy.userDoNothing, status: PatchStatus.missing },
      { id: p.ignored, policy: PatchPolicy.userDoNothing, status: PatchStatus.missing },
    ]);
    for (let i = 0; i < 2; i++) expect(await act('patch_approve', p.ignored)).toContain(`<msg>Patches approved: ${p.ignored}</msg>`);
    expect(await stored([p.ignored])).toEqual([{ id: p.ignored, policy: PatchPolicy.userApprove, status: PatchStatus.missing }]);
    expectGolden('patch_do_nothing', await act('patch_do_nothing', p.installed), dialect);
  });

  it('patch_reprocess / patch_retry set failed patches Pending and queue one command each, not again while pending; others are "already applied"', async () => {
    const before = (await commands()).length;
    const reprocess = await act('patch_reprocess', `${p.failed},${p.installed}`);
    expectGolden('patch_reprocess', reprocess, dialect);
    expect(reprocess).toContain(`<msg>Reprocessing patches: ${p.failed} Patches already applied: ${p.installed}</msg>`);
    expect(await stored([p.failed])).toEqual([{ id: p.failed, policy: PatchPolicy.approve, status: PatchStatus.pending }]);
    const queued = (await commands()).slice(before);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ device_id: acme.devices.alphaDc.id, account_id: acme.account.id, kind: 'patch_reprocess', status: 'queued', expires_at: NOW + 3600 });
    expect(JSON.parse(queued[0]!.params)).toEqual({ patchid: p.failed, patchKey: `KB1-${acme.account.id}`, title: `Update KB1 (${acme.account.id})` });
    expect(await api({ service: 'patch_list_all', deviceid: acme.devices.alphaDc.id })).toContain(
      `<patchid>${p.failed}</patchid><policy>2</policy><policyLabel>Approve</policyLabel><status>2</status><statusLabel>Pending</statusLabel>`,
    );
    expect(await api({ service: 'patch_list_all', deviceid: acme.devices.alphaDc.id })).toContain('<lastCommand>patch_reprocess</lastCommand><lastCommandStatus>queued</lastCommandStatus>');

    // Now pending, so "already applied"; failed again before the agent answered, the pending command is not queued twice.
    expect(await act('patch_reprocess', p.failed)).toContain(`<msg>Patches already applied: ${p.failed}</msg>`);
    await database.db.updateTable('device_patches').set({ status: PatchStatus.failed }).where('id', '=', p.failed).execute();
    expect(await act('patch_reprocess', p.failed)).toContain(`<msg>Reprocessing patches: ${p.failed}</msg>`);
    expect((await commands()).slice(before)).toHaveLength(1);

    const retry = await act('patch_retry', `${p.failed2}`);
    expectGolden('patch_retry', retry, dialect);
    expect(retry).toContain(`<msg>Retrying patches: ${p.failed2}</msg>`);
    expect((await commands()).slice(before).map((c) => c.kind)).toEqual(['patch_reprocess', 'patch_retry']);
  });

  it('refuses a malformed list, an unknown, another device\'s or another account\'s patch id alike, naming patchids, and changes nothing', async () => {
    const invalid = refused('Invalid value for parameter: patchids', 4);
    const before = await everything();
    for (const service of ['patch_approve', 'patch_do_nothing', 'patch_ignore', 'patch_reprocess', 'patch_retry']) {
      for (const patchids of ['a', `${p.failed},`, `${p.failed};${p.missing}`, '0', '-1', `${p.failed},,${p.missing}`, '1.5', ' ', `${p.failed},999999999`, `${p.missing},${p.beta}`, `${p.failed2},${p.globex}`]) {
        expect(await act(service, patchids), `${service} ${patchids}`).toBe(invalid);
      }
      expect(await act(service, Array.from({ length: 501 }, () => p.missing).join(',')), `${service} too many`).toBe(invalid);
      expect(await api({ service, deviceid: acme.devices.alphaDc.id }), `${service} without patchids`).toBe(refused('Missing parameter: patchids', 5));
      expect(await api({ service, patchids: p.missing }), `${service} without deviceid`).toBe(refused('Missing parameter: deviceid', 5));
      // A device outside the scope answers like a missing one, whatever the patch ids.
      const missingDevice = await act(service, p.missing, acme.apiKey, 999_999_999);
      expect(missingDevice).toBe(refused('Invalid value for parameter: deviceid', 4));
      expect(await act(service, p.globex, acme.apiKey, globex.devices.alphaDc.id)).toBe(missingDevice);
      expect(await act(service, p.beta, keys.restricted, acme.devices.alphaDc.id)).toBe(missingDevice);
      // Permission and read-only keys are refused before anything is read.
      expect(await act(service, p.missing, keys.read)).toBe(refused('Permission denied: this key is read-only', 6));
      expect(await act(service, p.missing, keys.client)).toBe(refused(`Permission denied: ${service}`, 6));
    }
    expect(await everything()).toEqual(before);
  });

  it('a key restricted to a client group acts on the devices of its clients (Standard roles may too)', async () => {
    expect(await act('patch_approve', p.beta, keys.restricted, acme.devices.betaWs.id)).toContain(`<msg>Patches approved: ${p.beta}</msg>`);
    expect(await act('patch_ignore', p.beta, keys.standard, acme.devices.betaWs.id)).toContain(`<msg>Patches ignored: ${p.beta}</msg>`);
    expect(await stored([p.beta])).toEqual([{ id: p.beta, policy: PatchPolicy.userIgnore, status: PatchStatus.failed }]);
  });

  it('writes one audit row per call naming the key and the parameters; refused calls write none', async () => {
    const before = (await apiAudit()).length;
    await act('patch_approve', `${p.installed}`);
    await act('patch_retry', `${p.installed}`, keys.restricted, acme.devices.alphaDc.id);
    await act('patch_retry', 'x');
    await act('patch_retry', p.installed, keys.read);
    const rows = (await apiAudit()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_label: 'account API key', action: 'api.patch_approve', detail: JSON.stringify({ deviceid: acme.devices.alphaDc.id, patchids: `${p.installed}` }) });
  });

  describe('with an enrolled agent', () => {
    let secret = '';
    let deviceId = 0;
    const agent = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({ method, url: `/agent/v1${url}`, headers: { authorization: `Bearer ${secret}` }, ...(payload === undefined ? {} : { payload: payload as string }) });
    const patchesOf = () => api({ service: 'patch_list_all', deviceid: deviceId });
    const patchId = async (key: string) =>
      (await database.db.selectFrom('device_patches as d').innerJoin('patch_catalog as c', 'c.id', 'd.patch_catalog_id').select('d.id').where('c.patch_key', '=', key).where('d.device_id', '=', deviceId).executeTakeFirstOrThrow()).id;
    const snapshot = (statuses: Record<string, string>) => Object.entries(statuses).map(([key, status]) => ({ key, title: `Update ${key}`, product: 'Windows', severity: 3, status, installedAt: status === 'installed' ? NOW - 60 : null }));

    beforeAll(async () => {
      const s = acme.services;
      const { token } = await s.siteTokens.create(s.access.systemActor(acme.account.id), { accountId: acme.account.id, clientGroupId: null }, 'test', acme.sites.alphaHq.id);
      const enrolled = EnrolResponse.parse((await agent('POST', '/enrol', { siteToken: token, machineId: 'machine-patches', facts: facts('win-07', 'workstation') })).json());
      ({ deviceSecret: secret, deviceId } = enrolled);
      const res = await agent('POST', '/reports', { batchId: 'patches-1', sentAt: NOW, patches: snapshot({ KB10: 'failed', KB11: 'failed', KB12: 'missing' }) });
      expect(res.statusCode, res.body).toBe(200);
    });

    it('delivers a reprocess at once to a waiting agent; its acknowledged report shows the patch installed', async () => {
      const kb10 = await patchId('KB10');
      const poll = agent('GET', '/commands?wait=20');
      // Let the long-poll start waiting before the command is queued.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await act('patch_reprocess', kb10, acme.apiKey, deviceId)).toContain(`<msg>Reprocessing patches: ${kb10}</msg>`);
      const queuedAt = Date.now();
      const delivered = CommandsResponse.parse((await poll).json()).commands;
      // Woken on commit, not by the once-a-second re-check.
      expect(Date.now() - queuedAt).toBeLessThan(900);
      expect(delivered).toEqual([{ id: expect.any(Number), kind: 'patch_reprocess', params: { patchid: kb10, patchKey: 'KB10', title: 'Update KB10' }, createdAt: NOW, expiresAt: NOW + 3600 }]);
      const ack = await agent('POST', `/commands/${delivered[0]!.id}/ack`, { outcome: 'succeeded', message: 'Installed', report: { patches: snapshot({ KB10: 'installed', KB11: 'failed', KB12: 'missing' }) } });
      expect(ack.statusCode, ack.body).toBe(200);
      expect(await patchesOf()).toMatch(
        new RegExp(`<patchid>${kb10}</patchid><policy>4</policy><policyLabel>Do Nothing</policyLabel><status>8</status><statusLabel>Installed</statusLabel>.*<lastCommand>patch_reprocess</lastCommand><lastCommandStatus>succeeded</lastCommandStatus><lastCommandMessage><!\\[CDATA\\[Installed\\]\\]></lastCommandMessage></patch>`),
      );
    });

    it("an agent that cannot patch acknowledges unsupported: its reason shows in patch_list_all; an unanswered command reads expired", async () => {
      const [kb11, kb12] = [await patchId('KB11'), await patchId('KB12')];
      expect(await act('patch_retry', kb11, acme.apiKey, deviceId)).toContain(`<msg>Retrying patches: ${kb11}</msg>`);
      const [command] = CommandsResponse.parse((await agent('GET', '/commands?wait=0')).json()).commands;
      const reason = 'patch_retry is not supported by the reference agent on linux';
      expect((await agent('POST', `/commands/${command!.id}/ack`, { outcome: 'unsupported', message: reason })).statusCode).toBe(200);
      const list = await patchesOf();
      expect(list).toContain(`<status>2</status><statusLabel>Pending</statusLabel>`);
      expect(list).toContain(`<lastCommand>patch_retry</lastCommand><lastCommandStatus>unsupported</lastCommandStatus><lastCommandMessage><![CDATA[${reason}]]></lastCommandMessage>`);

      // Approving a patch keeps its user-set policy through the agent's next reports; ignored, a missing one stays Ignored.
      await act('patch_ignore', kb12, acme.apiKey, deviceId);
      await agent('POST', '/reports', { batchId: 'patches-2', sentAt: NOW, patches: snapshot({ KB10: 'installed', KB11: 'failed', KB12: 'missing' }) });
      expect(await stored([kb12])).toEqual([{ id: kb12, policy: PatchPolicy.userIgnore, status: PatchStatus.ignored }]);

      // Failed again: retried, never acknowledged, and past its deadline.
      expect(await act('patch_retry', kb11, acme.apiKey, deviceId)).toContain(`<msg>Retrying patches: ${kb11}</msg>`);
      clock.at = NOW + 3601;
      try {
        expect(await patchesOf()).toContain('<lastCommand>patch_retry</lastCommand><lastCommandStatus>expired</lastCommandStatus>');
      } finally {
        clock.at = NOW;
      }
    });
  });
  describe('on the dashboard device page', () => {
    const PASSWORD = 'Correct-Horse-9';
    const { signIn, post, get } = dashboardClient(() => t.app, PASSWORD);
    const dashboardAudit = () => database.db.selectFrom('audit_log').select(['actor_label', 'action', 'detail']).where('action', 'like', 'dashboard.patch_%').orderBy('id').execute();

    beforeAll(async () => {
      const s = acme.services;
      const system = s.access.systemActor(acme.account.id);
      await s.users.add(system, FROM, { email: 'web-admin@acme.test', role: 'administrator', password: PASSWORD });
      await s.users.add(system, FROM, { email: 'web-client@acme.test', role: 'client', password: PASSWORD });
      await s.users.add(system, FROM, { email: 'web-beta@acme.test', role: 'administrator', password: PASSWORD, group: 'Beta only' });
    });

    it('lists the patches with their policy and latest command, and approves / ignores one through the same rule, audited', async () => {
      const admin = await signIn('web-admin@acme.test');
      const page = await get(admin, `/devices/${acme.devices.alphaDc.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="patches-title">Patches');
      expect(page.body).toContain(`Update KB1 (${acme.account.id})`);
      // The reprocess queued by the API tests above, not yet answered.
      expect(page.body).toMatch(/patch_reprocess <strong>queued<\/strong>/);
      expect(page.body).toContain(`action="/devices/${acme.devices.alphaDc.id}/patches/ignore"`);

      await database.db.updateTable('device_patches').set({ status: PatchStatus.missing, policy: PatchPolicy.doNothing }).where('id', '=', p.failed2).execute();
      const ignored = await post(admin, `/devices/${acme.devices.alphaDc.id}/patches/ignore`, { patchid: String(p.failed2) });
      expect(ignored.statusCode, ignored.body).toBe(303);
      expect(ignored.headers.location).toBe(`/devices/${acme.devices.alphaDc.id}#patches`);
      expect(await stored([p.failed2])).toEqual([{ id: p.failed2, policy: PatchPolicy.userIgnore, status: PatchStatus.ignored }]);
      expect(await api({ service: 'patch_list_all', deviceid: acme.devices.alphaDc.id })).toContain(`<patchid>${p.failed2}</patchid><policy>65</policy>`);
      expect((await post(admin, `/devices/${acme.devices.alphaDc.id}/patches/approve`, { patchid: String(p.failed2) })).statusCode).toBe(303);
      expect(await stored([p.failed2])).toEqual([{ id: p.failed2, policy: PatchPolicy.userApprove, status: PatchStatus.missing }]);
      expect((await get(admin, `/devices/${acme.devices.alphaDc.id}`)).body).toMatch(/Approve <span class="subtle">\(set by a user\)<\/span>/);
      expect(await dashboardAudit()).toEqual([
        { actor_label: 'web-admin@acme.test', action: 'dashboard.patch_ignore', detail: JSON.stringify({ deviceid: acme.devices.alphaDc.id, patchids: String(p.failed2) }) },
        { actor_label: 'web-admin@acme.test', action: 'dashboard.patch_approve', detail: JSON.stringify({ deviceid: acme.devices.alphaDc.id, patchids: String(p.failed2) }) },
      ]);
    });

    it('refuses without CSRF (403), without the Devices permission (403), outside the client group (404), a patch of another device (422); nothing changes', async () => {
      const before = { ...(await everything()), audit: await dashboardAudit() };
      const admin = await signIn('web-admin@acme.test');
      const url = `/devices/${acme.devices.alphaDc.id}/patches/ignore`;
      expect((await post({ ...admin, csrf: 'forged' }, url, { patchid: String(p.installed) })).statusCode).toBe(403);
      expect((await post(await signIn('web-client@acme.test'), url, { patchid: String(p.installed) })).statusCode).toBe(403);
      expect((await post(await signIn('web-beta@acme.test'), url, { patchid: String(p.installed) })).statusCode).toBe(404);
      expect((await post(admin, `/devices/${globex.devices.alphaDc.id}/patches/ignore`, { patchid: String(p.globex) })).statusCode).toBe(404);
      for (const patchid of [String(p.beta), String(p.globex), 'x', '']) {
        const refusedPatch = await post(admin, url, { patchid });
        expect(refusedPatch.statusCode, patchid).toBe(422);
        expect(refusedPatch.body).toContain('Invalid value for parameter: patchids');
      }
      expect({ ...(await everything()), audit: await dashboardAudit() }).toEqual(before);
    });
  });
});
