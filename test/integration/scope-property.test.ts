import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SERVICES } from '../../src/deapi/registry.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeCheck, makeClient, makeDevice, makeSite } from '../factories.js';
import { addAvDefinitions } from '../history-factories.js';
import { expectOk, idParamsOf, idsShown, MISSING_ID, NOWHERE, validParams, type IdKind } from '../support/scope-cases.js';

const FROM = '192.0.2.77';
const READ_SERVICES = SERVICES.filter((s) => !s.write);

type Entity = { kind: IdKind; id: number; token: string; clientIndex: number; parent?: Entity };

/**
 * Security property: whatever the accounts, groups and clients, and whatever read service is called with
 * whatever ids, a response never contains a name or id of data outside the caller's scope (another
 * account, or a client outside the caller's client group); an id outside the scope is answered byte for
 * byte like an id that does not exist; and a valid call with ids all in scope answers OK, so a service that
 * refused everything would fail too.
 */
describe.each(DIALECTS)('scope property on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let world = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await addAvDefinitions(database);
    t = await buildTestApp(database, { badKeyLimit: 1_000_000 });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  /** Builds one account with `shape[c] = [devicesPerSite…]` and a license group, and returns its entities, all named with unique tokens. */
  async function buildAccount(shape: number[][]) {
    const tag = `w${++world}`;
    const made = await makeAccount(database, `acct-${tag}`);
    const a = made.account.id;
    const groupToken = `zg${tag}q`;
    const group = await database.db.insertInto('license_groups').values({ account_id: a, name: groupToken }).returning('id').executeTakeFirstOrThrow();
    const entities: Entity[] = [{ kind: 'licenseGroup', id: group.id, token: groupToken, clientIndex: -1 }];
    for (const [c, sites] of shape.entries()) {
      const clientToken = `zc${tag}c${c}q`;
      const client = await makeClient(database, a, clientToken);
      const clientEntity: Entity = { kind: 'client', id: client.id, token: clientToken, clientIndex: c };
      entities.push(clientEntity);
      for (const [s, devices] of sites.entries()) {
        const siteToken = `zs${tag}c${c}s${s}q`;
        const site = await makeSite(database, a, client.id, siteToken);
        const siteEntity: Entity = { kind: 'site', id: site.id, token: siteToken, clientIndex: c, parent: clientEntity };
        entities.push(siteEntity);
        for (let d = 0; d < devices; d++) {
          const deviceToken = `zd${tag}c${c}s${s}d${d}q`;
          const at = { accountId: a, clientId: client.id, siteId: site.id };
          const device = await makeDevice(database, at, d % 2 ? 'workstation' : 'server', deviceToken);
          const deviceEntity: Entity = { kind: 'device', id: device.id, token: deviceToken, clientIndex: c, parent: siteEntity };
          entities.push(deviceEntity);
          const checkToken = `zk${tag}c${c}s${s}d${d}q`;
          const check = await makeCheck(database, { ...at, deviceId: device.id }, checkToken, { statusid: d % 2 });
          entities.push({ kind: 'check', id: check.id, token: checkToken, clientIndex: c, parent: deviceEntity });
        }
      }
    }
    return { made, entities };
  }

  const accountShape = fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 2 }), { minLength: 1, maxLength: 3 });
  const call = fc.record({
    service: fc.constantFrom(...READ_SERVICES),
    /** The entity whose ids (its own, its parents', its check's) the call mostly uses, often one the caller may see. */
    anchor: fc.record({ visibleOnly: fc.boolean(), index: fc.nat() }),
    /** Per id parameter: from the anchor's path (0–6), any row of its kind (7), missing (8), absent when optional (9). */
    modes: fc.array(fc.nat({ max: 9 }), { minLength: 5, maxLength: 5 }),
    others: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
    /** Now and then one other parameter gets a random text, which may well be invalid. */
    noise: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.nat(), weight: 1 }),
  });
  const tally = { inScope: 0, outside: 0 };

  it('no response ever contains data outside the caller\'s scope, and in-scope ids are answered', async () => {
    await fc.assert(
      fc.asyncProperty(
        accountShape,
        accountShape,
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.array(call, { minLength: 3, maxLength: 12 }),
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
          // License groups belong to the account: every key of it sees them, whatever its client group.
          const visible = (e: Entity) => mine.entities.includes(e) && (e.kind === 'licenseGroup' || inGroup[e.clientIndex] === true);
          const all = [...mine.entities, ...other.entities];
          const hidden = all.filter((e) => !visible(e));
          const answer = (params: Record<string, string | number>) => callApi(t.app, { apikey: key, ...params }).then((r) => r.body);

          for (const { service, anchor, modes, others, noise } of calls) {
            // The anchor's path: itself and its parents, its account's license group, a device's check.
            // Checks first, since their path holds every kind.
            const pool = anchor.visibleOnly && all.some(visible) ? all.filter(visible) : all;
            const checks = pool.filter((e) => e.kind === 'check');
            const start = (checks.length > 0 ? checks : pool)[anchor.index % (checks.length || pool.length)]!;
            const path = new Map<IdKind, Entity>();
            for (let e: Entity | undefined = start; e; e = e.parent) path.set(e.kind, e);
            const own = mine.entities.includes(start) ? mine.entities : other.entities;
            path.set('licenseGroup', own[0]!);
            if (start.kind === 'device') path.set('check', own.find((e) => e.kind === 'check' && e.parent === start)!);
            const ids = Object.fromEntries([...path].map(([kind, e]) => [kind, e.id]));

            const params = validParams(service, { ...NOWHERE, ...ids });
            const chosen = new Map<string, Entity | undefined>();
            let clean = [...path.values()].every(visible);
            const idParams = idParamsOf(service);
            for (const [i, p] of idParams.entries()) {
              const mode = modes[i % modes.length]!;
              const sameKind = all.filter((e) => e.kind === p.kind);
              if (mode === 9 && !p.required) {
                delete params[p.name];
                continue;
              }
              const entity = mode <= 6 || mode === 9 ? path.get(p.kind) : mode === 7 ? sameKind[others[i % others.length]! % Math.max(1, sameKind.length)] : undefined;
              if (mode === 7 || mode === 8) clean = false;
              if (!entity) clean = false;
              chosen.set(p.name, entity);
              params[p.name] = entity?.id ?? MISSING_ID;
            }
            const plain = Object.keys(service.params).filter((name) => !chosen.has(name));
            // An alias is not read when the name it stands for is sent too.
            for (const p of idParams) if (p.aliasOf && p.aliasOf in params) chosen.delete(p.name);
            if (noise !== null && plain.length > 0) {
              params[plain[noise % plain.length]!] = String(others[noise % others.length]);
              clean = false;
            }

            const label = `${service.name} ${JSON.stringify(params)}`;
            const body = await answer(params);
            for (const e of hidden) expect(body, `${label} leaked ${e.token}`).not.toContain(e.token);
            // Ids in id elements never name a hidden row.
            for (const { where, id, kinds } of idsShown(body)) {
              const entity = all.find((e) => e.id === id && kinds.includes(e.kind));
              if (entity) expect(visible(entity), `${label} leaked ${where} ${id}`).toBe(true);
            }
            if (clean) {
              expectOk(body, `${label} is in scope`);
              tally.inScope++;
            }
            // The same call with every id outside the scope replaced by one that does not exist: the same bytes,
            // and (when nothing else in the call is wrong) the error for an invalid value.
            const outside = [...chosen].filter(([, e]) => e && !visible(e));
            if (outside.length > 0) {
              const masked = { ...params, ...Object.fromEntries(outside.map(([name]) => [name, MISSING_ID])) };
              expect(body, `${label} tells an id outside the scope from a missing one`).toBe(await answer(masked));
              tally.outside++;
            }
            if (noise === null && (outside.length > 0 || [...chosen.values()].includes(undefined))) {
              expect(body, `${label} names a row that does not exist`).toContain('<errorcode>4</errorcode>');
            }
          }
        },
      ),
      { numRuns: 12 },
    );
    // The property was not vacuous: it saw valid in-scope calls answered and out-of-scope ids compared.
    expect(tally.inScope).toBeGreaterThan(3);
    expect(tally.outside).toBeGreaterThan(3);
  }, 120_000);
});
