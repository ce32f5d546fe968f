import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, servicesFor, type Fleet } from '../factories.js';

type Ids = { client: number; site: number; device: number };

/** Every id-taking service of the registry's first ten, called with one client's ids. */
function idCalls(ids: Ids): Array<[string, Record<string, string | number>]> {
  return [
    ['list_sites', { service: 'list_sites', clientid: ids.client }],
    ['list_servers', { service: 'list_servers', siteid: ids.site }],
    ['list_workstations', { service: 'list_workstations', siteid: ids.site }],
    ['list_agentless_assets', { service: 'list_agentless_assets', siteid: ids.site }],
    ['list_devices_at_client', { service: 'list_devices_at_client', clientid: ids.client, devicetype: 'server' }],
    ['list_device_monitoring_details', { service: 'list_device_monitoring_details', deviceid: ids.device }],
    ['list_checks', { service: 'list_checks', deviceid: ids.device }],
    ['list_failing_checks', { service: 'list_failing_checks', clientid: ids.client }],
    ['list_outages', { service: 'list_outages', deviceid: ids.device }],
  ];
}

const alphaIds = (f: Fleet): Ids => ({ client: f.clients.alpha.id, site: f.sites.alphaHq.id, device: f.devices.alphaDc.id });
const betaIds = (f: Fleet): Ids => ({ client: f.clients.beta.id, site: f.sites.betaMain.id, device: f.devices.betaSrv.id });
const NOWHERE: Ids = { client: 987654, site: 987654, device: 987654 };

const clientIdsIn = (body: string) => [...body.matchAll(/<clientid>(\d+)<\/clientid>/g)].map((m) => Number(m[1]));

/**
 * The scope rule (access-model.md, CONVENTIONS.md §4): a key sees its own account, and within it only the
 * clients of its Agent Key user's client group, evaluated on every request; anything else is answered
 * exactly like an id that does not exist.
 */
describe.each(DIALECTS)('scope on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Fleet;
  let globex: Fleet;

  const call = (params: Record<string, string | number>, app = t.app, apikey = acme.apiKey) => callApi(app, { apikey, ...params }).then((r) => r.body);

  async function agentKeyGroup(db: DatabaseHandle, fleet: Fleet) {
    const user = await db.db.selectFrom('users').select(['id', 'client_group_id']).where('account_id', '=', fleet.account.id).where('is_agent_key', '=', 1).executeTakeFirstOrThrow();
    return user;
  }
  /** Moves the Agent Key user to a new group holding exactly these clients; returns the group id. */
  async function moveAgentKeyToGroup(fleet: Fleet, name: string, clientIds: number[]) {
    const group = await database.db.insertInto('client_groups').values({ account_id: fleet.account.id, name, is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
    if (clientIds.length > 0) {
      await database.db.insertInto('client_group_members').values(clientIds.map((client_id) => ({ account_id: fleet.account.id, client_group_id: group.id, client_id }))).execute();
    }
    await setAgentKeyGroup(fleet, group.id);
    return group.id;
  }
  async function setAgentKeyGroup(fleet: Fleet, groupId: number) {
    await database.db.updateTable('users').set({ client_group_id: groupId }).where('account_id', '=', fleet.account.id).where('is_agent_key', '=', 1).execute();
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
  });

  it('sees its own ids (the baseline the other cases are compared with)', async () => {
    for (const [name, params] of idCalls(alphaIds(acme))) expect(await call(params), name).toContain('status="OK"');
    expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.alpha.id, acme.clients.beta.id, acme.clients.gamma.id]);
  });

  it("answers another account's client, site and device ids byte for byte like ids that do not exist", async () => {
    const foreign = idCalls(alphaIds(globex));
    const missing = idCalls(NOWHERE);
    for (const [i, [name, params]] of foreign.entries()) {
      const body = await call(params);
      expect(body, name).toMatch(/<errorcode>4<\/errorcode><message>Invalid value for parameter: (clientid|siteid|deviceid)<\/message>/);
      expect(body, name).toBe(await call(missing[i]![1]));
    }
    // And the other account's data never shows up in whole-account lists.
    expect(await call({ service: 'list_clients' })).not.toContain(`<clientid>${globex.clients.alpha.id}</clientid>`);
    expect(clientIdsIn(await call({ service: 'list_failing_checks' }))).toEqual([acme.clients.alpha.id, acme.clients.beta.id]);
  });

  it('an Agent Key moved to a one-client group sees only that client, from the very next request', async () => {
    const original = (await agentKeyGroup(database, acme)).client_group_id;
    await moveAgentKeyToGroup(acme, 'Beta only', [acme.clients.beta.id]);
    try {
      expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.beta.id]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks' }))).toEqual([acme.clients.beta.id]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks', check_type: 'tasks' }))).toEqual([acme.clients.beta.id]);
      const hidden = idCalls(alphaIds(acme));
      const missing = idCalls(NOWHERE);
      for (const [i, [name, params]] of hidden.entries()) {
        const body = await call(params);
        expect(body, name).toContain('<errorcode>4</errorcode>');
        expect(body, name).toBe(await call(missing[i]![1]));
      }
      for (const [name, params] of idCalls(betaIds(acme))) expect(await call(params), name).toContain('status="OK"');
    } finally {
      await setAgentKeyGroup(acme, original);
    }
    // Back in All Clients: the next request sees everything again.
    expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.alpha.id, acme.clients.beta.id, acme.clients.gamma.id]);
  });

  it('an Agent Key in an empty group sees nothing', async () => {
    const original = (await agentKeyGroup(database, acme)).client_group_id;
    await moveAgentKeyToGroup(acme, 'Nobody', []);
    try {
      const clients = await call({ service: 'list_clients' });
      expect(clients).toContain('status="OK"');
      expect(clientIdsIn(clients)).toEqual([]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks' }))).toEqual([]);
      for (const [name, params] of idCalls(betaIds(acme))) expect(await call(params), name).toContain('<errorcode>4</errorcode>');
    } finally {
      await setAgentKeyGroup(acme, original);
    }
  });

  it('a group change or a regenerated key applies on the next request of a second app instance sharing the database', async () => {
    const second = await openDatabase(database.url);
    const t2 = await buildTestApp(second);
    try {
      const oldKey = acme.apiKey;
      expect(await call({ service: 'list_clients' }, t2.app, oldKey)).toContain('status="OK"');

      const original = (await agentKeyGroup(database, acme)).client_group_id;
      await moveAgentKeyToGroup(acme, 'Gamma only', [acme.clients.gamma.id]);
      expect(clientIdsIn(await call({ service: 'list_clients' }, t2.app, oldKey))).toEqual([acme.clients.gamma.id]);
      await setAgentKeyGroup(acme, original);
      expect(clientIdsIn(await call({ service: 'list_clients' }, t2.app, oldKey))).toHaveLength(3);

      // Regenerated through the first handle (as the CLI or the dashboard would).
      const newKey = await servicesFor(database).apiKeys.regenerate(acme.account.id, null);
      expect(newKey).toMatch(/^[0-9a-f]{32}$/);
      for (const app of [t.app, t2.app]) {
        expect(await call({ service: 'list_clients' }, app, oldKey)).toContain('<errorcode>3</errorcode><message>Login failed</message>');
        expect(await call({ service: 'list_clients' }, app, newKey)).toContain('status="OK"');
      }
      // The other account's key is untouched.
      expect(await call({ service: 'list_clients' }, t2.app, globex.apiKey)).toContain('status="OK"');
      acme.apiKey = newKey;
    } finally {
      await t2.app.close();
      await second.close();
    }
  });
});
