import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { dashboardClient, type DashboardBrowser } from '../support/dashboard-client.js';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { addDashboardUsers, makeFleet, NOW, type Fleet } from '../factories.js';

const PASSWORD = 'Correct-Horse-9';
const NOWHERE = 987654;

/**
 * A site's settings page over the real app and database: Download agent answers the API's package as
 * the signed-in user, the enrolment tokens are listed (never the token), created once and revoked with
 * an audit entry; without the permission nothing changes (403), a site outside the client group is 404.
 * All Devices marks enrolled devices and shows their status and last response.
 */
describe.each(DIALECTS)('dashboard site page on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  const work = mkdtempSync(join(tmpdir(), 'sightline-site-page-'));
  const { signIn, post, get } = dashboardClient(() => t.app, PASSWORD);
  let admin: DashboardBrowser;

  const siteUrl = (id = fleet.sites.alphaHq.id) => `/sites/${id}`;
  const tokens = () => database.db.selectFrom('site_enrolment_tokens').selectAll().orderBy('id').execute();
  const audited = async (action: string) => fleet.services.repos.audit.search(fleet.account.id, { action }, 50);
  const keyboxOf = (body: string) => /data-testid="site-token">([^<]+)</.exec(body)?.[1];

  /** The config.json of a downloaded package: tar for .tar.gz, python's zipfile for .zip. */
  function packageConfig(body: Buffer, name: string): { siteToken: string; serverUrl: string } {
    const file = join(work, name);
    writeFileSync(file, body);
    const json = name.endsWith('.zip')
      ? execFileSync('python3', ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("sightline-agent/config.json").decode())', file], { encoding: 'utf8' })
      : execFileSync('tar', ['-xzOf', file, 'sightline-agent/config.json'], { encoding: 'utf8' });
    return JSON.parse(json);
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    await addDashboardUsers(fleet, PASSWORD, { roles: ['standard'], betaAdmin: true });
    admin = await signIn('admin@acme.test');
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the site tokens with prefix, creator, dates and state, never the token', async () => {
    const system = fleet.services.access.systemActor(fleet.account.id);
    const scope = { accountId: fleet.account.id, clientGroupId: null };
    const made = await fleet.services.siteTokens.create(system, scope, 'test', fleet.sites.alphaHq.id);
    const page = await get(admin, siteUrl());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Head Office: site settings</h1>');
    expect(page.body).toContain(`<td><code>${made.prefix}…</code></td>`);
    expect(page.body).toContain('<td>system (CLI)</td>');
    expect(page.body).toContain('<td class="when">2026-12-26 14:30</td>'); // expires in 30 days (Europe/London)
    expect(page.body).toContain('<span class="status ok">Active</span>');
    expect(page.body).toContain(`>Revoke ${made.prefix}</button>`);
    expect(page.body).not.toContain(made.token);
    expect(page.body).not.toContain(made.token.slice(12));
    // Reached from All Devices with the site selected.
    expect((await get(admin, `/?site=${fleet.sites.alphaHq.id}`)).body).toContain(`<a class="btn" href="${siteUrl()}">Site settings</a>`);
  });

  it('creates a token shown once that enrols, and an expiry in the past is refused beside Expires', async () => {
    const created = await post(admin, `${siteUrl()}/tokens`, { expires: '' });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const token = keyboxOf(created.body)!;
    expect(token).toMatch(/^slt_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toContain('Copy it now: it is shown only once.');
    expect(await fleet.services.siteTokens.verify(token)).toMatchObject({ siteId: fleet.sites.alphaHq.id, clientId: fleet.clients.alpha.id });
    const [entry] = await audited('site-token.create').then((rows) => rows.filter((r) => r.actor_label === 'admin@acme.test'));
    expect(entry!.detail).toContain(`${token.slice(0, 12)}…`);
    const again = await get(admin, siteUrl());
    expect(again.body).toContain(`${token.slice(0, 12)}…`);
    expect(again.body).not.toContain(token);

    const before = (await tokens()).length;
    const past = await post(admin, `${siteUrl()}/tokens`, { expires: '2026-11-25' });
    expect(past.statusCode).toBe(422);
    expect(past.body).toContain('<div class="error" id="site-expires-error" role="alert">A token expiry must be a valid time in the future</div>');
    expect(past.body).toContain('value="2026-11-25" aria-invalid="true"');
    const dated = await post(admin, `${siteUrl()}/tokens`, { expires: '2027-01-31' });
    expect(dated.statusCode).toBe(200);
    expect((await tokens()).at(-1)!.expires_at).toBe(Date.parse('2027-01-31T23:59:59Z') / 1000);
    expect((await tokens()).length).toBe(before + 1);
  });

  it('revokes a token (audited): it no longer enrols, shows Revoked, and a second revoke is refused', async () => {
    const created = await post(admin, `${siteUrl()}/tokens`, {});
    const token = keyboxOf(created.body)!;
    const prefix = token.slice(0, 12);
    const revoked = await post(admin, `${siteUrl()}/tokens/revoke`, { prefix });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.body).toContain(`Token ${prefix}… revoked`);
    expect(revoked.body).not.toContain(`>Revoke ${prefix}</button>`);
    expect(revoked.body).toMatch(new RegExp(`${prefix}….*?<span class="status off">Revoked</span>`, 's'));
    expect(await fleet.services.siteTokens.verify(token)).toBeNull();
    const entries = await audited('site-token.revoke');
    expect(entries[0]).toMatchObject({ actor_label: 'admin@acme.test' });
    expect(entries[0]!.detail).toContain(`${prefix}…`);

    const twice = await post(admin, `${siteUrl()}/tokens/revoke`, { prefix });
    expect(twice.statusCode).toBe(422);
    expect(twice.body).toContain(`<div class="error" id="site-prefix-error" role="alert">Site ${fleet.sites.alphaHq.id} has no unrevoked token ${prefix}</div>`);
    expect(await audited('site-token.revoke')).toHaveLength(entries.length);
  });

  it('downloads Linux, macOS and Windows packages whose config holds a token that enrols, as the signed-in user', async () => {
    for (const [os, type, ext] of [['linux', 'application/gzip', 'tar.gz'], ['mac', 'application/gzip', 'tar.gz'], ['windows', 'application/zip', 'zip']] as const) {
      const res = await post(admin, `${siteUrl()}/package`, { os });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['cache-control']).toBe('no-store');
      const filename = `sightline-agent-site${fleet.sites.alphaHq.id}-${os}.${ext}`;
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
      const config = packageConfig(res.rawPayload, filename);
      expect(config.serverUrl).toBe('https://rmm.example.test');
      expect(await fleet.services.siteTokens.verify(config.siteToken)).toMatchObject({ siteId: fleet.sites.alphaHq.id });
    }
    const [entry] = await audited('site-token.create');
    expect(entry).toMatchObject({ actor_label: 'admin@acme.test' });

    const before = (await tokens()).length;
    const unknown = await post(admin, `${siteUrl()}/package`, { os: 'solaris' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('<div class="error" id="site-os-error" role="alert">Choose Linux, macOS or Windows</div>');
    expect((await tokens()).length).toBe(before);
  });

  it('refuses a user without Site Installation Package (403) on the page and every change, and changes nothing', async () => {
    const standard = await signIn('standard@acme.test');
    const [active] = (await tokens()).filter((r) => r.revoked_at === null);
    const before = { tokens: await tokens(), audit: (await fleet.services.audit.list(fleet.account.id, 500)).length };
    const page = await get(standard, siteUrl());
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Permission denied: a site&#39;s agent settings needs the &quot;Site Installation Package&quot; permission');
    for (const [path, fields] of [['/tokens', {}], ['/tokens/revoke', { prefix: active!.prefix }], ['/package', { os: 'linux' }]] as const) {
      const refused = await post(standard, `${siteUrl()}${path}`, fields);
      expect(refused.statusCode, path).toBe(403);
      expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    expect(await tokens()).toEqual(before.tokens);
    expect((await fleet.services.audit.list(fleet.account.id, 500)).length).toBe(before.audit);
    // The devices page does not offer the link either.
    expect((await get(standard, `/?site=${fleet.sites.alphaHq.id}`)).body).not.toContain('Site settings');
  });

  it('answers a site outside the client group exactly like a missing one (404), and changes nothing', async () => {
    const restricted = await signIn('beta-admin@acme.test');
    expect((await get(restricted, siteUrl(fleet.sites.betaMain.id))).statusCode).toBe(200);
    const missing = await get(restricted, siteUrl(NOWHERE));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('This site does not exist, or is not in your client group.');
    const outside = await get(restricted, siteUrl());
    expect(outside.statusCode).toBe(404);
    expect(outside.body).toBe(missing.body);
    expect((await get(restricted, '/sites/abc')).statusCode).toBe(404);

    const [active] = (await tokens()).filter((r) => r.revoked_at === null && r.site_id === fleet.sites.alphaHq.id);
    const before = await tokens();
    for (const [path, fields] of [['/tokens', {}], ['/tokens/revoke', { prefix: active!.prefix }], ['/package', { os: 'linux' }], ['/package', { os: 'solaris' }]] as const) {
      const refused = await post(restricted, `${siteUrl()}${path}`, fields);
      expect(refused.statusCode, path).toBe(404);
      expect(refused.body).toContain('This site does not exist, or is not in your client group.');
    }
    expect(await tokens()).toEqual(before);
  });

  it('shows a device enrolled with a package on All Devices: an Agent marker, its status and its last response', async () => {
    const download = await post(admin, `${siteUrl()}/package`, { os: 'linux' });
    const { siteToken } = packageConfig(download.rawPayload, 'enrol.tar.gz');
    const enrolled = await t.app.inject({
      method: 'POST', url: '/agent/v1/enrol',
      payload: { siteToken, machineId: 'site-page-machine', facts: { hostname: 'ENROLLED-SRV', deviceType: 'server', os: { name: 'Debian', version: '12', family: 'linux' }, cpu: { model: 'x', count: 1 }, memoryMb: 512, agentVersion: '1.0.0' } },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    const deviceId = enrolled.json().deviceId as number;

    const rowOf = (body: string, name: string) => new RegExp(`<tr>\\s*<td>[^]*?<a href="/devices/\\d+">${name}</a>[^]*?</tr>`).exec(body)?.[0] ?? '';
    const list = await get(admin, `/?site=${fleet.sites.alphaHq.id}`);
    const row = rowOf(list.body, 'ENROLLED-SRV');
    expect(row).toContain('<span class="status ok">OK</span>');
    expect(row).toContain('title="Reports through the Sightline agent">Agent</span>');
    expect(row).toContain('>just now<');
    // A seeded device has no agent behind it.
    expect(rowOf(list.body, 'ALPHA-DC01')).not.toContain('>Agent</span>');
    expect((await get(admin, `/devices/${deviceId}`)).body).toContain('>Agent</span>');

    // No report for 20 minutes and the sweeper marks it overdue: the list says so, with the last response.
    await database.db.updateTable('devices').set({ last_response_at: NOW - 1200, overdue_since: NOW - 300 }).where('id', '=', deviceId).execute();
    const overdue = rowOf((await get(admin, `/?site=${fleet.sites.alphaHq.id}`)).body, 'ENROLLED-SRV');
    expect(overdue).toContain('<span class="status warn" title="Overdue for 5 min">Overdue</span>');
    expect(overdue).toContain('>20 min ago<');
  });
});
