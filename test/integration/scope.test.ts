import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/deapi/registry.js';
import { openDatabase } from '../../src/db/database.js';
import { addAssets } from '../asset-factories.js';
import { makeFleet, servicesFor, type Fleet } from '../factories.js';
import { addAvDefinitions, addHistory, restrictAgentKey } from '../history-factories.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectOk, idParamsOf, idsShown, MISSING_ID, NEEDS, NOWHERE, validParams, type IdKind, type Ids, type SpecLike } from '../support/scope-cases.js';

const clientIdsIn = (body: string) => [...body.matchAll(/<clientid>(\d+)<\/clientid>/g)].map((m) => Number(m[1]));

/** An account's fleet with the asset and history fixtures, so every service has data to answer with. */
async function makeFullFleet(database: TestDatabase, name?: string) {
  const fleet = await makeFleet(database, name);
  const { licenseGroups } = await addAssets(database, fleet);
  await addHistory(database, fleet);
  const templates = await database.db.selectFrom('installation_templates').select(['id', 'device_type']).where('account_id', '=', fleet.account.id).execute();
  const accountWide = {
    licenseGroup: licenseGroups.office,
    serverTemplate: templates.find((t) => t.device_type === 'server')!.id,
    workstationTemplate: templates.find((t) => t.device_type === 'workstation')!.id,
  };
  // addAssets patches Alpha's DC only: Beta's workstation gets one of the same catalog entry, for the patch actions.
  const alphaPatch = await database.db.selectFrom('device_patches').select(['id', 'patch_catalog_id']).where('device_id', '=', fleet.devices.alphaDc.id).orderBy('id').executeTakeFirstOrThrow();
  const betaPatch = await database.db
    .insertInto('device_patches')
    .values({ account_id: fleet.account.id, client_id: fleet.clients.beta.id, device_id: fleet.devices.betaWs.id, patch_catalog_id: alphaPatch.patch_catalog_id, policy: 4, status: 1, installed_at: null, deployable: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  /** The ids of one client, coherent (the site is the client's, the device the site's, the check and the patch the device's). */
  const paths = {
    alpha: { client: fleet.clients.alpha.id, site: fleet.sites.alphaHq.id, device: fleet.devices.alphaDc.id, check: fleet.checks.disk.id, patch: alphaPatch.id, ...accountWide },
    beta: { client: fleet.clients.beta.id, site: fleet.sites.betaMain.id, device: fleet.devices.betaWs.id, check: fleet.checks.task.id, patch: betaPatch.id, ...accountWide },
  } satisfies Record<string, Required<Ids>>;
  return { ...fleet, paths };
}

/** Two accounts with the same data; the database's antivirus definitions are shared. */
async function makeWorld(database: TestDatabase) {
  const acme = await makeFullFleet(database);
  const globex = await makeFullFleet(database, 'globex');
  await addAvDefinitions(database);
  return { acme, globex };
}

/** Puts an account's Agent Key user back in a group (restrictAgentKey returns the one it left). */
async function setAgentKeyGroup(database: TestDatabase, fleet: Fleet, groupId: number) {
  await database.db.updateTable('users').set({ client_group_id: groupId }).where('account_id', '=', fleet.account.id).where('is_agent_key', '=', 1).execute();
}

type IdCall = { label: string; params: Record<string, string | number>; accountWide: boolean };

/** For every read service, one call per id parameter: that parameter and the required ones taken from `ids`. */
function readIdCalls(ids: Ids): IdCall[] {
  return SERVICES.filter((s) => !s.write).flatMap((spec) =>
    idParamsOf(spec).map((p) => ({ label: `${spec.name} ${p.name}`, params: { ...validParams(spec, ids), [p.name]: ids[p.kind]! }, accountWide: p.accountWide })),
  );
}

/**
 * The scope rule (access-model.md, CONVENTIONS.md §4): a key sees its own account, and within it only the
 * clients of its Agent Key user's client group, evaluated on every request; anything else is answered
 * exactly like an id that does not exist.
 */
describe.each(DIALECTS)('client groups on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof makeFullFleet>>;
  let globex: Fleet;

  const call = (params: Record<string, string | number>, app = t.app, apikey = acme.apiKey) => callApi(app, { apikey, ...params }).then((r) => r.body);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ({ acme, globex } = await makeWorld(database));
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('an Agent Key moved to a one-client group sees only that client, from the very next request', async () => {
    expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.alpha.id, acme.clients.beta.id, acme.clients.gamma.id]);
    const original = await restrictAgentKey(database, acme.account.id, [acme.clients.beta.id]);
    try {
      expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.beta.id]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks' }))).toEqual([acme.clients.beta.id]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks', check_type: 'tasks' }))).toEqual([acme.clients.beta.id]);
      const missing = readIdCalls(NOWHERE);
      for (const [i, { label, params, accountWide }] of readIdCalls(acme.paths.alpha).entries()) {
        if (accountWide) continue;
        const body = await call(params);
        expect(body, label).toContain('<errorcode>4</errorcode>');
        expect(body, label).toBe(await call(missing[i]!.params));
      }
      for (const { label, params } of readIdCalls(acme.paths.beta)) expectOk(await call(params), label);
    } finally {
      await setAgentKeyGroup(database, acme, original);
    }
    // Back in All Clients: the next request sees everything again.
    expect(clientIdsIn(await call({ service: 'list_clients' }))).toEqual([acme.clients.alpha.id, acme.clients.beta.id, acme.clients.gamma.id]);
  });

  it('an Agent Key in an empty group sees no client, only what belongs to the account', async () => {
    const original = await restrictAgentKey(database, acme.account.id, []);
    try {
      const clients = await call({ service: 'list_clients' });
      expect(clients).toContain('status="OK"');
      expect(clientIdsIn(clients)).toEqual([]);
      expect(clientIdsIn(await call({ service: 'list_failing_checks' }))).toEqual([]);
      for (const { label, params, accountWide } of readIdCalls(acme.paths.beta)) {
        const body = await call(params);
        if (accountWide) expectOk(body, label);
        else expect(body, label).toContain('<errorcode>4</errorcode>');
      }
    } finally {
      await setAgentKeyGroup(database, acme, original);
    }
  });

  it('a group change or a regenerated key applies on the next request of a second app instance sharing the database', async () => {
    const second = await openDatabase(database.url);
    const t2 = await buildTestApp(second);
    try {
      const oldKey = acme.apiKey;
      expect(await call({ service: 'list_clients' }, t2.app, oldKey)).toContain('status="OK"');

      const original = await restrictAgentKey(database, acme.account.id, [acme.clients.gamma.id]);
      expect(clientIdsIn(await call({ service: 'list_clients' }, t2.app, oldKey))).toEqual([acme.clients.gamma.id]);
      await setAgentKeyGroup(database, acme, original);
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

/** Tables a refused call may still write: the audit log may record the attempt. */
const MAY_RECORD_ATTEMPTS = new Set(['audit_log']);

/** Every row of every table, to show that a refused write changed nothing. */
async function snapshot(database: TestDatabase) {
  const rows: Record<string, string[]> = {};
  for (const table of await database.db.introspection.getTables()) {
    if (MAY_RECORD_ATTEMPTS.has(table.name)) continue;
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(database.db);
    rows[table.name] = result.rows.map((row) => JSON.stringify(row)).sort();
  }
  return rows;
}

/**
 * Every service of the registry, generated from its parameters (test/support/scope-cases.ts), called by
 * acme's key restricted to the client Alpha: with Alpha's ids it answers OK and shows nothing of another
 * client or account; with the ids of acme's client Beta (outside its group) or of another account, it
 * answers byte for byte what it answers for an id that does not exist, and writes nothing. A service added
 * to the registry gets its case here by itself, or fails saying what the tables lack.
 */
describe.each(DIALECTS)('every registered service within a client group on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof makeFullFleet>>;
  let globex: Awaited<ReturnType<typeof makeFullFleet>>;
  /** Names and ids the restricted key must never see. */
  let hidden: { names: string[]; ids: Record<IdKind, Set<number>> };

  const call = (params: Record<string, string | number>) => callApi(t.app, { apikey: acme.apiKey, ...params }).then((r) => r.body);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ({ acme, globex } = await makeWorld(database));
    await restrictAgentKey(database, acme.account.id, [acme.clients.alpha.id]);
    // Every name of the other account carries its name, so one search finds any of them in an answer.
    const db = database.db;
    const theirs = globex.account.id;
    for (const table of ['clients', 'sites', 'devices', 'license_groups', 'installation_templates'] as const) {
      await db.updateTable(table).set({ name: sql`name || ' globex'` }).where('account_id', '=', theirs).execute();
    }
    await db.updateTable('checks').set({ description: sql`description || ' globex'` }).where('account_id', '=', theirs).execute();

    const [alpha, mine] = [acme.clients.alpha.id, acme.account.id];
    /** Rows of the other account, and (for client data) of acme's clients other than Alpha. */
    const rowsOutside = async (table: string, name: string, clientColumn?: string) => {
      const ofOtherClients = clientColumn ? sql` or (account_id = ${mine} and ${sql.ref(clientColumn)} <> ${alpha})` : sql``;
      const query = sql<{ id: number; name: string }>`select id, ${sql.ref(name)} as name from ${sql.table(table)} where account_id = ${theirs}${ofOtherClients}`;
      return (await query.execute(db)).rows;
    };
    const rows = {
      client: await rowsOutside('clients', 'name', 'id'),
      site: await rowsOutside('sites', 'name', 'client_id'),
      device: await rowsOutside('devices', 'name', 'client_id'),
      check: await rowsOutside('checks', 'description', 'client_id'),
      licenseGroup: await rowsOutside('license_groups', 'name'),
      serverTemplate: await rowsOutside('installation_templates', 'name'),
      workstationTemplate: await rowsOutside('installation_templates', 'name'),
      // Patches have no name of their own and are not tracked here (scope-at-scale.test.ts follows every id an answer shows).
      patch: [],
    } satisfies Record<IdKind, unknown>;
    hidden = {
      names: Object.values(rows).flatMap((list) => list.map((r) => r.name)),
      ids: Object.fromEntries(Object.entries(rows).map(([kind, list]) => [kind, new Set(list.map((r) => Number(r.id)))])) as Record<IdKind, Set<number>>,
    };
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  function expectNothingHidden(body: string, label: string) {
    expect(body, `${label} shows the other account`).not.toMatch(/globex/i);
    for (const name of hidden.names) expect(body, `${label} shows ${name}`).not.toContain(name);
    for (const { where, id, kinds } of idsShown(body)) {
      expect(kinds.some((kind) => hidden.ids[kind].has(id)), `${label} shows hidden ${where} ${id}`).toBe(false);
    }
  }

  it('has a case table naming only registered services', () => {
    const names = new Set(SERVICES.map((s) => s.name));
    expect(Object.keys(NEEDS).filter((name) => !names.has(name))).toEqual([]);
  });

  it.each(SERVICES.map((spec): [string, SpecLike] => [spec.name, spec]))('%s', async (name, spec) => {
    const ids = idParamsOf(spec);
    const visible = acme.paths.alpha;
    if (ids.length === 0 || ids.every((p) => !p.required)) {
      const body = await call(validParams(spec, visible));
      if (ids.length === 0) expectOk(body, name);
      expectNothingHidden(body, name);
    }
    for (const p of ids) {
      const label = `${name} ${p.name}`;
      const inScope = await call({ ...validParams(spec, visible), [p.name]: visible[p.kind] });
      expectOk(inScope, label);
      expectNothingHidden(inScope, label);

      const base = validParams(spec, visible);
      const before = spec.write ? await snapshot(database) : undefined;
      const missing = await call({ ...base, [p.name]: MISSING_ID });
      expect(missing, label).toContain(`<errorcode>4</errorcode><message>Invalid value for parameter: ${p.name}</message>`);
      const outside: [string, number][] = [[`another account's ${p.kind}`, globex.paths.alpha[p.kind]]];
      if (!p.accountWide) outside.push([`the ${p.kind} of Beta, a client outside the key's group`, acme.paths.beta[p.kind]]);
      for (const [whose, id] of outside) expect(await call({ ...base, [p.name]: id }), `${label}: ${whose}`).toBe(missing);
      if (before) expect(await snapshot(database), `${label}: a refused write wrote`).toEqual(before);
    }
  });
});
