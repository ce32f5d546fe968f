import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAssets } from '../asset-factories.js';
import { addDashboardUsers, makeFleet, NOW, type Fleet } from '../factories.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { dashboardClient, type DashboardBrowser } from '../support/dashboard-client.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const PASSWORD = 'Correct-Horse-9';
const FRAGMENT = { 'hx-request': 'true' };

/**
 * The device page's Managed Antivirus panel over the real app and database: Start a scan queues the same
 * command as the API's mav_scan_start (once while pending), audited as the signed-in user; a running scan
 * refuses it with N-sight's text; the panel shows each command's outcome, failed, unsupported and expired
 * included; without the Devices permission 403, a device outside the client group 404, a missing CSRF
 * token refused, and nothing queued by any refusal.
 */
describe.each(DIALECTS)('dashboard Managed Antivirus panel on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  const { signIn, post, get } = dashboardClient(() => t.app, PASSWORD);
  let admin: DashboardBrowser;

  const panelUrl = (id: number) => `/devices/${id}/mav`;
  const commandsOf = (deviceId: number) => database.db.selectFrom('agent_commands').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
  const audited = () => fleet.services.repos.audit.search(fleet.account.id, { action: 'device.mav_scan_start' }, 50);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await addAssets(database, fleet);
    t = await buildTestApp(database);
    await addDashboardUsers(fleet, PASSWORD, { roles: ['client'], betaAdmin: true });
    admin = await signIn('admin@acme.test');
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('loads the panel into the device page, as a fragment for htmx and as a page of its own otherwise', async () => {
    const id = fleet.devices.alphaDc.id;
    const device = await get(admin, `/devices/${id}`);
    expect(device.body).toContain(`hx-get="${panelUrl(id)}" hx-trigger="load"`);
    const page = await get(admin, panelUrl(id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>ALPHA-DC01 · Managed Antivirus</h1>');
    const fragment = await t.app.inject({ method: 'GET', url: panelUrl(id), headers: { cookie: admin.cookie, ...FRAGMENT } });
    expect(fragment.body.startsWith('<section class="panel" id="mav-panel"')).toBe(true);
    // The running deep scan of test/asset-factories.ts.
    expect(fragment.body).toMatch(/<td>deep<\/td><td>running<\/td>/);
  });

  it('Start a scan queues one command, audited as the user, and answers the panel with what happened', async () => {
    const id = fleet.devices.alphaWs.id;
    const first = await post(admin, `${panelUrl(id)}/scan`, {}, FRAGMENT);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Scan requested');
    expect(first.body).toMatch(/<td>Start scan<\/td><td class="when">[^<]+<\/td><td><span class="status off">Queued<\/span><\/td>/);
    const again = await post(admin, `${panelUrl(id)}/scan`, {}, FRAGMENT);
    expect(again.body).toContain('A scan was already requested');
    const queued = await commandsOf(id);
    expect(queued.map((c) => [c.kind, c.status])).toEqual([['mav_scan_start', 'queued']]);
    const entries = await audited();
    expect(entries.slice(0, 2).map((e) => [e.actor_label, e.detail])).toEqual([
      ['admin@acme.test', JSON.stringify({ deviceid: id })],
      ['admin@acme.test', JSON.stringify({ deviceid: id })],
    ]);
  });

  it('refuses a scan while one runs with N-sight\'s text, queuing nothing', async () => {
    const id = fleet.devices.alphaDc.id;
    const res = await post(admin, `${panelUrl(id)}/scan`, {}, FRAGMENT);
    expect(res.body).toContain('<div class="error" role="alert">The scan was not started: An error has occurred.</div>');
    expect(await commandsOf(id)).toEqual([]);
  });

  it('shows failed, unsupported and expired commands with the agent\'s reason', async () => {
    const id = fleet.devices.alphaWs2.id;
    const base = { account_id: fleet.account.id, device_id: id, params: '{}', created_at: NOW - 600, delivered_at: NOW - 590, expires_at: NOW + 3600 };
    await database.db.insertInto('agent_commands').values([
      { ...base, kind: 'mav_scan_start', dedupe_key: 'a', status: 'acked', acked_at: NOW - 580, outcome: 'unsupported', message: 'mav_scan_start is not supported by the reference agent' },
      { ...base, kind: 'mav_quarantine_release', dedupe_key: 'b', status: 'acked', acked_at: NOW - 580, outcome: 'failed', message: 'file is locked' },
      { ...base, kind: 'mav_definitions_update', dedupe_key: 'c', status: 'expired', acked_at: null, outcome: null, message: '', expires_at: NOW - 1 },
    ]).execute();
    const panel = (await get(admin, panelUrl(id))).body;
    expect(panel).toMatch(/<span class="status fail">Unsupported<\/span><\/td>\s*<td class="wrap">mav_scan_start is not supported by the reference agent<\/td>/);
    expect(panel).toMatch(/<td>Release from quarantine<\/td>.*<span class="status fail">Failed<\/span><\/td>\s*<td class="wrap">file is locked<\/td>/s);
    expect(panel).toMatch(/<td>Update definitions<\/td>.*<span class="status fail">Expired<\/span><\/td>\s*<td class="wrap">Not acknowledged in time<\/td>/s);
  });

  it('refuses without the Devices permission (403), outside the client group (404) and without the CSRF token, queuing nothing', async () => {
    const id = fleet.devices.alphaWs2.id;
    const before = await commandsOf(id);
    const client = await signIn('client@acme.test');
    expect((await post(client, `${panelUrl(id)}/scan`, {}, FRAGMENT)).statusCode).toBe(403);
    expect((await get(client, panelUrl(id))).statusCode).toBe(403);
    const betaAdmin = await signIn('beta-admin@acme.test');
    expect((await post(betaAdmin, `${panelUrl(id)}/scan`, {}, FRAGMENT)).statusCode).toBe(404);
    expect((await get(betaAdmin, panelUrl(id))).statusCode).toBe(404);
    expect((await post(admin, `${panelUrl(987654)}/scan`, {}, FRAGMENT)).statusCode).toBe(404);
    const forged = await t.app.inject({ method: 'POST', url: `${panelUrl(id)}/scan`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(forged.statusCode).toBe(403);
    expect(await commandsOf(id)).toEqual(before);
  });
});
