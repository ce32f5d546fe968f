import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';
import { cli, lastLine } from '../support/cli.js';

describe.each(DIALECTS)('the access CLI on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  const on = (...args: string[]) => [...args, '--db', database.url, '--account', 'acme'];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('manages users, groups, the Agent Key and the API key exactly as the contract says', async () => {
    expect((await cli(on('user', 'add', '--email', 'boss@acme.test', '--role', 'superuser', '--password', 'Sup3rSecret'))).code).toBe(0);
    expect((await cli(on('user', 'add', '--email', 'desk@acme.test', '--role', 'standard'))).code).toBe(0);
    expect((await cli(on('group', 'create', '--name', 'Beta', '--clients', String(fleet.clients.beta.id)))).code).toBe(0);
    expect((await cli(on('user', 'set-group', '--user', 'agent-key', '--group', 'Beta'))).code).toBe(0);
    expect((await cli(on('agent-key', 'access', '--disable'))).code).toBe(0);

    const regenerated = await cli(on('apikey', 'regenerate', '--as', 'boss@acme.test'));
    expect(regenerated.code).toBe(0);
    const key = lastLine(regenerated.stdout);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const body = (await callApi(t.app, { apikey: key, service: 'list_clients' })).body;
    expect(body).toContain('Beta Logistics');
    expect(body).not.toContain('Alpha');
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('Login failed');

    const refused = await cli(on('apikey', 'regenerate', '--as', 'desk@acme.test'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^sightline: Permission denied: managing the account API key/);

    const personal = await cli(on('keys', 'create', '--user', 'desk@acme.test', '--name', 'ci', '--scope', 'read', '--expires', '2030-01-01T00:00:00Z'));
    expect(lastLine(personal.stdout)).toMatch(/^slk_[a-z2-7]{32}[0-9a-f]{6}$/);
    expect((await callApi(t.app, { apikey: lastLine(personal.stdout), service: 'list_clients' })).body).toContain('status="OK"');
    expect((await cli(on('keys', 'list', '--user', 'desk@acme.test'))).stdout).toContain(lastLine(personal.stdout).slice(0, 12));

    // Without SMTP the key is not mailed, and never kept in the outbox.
    const emailed = await cli(on('apikey', 'email', '--to', 'ops@customer.test', '--key', key));
    expect(emailed.code).not.toBe(0);
    expect(emailed.stderr).toMatch(/^sightline: no SMTP server is configured/);
    expect((await cli(on('outbox', 'list'))).stdout).not.toContain(key);

    const audit = (await cli(on('audit', 'list', '--limit', '50'))).stdout;
    for (const action of ['user.add', 'group.create', 'agent-key.set-group', 'agent-key.access', 'apikey.regenerate', 'personal-key.create']) expect(audit).toContain(action);
    expect(audit).toContain('system (CLI)');
    expect(audit).toContain('boss@acme.test');
  }, 300_000);
});
