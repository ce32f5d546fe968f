import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { createApiCallService } from '../../src/deapi/api-call.service.js';
import { createDeapiDomain } from '../../src/deapi/deapi.services.js';
import { addClient } from '../../src/deapi/services/clients/add-client.service.js';
import { inTransaction } from '../../src/repositories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, makeWriteKeys, NOW, type Fleet } from '../factories.js';

const FROM = '192.0.2.30';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ATTRS = 'created="2026-11-26T14:30:00+00:00" host="rmm.example.test"';

describe.each(DIALECTS)('add_client and add_site on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  let keys: { read: string; readWrite: string; standard: string; restricted: string };
  let templates: { server: number; workstation: number };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    keys = await makeWriteKeys(fleet, FROM);
    // Only the demo seeder writes templates, so the fixture inserts its own.
    const list = await database.db
      .insertInto('installation_templates')
      .values([
        { account_id: fleet.account.id, name: 'Servers', device_type: 'server', created_at: NOW },
        { account_id: fleet.account.id, name: 'Workstations', device_type: 'workstation', created_at: NOW },
      ])
      .returning(['id', 'device_type'])
      .execute();
    templates = { server: list.find((x) => x.device_type === 'server')!.id, workstation: list.find((x) => x.device_type === 'workstation')!.id };
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('add_client creates a client with every parameter and answers result>data>{success,clientid}', async () => {
    const res = await callApi(t.app, {
      apikey: fleet.apiKey, service: 'add_client', name: 'Gamma & Sons', timezone: 'Europe/Madrid',
      licenseconfig: '<licenseconfig><groupid>1</groupid></licenseconfig>',
      reportconfig: '<reportconfig><report><type>server_daily</type><mailto>a@b.test</mailto><mailcc/><sendat>6:00</sendat></report></reportconfig>',
      officehoursemail: 'day@gamma.test', officehourssms: '+44 20 7946 0000', outofofficehoursemail: 'night@gamma.test', outofofficehourssms: '+44 7700 900000',
    });
    const id = /<clientid>(\d+)<\/clientid>/.exec(res.body)?.[1];
    expect(res.body).toBe(`${XML_HEAD}<result ${ATTRS} status="OK"><data><success>1</success><clientid>${id}</clientid></data></result>`);
    const row = await database.db.selectFrom('clients').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Gamma & Sons', timezone: 'Europe/Madrid', creation_date: '2026-11-26', officehourssms: '+44 20 7946 0000', outofofficehoursemail: 'night@gamma.test' });
    expect(row.reportconfig).toContain('server_daily');
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('<![CDATA[Gamma & Sons]]>');
  });

  it('refuses a duplicate client name in the documented shape', async () => {
    const res = await callApi(t.app, { apikey: fleet.apiKey, service: 'add_client', name: 'Beta Logistics' });
    expect(res.body).toBe(`${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>4</errorcode><message>Duplicate name - Client name already exists!</message></error></result>`);
  });

  it('validates add_client parameters', async () => {
    for (const [name, value] of [['timezone', 'Mars/Olympus'], ['officehoursemail', 'not-an-email'], ['officehourssms', 'call me'], ['reportconfig', 'plain text']]) {
      const res = await callApi(t.app, { apikey: fleet.apiKey, service: 'add_client', name: `Bad ${name}`, [name!]: value! });
      expect(res.body, name).toContain(`Invalid value for parameter: ${name}`);
    }
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'add_client' })).body).toContain('Missing parameter: name');
  });

  it('a personal read key cannot call add_client; a read-write key of an Administrator can', async () => {
    expect((await callApi(t.app, { apikey: keys.read, service: 'add_client', name: 'Via read key' })).body).toContain(
      '<errorcode>6</errorcode><message>Permission denied: this key is read-only</message>',
    );
    expect((await callApi(t.app, { apikey: keys.readWrite, service: 'add_client', name: 'Via rw key' })).body).toContain('<success>1</success>');
  });

  it('a read-write key of a Standard user (no Clients/Sites permission) cannot write', async () => {
    expect((await callApi(t.app, { apikey: keys.standard, service: 'add_client', name: 'Via standard' })).body).toContain('Permission denied: add_client');
    expect((await callApi(t.app, { apikey: keys.standard, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'X' })).body).toContain('Permission denied: add_site');
  });

  it('a client created by a group-restricted key joins that group, so its creator sees it', async () => {
    const res = await callApi(t.app, { apikey: keys.restricted, service: 'add_client', name: 'Scoped New Client' });
    const id = Number(/<clientid>(\d+)<\/clientid>/.exec(res.body)?.[1]);
    const listed = (await callApi(t.app, { apikey: keys.restricted, service: 'list_clients' })).body;
    expect(listed).toContain('Scoped New Client');
    expect(listed).toContain('Beta Logistics');
    expect(listed).not.toContain('Alpha');
    const groups = await fleet.services.clientGroups.list(system);
    expect(groups.find((g) => g.name === 'Beta only')!.clientIds).toContain(id);
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('Scoped New Client');
  });

  it('add_site creates a site with routers and templates and answers result>data>{success,siteid}', async () => {
    const res = await callApi(t.app, {
      apikey: fleet.apiKey, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Warehouse',
      router1: '203.0.113.1', router2: 'gw2.alpha.example', workstationtemplate: templates.workstation, servertemplate: 'off',
    });
    const id = /<siteid>(\d+)<\/siteid>/.exec(res.body)?.[1];
    expect(res.body).toBe(`${XML_HEAD}<result ${ATTRS} status="OK"><data><success>1</success><siteid>${id}</siteid></data></result>`);
    const row = await database.db.selectFrom('sites').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ client_id: fleet.clients.alpha.id, name: 'Warehouse', primary_router: '203.0.113.1', secondary_router: 'gw2.alpha.example', workstation_template: String(templates.workstation), server_template: 'off' });
  });

  it('refuses a duplicate site name for the client in the documented shape; the same name at another client is fine', async () => {
    const dup = await callApi(t.app, { apikey: fleet.apiKey, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Head Office' });
    expect(dup.body).toBe(`${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>4</errorcode><message>Duplicate name - Site name already exists for Client!</message></error></result>`);
    expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'add_site', clientid: fleet.clients.beta.id, sitename: 'Head Office' })).body).toContain('<success>1</success>');
  });

  it("validates templates: off, inherit, or a template of this account and the parameter's device type", async () => {
    const call = (extra: Record<string, string | number>) => callApi(t.app, { apikey: fleet.apiKey, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: `T${Math.random()}`, ...extra });
    expect((await call({ workstationtemplate: templates.server })).body).toContain('Invalid value for parameter: workstationtemplate');
    expect((await call({ servertemplate: templates.workstation })).body).toContain('Invalid value for parameter: servertemplate');
    expect((await call({ servertemplate: 999999 })).body).toContain('Invalid value for parameter: servertemplate');
    expect((await call({ servertemplate: 'sometimes' })).body).toContain('Invalid value for parameter: servertemplate');
    expect((await call({ servertemplate: templates.server, workstationtemplate: 'inherit' })).body).toContain('<success>1</success>');
  });

  it('a key cannot add a site under a client outside its group (answered as an unknown id)', async () => {
    expect((await callApi(t.app, { apikey: keys.restricted, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Sneaky' })).body).toContain(
      'Invalid value for parameter: clientid',
    );
    const other = await makeFleet(database, 'other-msp');
    expect((await callApi(t.app, { apikey: other.apiKey, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Cross' })).body).toContain(
      'Invalid value for parameter: clientid',
    );
  });

  describe('audit', () => {
    /** The API's audit rows written since the last call, oldest first. */
    let seen = 0;
    const newApiRows = async () => {
      const rows = await database.db
        .selectFrom('audit_log')
        .select(['id', 'account_id', 'actor_user_id', 'actor_label', 'source_address', 'action', 'detail'])
        .where('id', '>', seen)
        .orderBy('id')
        .execute();
      seen = Math.max(seen, ...rows.map((r) => r.id));
      return rows.filter((r) => r.action.startsWith('api.'));
    };
    beforeAll(async () => {
      await newApiRows();
    });

    it('add_client through the account key writes one audit row naming the key, with the parameters', async () => {
      const res = await callApi(t.app, { apikey: fleet.apiKey, service: 'add_client', name: 'Audited <Client>', timezone: 'Europe/Madrid' });
      expect(res.body).toContain('<success>1</success>');
      const agentKey = await database.db.selectFrom('users').select('id').where('account_id', '=', fleet.account.id).where('is_agent_key', '=', 1).executeTakeFirstOrThrow();
      const rows = await newApiRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        account_id: fleet.account.id,
        actor_user_id: agentKey.id,
        actor_label: 'account API key',
        source_address: '127.0.0.1',
        action: 'api.add_client',
        detail: JSON.stringify({ name: 'Audited <Client>', timezone: 'Europe/Madrid' }),
      });
      expect(rows[0]!.detail).not.toContain(fleet.apiKey);
    });

    it('add_site through a personal key writes one audit row naming the key by its name and owner', async () => {
      const res = await callApi(t.app, { apikey: keys.readWrite, service: 'add_site', clientid: fleet.clients.beta.id, sitename: 'Audited site', router1: '198.51.100.7' });
      expect(res.body).toContain('<success>1</success>');
      const admin = await fleet.services.repos.users.findByEmail('admin@acme.test');
      const rows = await newApiRows();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        account_id: fleet.account.id,
        actor_user_id: admin!.id,
        actor_label: 'personal key "rw" of admin@acme.test',
        action: 'api.add_site',
        detail: JSON.stringify({ clientid: fleet.clients.beta.id, sitename: 'Audited site', router1: '198.51.100.7' }),
      });
    });

    it('a refused call (read-only key, missing permission) or a refused write (duplicate name) writes no audit row and answers as before', async () => {
      const refused = (message: string, code = 6) => `${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>${code}</errorcode><message>${message}</message></error></result>`;
      expect((await callApi(t.app, { apikey: keys.read, service: 'add_client', name: 'Never read' })).body).toBe(refused('Permission denied: this key is read-only'));
      expect((await callApi(t.app, { apikey: keys.read, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Never' })).body).toBe(refused('Permission denied: this key is read-only'));
      expect((await callApi(t.app, { apikey: keys.standard, service: 'add_client', name: 'Never standard' })).body).toBe(refused('Permission denied: add_client'));
      expect((await callApi(t.app, { apikey: keys.standard, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Never' })).body).toBe(refused('Permission denied: add_site'));
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'add_client', name: 'Beta Logistics' })).body).toBe(refused('Duplicate name - Client name already exists!', 4));
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'add_site', clientid: fleet.clients.alpha.id, sitename: 'Head Office' })).body).toBe(
        refused('Duplicate name - Site name already exists for Client!', 4),
      );
      expect(await newApiRows()).toEqual([]);
      const names = await database.db.selectFrom('clients').select('name').where('name', 'like', 'Never%').execute();
      expect(names).toEqual([]);
    });

    it('the write and its audit entry commit together: when the audit entry cannot be written, the client is not created', async () => {
      const s = fleet.services;
      const domainDeps = { access: s.access, clock: t.clock, agentDir: t.config.agentDir, publicUrl: t.config.publicUrl };
      const calls = createApiCallService({
        access: s.access,
        keys: s.apiAuthenticator,
        domain: createDeapiDomain(s.repos, domainDeps),
        inTransaction: (work) => inTransaction(database.db, (repos) => work({
          domain: createDeapiDomain(repos, domainDeps),
          audit: { record: async () => { throw new Error('audit log unavailable'); } },
        })),
        clock: t.clock,
        publicUrl: t.config.publicUrl,
      });
      const caller = await s.apiAuthenticator.authenticate(fleet.apiKey, FROM);
      await expect(calls.call(caller, addClient, { name: 'Rolled back' })).rejects.toThrow('audit log unavailable');
      expect(await database.db.selectFrom('clients').select('id').where('name', '=', 'Rolled back').execute()).toEqual([]);
      expect(await newApiRows()).toEqual([]);
    });

    it('reads are not audited', async () => {
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('<![CDATA[Audited <Client>]]>');
      expect(await newApiRows()).toEqual([]);
    });
  });
});
