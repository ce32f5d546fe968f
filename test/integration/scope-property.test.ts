import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SERVICES } from '../../src/deapi/registry.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeCheck, makeClient, makeDevice, makeSite } from '../factories.js';

const FROM = '192.0.2.77';
const READ_SERVICES = SERVICES.filter((s) => !s.write);
/** Elements whose text is the id of a client, site, device or check. */
const ID_ELEMENTS: [string, Entity['kind']][] = [
  ['clientid', 'client'], ['siteid', 'site'], ['deviceid', 'device'], ['serverid', 'device'], ['workstationid', 'device'], ['checkid', 'check'],
];

type Entity = { kind: 'client' | 'site' | 'device' | 'check'; id: number; token: string; clientIndex: number };

/**
 * Security property: whatever the accounts, groups and clients, and whatever read service is called with
 * whatever ids, a response never contains a name or id of data outside the caller's scope (another
 * account, or a client outside the caller's client group).
 */
describe.each(DIALECTS)('scope property on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let world = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    t = await buildTestApp(database, { badKeyLimit: 1_000_000 });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  /** Builds one account with `shape[c] = [devicesPerSite…]` and returns its entities, all named with unique tokens. */
  async function buildAccount(shape: number[][]) {
    const tag = `w${++world}`;
    const made = await makeAccount(database, `acct-${tag}`);
    const a = made.account.id;
    const entities: Entity[] = [];
    for (const [c, sites] of shape.entries()) {
      const clientToken = `zc${tag}c${c}q`;
      const client = await makeClient(database, a, clientToken);
      entities.push({ kind: 'client', id: client.id, token: clientToken, clientIndex: c });
      for (const [s, devices] of sites.entries()) {
        const siteToken = `zs${tag}c${c}s${s}q`;
        const site = await makeSite(database, a, client.id, siteToken);
        entities.push({ kind: 'site', id: site.id, token: siteToken, clientIndex: c });
        for (let d = 0; d < devices; d++) {
          const deviceToken = `zd${tag}c${c}s${s}d${d}q`;
          const at = { accountId: a, clientId: client.id, siteId: site.id };
          const device = await makeDevice(database, at, d % 2 ? 'workstation' : 'server', deviceToken);
          entities.push({ kind: 'device', id: device.id, token: deviceToken, clientIndex: c });
          const checkToken = `zk${tag}c${c}s${s}d${d}q`;
          const check = await makeCheck(database, { ...at, deviceId: device.id }, checkToken, { statusid: d % 2 });
          entities.push({ kind: 'check', id: check.id, token: checkToken, clientIndex: c });
        }
      }
    }
    return { made, entities };
  }

  const accountShape = fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 2 }), { minLength: 1, maxLength: 3 });
  const call = fc.record({
    service: fc.constantFrom(...READ_SERVICES),
    pick: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    values: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
  });

  it('no response ever contains data outside the caller\'s scope', async () => {
    await fc.assert(
      fc.asyncProperty(
        accountShape,
        accountShape,
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.array(call, { minLength: 1, maxLength: 12 }),
        async (mineShape, otherShape, inGroup, usePersonalKey, calls) => {
          const mine = await buildAccount(mineShape);
          const other = await buildAccount(otherShape);
          const s = mine.made.services;
          const system = s.access.systemActor(mine.made.account.id);
          const groupClients = mine.entities.filter((e) => e.kind === 'client' && inGroup[e.clientIndex]).map((e) => e.id);
          await s.clientGroups.create(system, FROM, { name: 'Scope', clientIds: groupClients });
          let key = mine.made.apiKey;
          if (usePersonalKey) {
            await s.users.add(system, FROM, { email: `u-${mine.made.account.id}@scope.test`, role: 'superuser', group: 'Scope' });
            const owner = (await s.repos.users.findByEmail(`u-${mine.made.account.id}@scope.test`))!;
            key = (await s.personalKeys.create(system, FROM, owner, { name: 'p' })).key;
          } else {
            await s.users.setGroup(system, FROM, 'agent-key', 'Scope');
          }
          const visible = (e: Entity) => mine.entities.includes(e) && inGroup[e.clientIndex] === true;
          const all = [...mine.entities, ...other.entities];
          const hidden = all.filter((e) => !visible(e));
          const visibleIds = new Set(all.filter(visible).map((e) => e.id));

          for (const { service, pick, values } of calls) {
            const params: Record<string, string | number> = { apikey: key, service: service.name };
            Object.entries(service.params).forEach(([name, spec], i) => {
              const choice = pick[i % pick.length]!;
              if (spec.values && spec.values.includes('|')) {
                const options = spec.values.split('|');
                params[name] = options[choice % options.length]!;
              } else if (spec.type === 'integer' && all.length > 0) {
                // Mostly real ids of either account (hidden ones are the interesting case), sometimes noise.
                params[name] = choice % 5 === 0 ? values[i % values.length]! : all[values[i % values.length]! % all.length]!.id;
              } else if (choice % 3 !== 0) {
                params[name] = String(values[i % values.length]);
              }
            });
            const body = (await callApi(t.app, params)).body;
            for (const e of hidden) expect(body, `${service.name} ${JSON.stringify(params)} leaked ${e.token}`).not.toContain(e.token);
            // Ids in id elements never name a hidden client, site, device or check.
            for (const [element, kind] of ID_ELEMENTS) {
              for (const match of body.matchAll(new RegExp(`<${element}>(\\d+)</${element}>`, 'g'))) {
                const entity = all.find((e) => e.id === Number(match[1]) && e.kind === kind);
                if (entity) expect(visible(entity), `${service.name} ${JSON.stringify(params)} leaked ${kind} ${entity.id}`).toBe(true);
              }
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
