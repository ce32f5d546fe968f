import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrolResponse } from '../../src/agent-protocol/protocol.schema.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const NOWHERE = 987654;

/**
 * get_site_installation_package: a real package as a binary answer (tar.gz for Linux and macOS, zip for
 * Windows) holding the agent and a config whose new site token enrols; errors and describe stay XML;
 * scope like every service (another account's or another group's site answers exactly like a missing one).
 */
describe.each(DIALECTS)('get_site_installation_package on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Fleet;
  let globex: Fleet;
  const work = mkdtempSync(join(tmpdir(), 'sightline-package-'));

  const download = (params: Record<string, string | number>, apikey = acme.apiKey) =>
    callApi(t.app, { apikey, service: 'get_site_installation_package', ...params });
  const alphaHq = () => ({ endcustomerid: acme.clients.alpha.id, siteid: acme.sites.alphaHq.id });

  /** Unpacks a .tar.gz answer with the system tar; returns its listing and config. */
  function untar(body: Buffer, name: string) {
    const file = join(work, `${name}.tar.gz`);
    const out = join(work, name);
    writeFileSync(file, body);
    mkdirSync(out);
    const listing = execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' });
    execFileSync('tar', ['-xzf', file, '-C', out]);
    return { listing, config: JSON.parse(readFileSync(join(out, 'sightline-agent', 'config.json'), 'utf8')) };
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    acme = await makeFleet(database);
    globex = await makeFleet(database, 'globex');
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers a Linux .tar.gz whose config holds the server URL and a site token that enrols', async () => {
    const res = await download({ ...alphaHq(), type: 'remote_worker', os: 'linux' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="sightline-agent-site${acme.sites.alphaHq.id}-linux.tar.gz"`);
    const { listing, config } = untar(res.rawPayload, 'linux');
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* sightline-agent\/bin\/sightline-agent$/m);
    expect(listing).toMatch(/^-rw------- root\/root .* sightline-agent\/config\.json$/m);
    expect(config).toEqual({ serverUrl: 'https://rmm.example.test', siteToken: expect.stringMatching(/^slt_[A-Za-z0-9_-]{43}$/), agentPath: '/agent/v1/' });

    const enrolled = await t.app.inject({
      method: 'POST',
      url: `${config.agentPath.replace(/\/$/, '')}/enrol`,
      payload: {
        siteToken: config.siteToken,
        machineId: 'package-machine-1',
        facts: { hostname: 'pkg-host', deviceType: 'server', os: { name: 'Debian', version: '12', family: 'linux' }, cpu: { model: 'x', count: 1 }, memoryMb: 512, agentVersion: '1.0.0' },
      },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    expect(EnrolResponse.parse(enrolled.json()).agentUrl).toBe('https://rmm.example.test/agent/v1/');
    const servers = await callApi(t.app, { apikey: acme.apiKey, service: 'list_servers', siteid: acme.sites.alphaHq.id });
    expect(servers.body).toContain('<name><![CDATA[pkg-host]]></name>');
  });

  it('answers macOS as .tar.gz and Windows (the default) as a .zip python reads, group_policy for Windows only', async () => {
    const mac = await download({ ...alphaHq(), type: 'remote_worker', os: 'mac' });
    expect(mac.headers['content-type']).toBe('application/gzip');
    expect(mac.headers['content-disposition']).toMatch(/-mac\.tar\.gz"$/);
    expect(untar(mac.rawPayload, 'mac').config.agentPath).toBe('/agent/v1/');

    for (const [type, suffix] of [['remote_worker', 'windows.zip'], ['group_policy', 'windows-group-policy.zip']] as const) {
      const res = await download({ ...alphaHq(), type });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="sightline-agent-site${acme.sites.alphaHq.id}-${suffix}"`);
      const file = join(work, suffix);
      writeFileSync(file, res.rawPayload);
      const read = 'import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({"names": z.namelist(), "config": json.loads(z.read("sightline-agent/config.json")), "launcher": z.getinfo("sightline-agent/bin/sightline-agent").external_attr >> 16}))';
      const zip = JSON.parse(execFileSync('python3', ['-c', read, file], { encoding: 'utf8' }));
      expect(zip.names).toContain('sightline-agent/bin/sightline-agent');
      expect(zip.launcher & 0o777).toBe(0o755);
      expect(zip.config.siteToken).toMatch(/^slt_/);
    }

    for (const os of ['linux', 'mac']) {
      const res = await download({ ...alphaHq(), type: 'group_policy', os });
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(res.body).toContain('<errorcode>4</errorcode><message>Invalid value for parameter: type</message>');
    }
  });

  it('creates a new token per download, stored only as a hash and audited as the key user', async () => {
    const tokens: string[] = [];
    for (const name of ['first', 'second']) tokens.push(untar((await download({ ...alphaHq(), type: 'remote_worker', os: 'linux' })).rawPayload, name).config.siteToken);
    expect(new Set(tokens).size).toBe(2);
    const rows = await database.db.selectFrom('site_enrolment_tokens').selectAll().execute();
    const hashes = rows.map((r) => r.token_hash);
    for (const token of tokens) expect(hashes).toContain(sha256Hex(token));
    const stored = JSON.stringify([rows, await database.db.selectFrom('audit_log').selectAll().execute()]);
    for (const token of tokens) {
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(token.slice(12));
    }
    const agentKey = await acme.services.repos.users.agentKeyOf(acme.account.id);
    // The newest download wrote two entries in its transaction: the token it minted and the API call.
    const audit = await acme.services.audit.list(acme.account.id, 2);
    const minted = audit.find((entry) => entry.action === 'site-token.create');
    expect(minted).toMatchObject({ actor_label: agentKey.email, actor_user_id: agentKey.id });
    expect(minted!.detail).toContain(tokens[1]!.slice(0, 12));
    expect(audit.find((entry) => entry.action === 'api.get_site_installation_package')).toMatchObject({ actor_label: 'account API key', actor_user_id: agentKey.id });
  });

  it('answers errors as XML, and missing parameters first', async () => {
    expect((await download({ siteid: acme.sites.alphaHq.id, type: 'remote_worker' })).body).toContain('<errorcode>5</errorcode><message>Missing parameter: endcustomerid</message>');
    expect((await download({ endcustomerid: acme.clients.alpha.id, siteid: acme.sites.alphaHq.id })).body).toContain('<errorcode>5</errorcode><message>Missing parameter: type</message>');
    expect((await download({ ...alphaHq(), type: 'remote_worker', os: 'solaris' })).body).toContain('<errorcode>4</errorcode><message>Invalid value for parameter: os</message>');
  });

  it("answers another account's site, another client's site and a site outside the key's group exactly like a missing one", async () => {
    const bytes = async (params: Record<string, number>) => {
      const res = await download({ ...params, type: 'remote_worker', os: 'linux' });
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      return res.body;
    };
    const before = await database.db.selectFrom('site_enrolment_tokens').select('id').execute();
    const missingClient = await bytes({ endcustomerid: NOWHERE, siteid: NOWHERE });
    expect(missingClient).toContain('Invalid value for parameter: endcustomerid');
    expect(await bytes({ endcustomerid: globex.clients.alpha.id, siteid: globex.sites.alphaHq.id })).toBe(missingClient);

    const missingSite = await bytes({ endcustomerid: acme.clients.beta.id, siteid: NOWHERE });
    expect(missingSite).toContain('Invalid value for parameter: siteid');
    expect(await bytes({ endcustomerid: acme.clients.beta.id, siteid: acme.sites.alphaHq.id })).toBe(missingSite);
    expect(await bytes({ endcustomerid: acme.clients.beta.id, siteid: globex.sites.betaMain.id })).toBe(missingSite);

    // The Agent Key user moved to a group holding only Beta: Alpha's site is outside the key's scope.
    const group = await database.db.insertInto('client_groups').values({ account_id: acme.account.id, name: 'Beta only', is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
    await database.db.insertInto('client_group_members').values({ account_id: acme.account.id, client_group_id: group.id, client_id: acme.clients.beta.id }).execute();
    const agentKey = await acme.services.repos.users.agentKeyOf(acme.account.id);
    await database.db.updateTable('users').set({ client_group_id: group.id }).where('id', '=', agentKey.id).execute();
    try {
      expect(await bytes({ endcustomerid: acme.clients.alpha.id, siteid: acme.sites.alphaHq.id })).toBe(missingClient);
      expect(await bytes({ endcustomerid: acme.clients.beta.id, siteid: acme.sites.alphaHq.id })).toBe(missingSite);
      expect((await download({ endcustomerid: acme.clients.beta.id, siteid: acme.sites.betaMain.id, type: 'remote_worker', os: 'linux' })).headers['content-type']).toBe('application/gzip');
    } finally {
      await database.db.updateTable('users').set({ client_group_id: agentKey.client_group_id }).where('id', '=', agentKey.id).execute();
    }
    // Only the one allowed download made a token.
    expect(await database.db.selectFrom('site_enrolment_tokens').select('id').execute()).toHaveLength(before.length + 1);
  });

  it('needs a read-write key, and makes no token when the server has no agent to ship', async () => {
    const system = acme.services.access.systemActor(acme.account.id);
    const agentKey = await acme.services.repos.users.agentKeyOf(acme.account.id);
    const { key } = await acme.services.personalKeys.create(system, 'test', agentKey, { name: 'read only', scope: 'read' });
    expect((await download({ ...alphaHq(), type: 'remote_worker' }, key)).body).toContain('<errorcode>6</errorcode><message>Permission denied: this key is read-only</message>');

    const empty = mkdtempSync(join(tmpdir(), 'sightline-no-agent-'));
    const bare = await buildTestApp(database, { agentDir: empty });
    try {
      const before = await database.db.selectFrom('site_enrolment_tokens').select('id').execute();
      const res = await callApi(bare.app, { apikey: acme.apiKey, service: 'get_site_installation_package', ...alphaHq(), type: 'remote_worker' });
      expect(res.body).toContain('<errorcode>99</errorcode>');
      expect(res.body).not.toContain(empty);
      expect(await database.db.selectFrom('site_enrolment_tokens').select('id').execute()).toHaveLength(before.length);
    } finally {
      await bare.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
