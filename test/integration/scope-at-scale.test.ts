import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckStatus } from '../../src/checks/check-status.js';
import { MavEngine } from '../../src/mav/mav-codes.js';
import { SERVICES } from '../../src/deapi/registry.js';
import type { ServiceSpec } from '../../src/deapi/service-spec.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { MISSING_ID, NEEDS, rowParamsOf, rowsShown, validParams, type IdKind } from '../support/scope-cases.js';
import {
  buildScopeWorld, GROUPS, KEY_KINDS, ROLE_PERMISSIONS, TOKEN_TABLES, USER_ROLES,
  type AccountWorld, type DevicePath, type GroupName, type KeyKind, type Owner, type Role, type ScopeWorld,
} from '../support/scope-world.js';

/**
 * Scope at scale (issue 12): random (account, group, role, key kind, service, ids) cases over every service
 * of the registry, reads and writes, against one world per database (scope-world.ts). Each case checks
 * that the answer names no row of a client outside the caller's scope or of another account (every id
 * element and every name, description, note and GUID, by the token it carries); that a call with every
 * id in scope answers OK (or a domain refusal the data justify, never an access error); that an id
 * outside the scope answers exactly like one that does not exist; and that a refused call changes no
 * row while an accepted write changes only rows of the caller's scope.
 *
 * SCOPE_CASES (default 10,000) sets the number of cases, SCOPE_SEED replays a run (the world is built
 * the same way every time, so a seed replays the same calls), SCOPE_KEEP_GOING=1 lists every failure
 * instead of stopping at the first.
 */
const CASES = Number(process.env.SCOPE_CASES ?? 10_000);
const SEED = process.env.SCOPE_SEED === undefined ? undefined : Number(process.env.SCOPE_SEED);
const KEEP_GOING = process.env.SCOPE_KEEP_GOING === '1';
const WORLD = { accounts: 2, clients: 5, devices: 40 };
const FROM = '192.0.2.80';

/** Where a case takes the value of one row-naming parameter from. */
type Mode = 'in' | 'otherClient' | 'otherAccount' | 'missing' | 'absent';
const MISSING_GUID = 'NOSUCHGUID';

const caseArbitrary = fc.record({
  account: fc.nat({ max: WORLD.accounts - 1 }),
  keyKind: fc.constantFrom(...KEY_KINDS),
  role: fc.constantFrom(...USER_ROLES),
  group: fc.constantFrom(...GROUPS),
  service: fc.constantFrom(...SERVICES),
  transport: fc.constantFrom('query', 'form', 'header', 'bearer'),
  /**
   * Where the ids come from: all from the caller's scope; all but one (the others naming a path the caller
   * sees, so a row of another client under a parent in scope is tried); or a source drawn per parameter.
   */
  ids: fc.oneof({ arbitrary: fc.constant('in' as const), weight: 9 }, { arbitrary: fc.constant('oneOut' as const), weight: 7 }, { arbitrary: fc.constant('mixed' as const), weight: 4 }),
  out: fc.constantFrom<Mode>('otherClient', 'otherClient', 'otherAccount', 'missing'),
  modes: fc.array(
    fc.oneof({ arbitrary: fc.constant<Mode>('in'), weight: 3 }, fc.constant<Mode>('otherClient'), fc.constant<Mode>('otherAccount'), fc.constant<Mode>('missing'), fc.constant<Mode>('absent')),
    { minLength: 4, maxLength: 4 },
  ),
  picks: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  /** Per parameter with listed values (devicetype, v, items, interval, check_type…): left out, or one of them. */
  options: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
});
type Case = typeof caseArbitrary extends fc.Arbitrary<infer T> ? T : never;

type Expected = { kind: 'ok' } | { kind: 'denied'; message: string } | { kind: 'invalid'; params: string[] };

type Db = TestDatabase['db'];
const ids = (rows: Promise<{ v: number | string }[]>) => rows.then((r) => r.map((x) => x.v));

/**
 * List services whose in-scope answer must name every row below the parent asked for, no fewer: the
 * answer's element naming each row, and the rows, read from the database (list_clients: the clients the
 * caller sees). A scope filter applied to the wrong column would drop rows the caller may see.
 */
const COMPLETE_LISTS: Record<string, { where: (params: Record<string, string | number>) => string; rows: (database: TestDatabase, params: Record<string, string | number>, visibleClients: number[]) => Promise<(number | string)[]> }> = {
  list_clients: {
    where: () => 'client/clientid',
    // devicetype keeps the clients with devices of that type.
    rows: async ({ db }, p, visible) => (p.devicetype ? ids(db.selectFrom('devices').select('client_id as v').distinct().where('device_type', '=', String(p.devicetype) as 'server').execute()).then((has) => visible.filter((id) => has.includes(id))) : visible),
  },
  list_sites: { where: () => 'site/siteid', rows: ({ db }, p) => ids(db.selectFrom('sites').select('id as v').where('client_id', '=', Number(p.clientid)).execute()) },
  list_devices_at_client: {
    where: (p) => `${p.devicetype}/id`,
    rows: ({ db }, p) => ids(db.selectFrom('devices').select('id as v').where('client_id', '=', Number(p.clientid)).where('device_type', '=', String(p.devicetype) as 'server').execute()),
  },
  list_servers: { where: () => 'server/serverid', rows: ({ db }, p) => devicesAtSite(db, Number(p.siteid), 'server') },
  list_workstations: { where: () => 'workstation/workstationid', rows: ({ db }, p) => devicesAtSite(db, Number(p.siteid), 'workstation') },
  list_checks: { where: () => 'check/checkid', rows: ({ db }, p) => ids(db.selectFrom('checks').select('id as v').where('device_id', '=', Number(p.deviceid)).execute()) },
  patch_list_all: { where: () => 'patch/patchid', rows: ({ db }, p) => ids(db.selectFrom('device_patches').select('id as v').where('device_id', '=', Number(p.deviceid)).execute()) },
  list_active_directory_users: { where: () => 'user@objectGUID', rows: ({ db }, p) => ids(db.selectFrom('ad_users').select('object_guid as v').where('site_id', '=', Number(p.siteid)).execute()) },
};

function devicesAtSite(db: Db, siteId: number, type: 'server' | 'workstation') {
  return ids(db.selectFrom('devices').select('id as v').where('site_id', '=', siteId).where('device_type', '=', type).execute());
}

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

describe.each(DIALECTS)('scope at scale on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let world: ScopeWorld;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    world = await buildScopeWorld(database, dialect, WORLD);
    t = await buildTestApp(database, { badKeyLimit: 1_000_000, sweepSeconds: 0 });
  }, 300_000);
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('has data of every kind a service reads in every account, and a caller of every kind', async () => {
    for (const table of ['devices', 'checks', 'outages', 'check_notes', 'check_day_results', 'device_software', 'device_hardware', 'device_patches', 'mav_scans',
      'mav_threats', 'mav_quarantine', 'ad_users', 'mob_sessions', 'client_license_counts', 'performance_monitors', 'storage_monitors', 'installation_templates'] as const) {
      for (const account of world.accounts) {
        const { n } = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow();
        expect(Number(n), `${table} of ${account.name}`).toBeGreaterThan(0);
      }
    }
    for (const account of world.accounts) expect(account.keys.size).toBe(1 + USER_ROLES.length * GROUPS.length * 3);
  });

  it(`${CASES} random cases: no row out of scope, no in-scope call failing`, async () => {
    const tally = { reads: 0, writes: 0, inScope: 0, outOfScope: 0, denied: 0, justified: 0, valuesChecked: 0, listsCompared: 0, services: new Set<string>(), keyKinds: new Set<KeyKind>() };
    const failures: string[] = [];
    let leaks = 0;
    let inScopeFailures = 0;
    let probes = 0;
    const started = Date.now();
    const cpu = process.cpuUsage();

    /** Sends a call the way the case says: apikey in the query or the form body, X-API-Key, or Bearer. */
    async function send(transport: Case['transport'], key: string, params: Record<string, string | number>) {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      const base = { remoteAddress: FROM };
      const response =
        transport === 'form'
          ? await t.app.inject({ ...base, method: 'POST', url: '/api/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `${query}&apikey=${encodeURIComponent(key)}` })
          : transport === 'query'
            ? await t.app.inject({ ...base, method: 'GET', url: `/api/?${query}&apikey=${encodeURIComponent(key)}` })
            : await t.app.inject({ ...base, method: 'GET', url: `/api/?${query}`, headers: transport === 'header' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` } });
      return response;
    }

    async function runCase(c: Case): Promise<string[]> {
      const problems: string[] = [];
      const spec = c.service;
      const account = world.accounts[c.account]!;
      const other = world.accounts[(c.account + 1) % world.accounts.length]!;
      const agentKeyActs = c.keyKind === 'account' || c.keyKind === 'agent-key-personal';
      const role: Role = agentKeyActs ? 'agent-key' : c.role;
      const holder =
        c.keyKind === 'account' ? { key: account.apiKey, canWrite: true }
        : c.keyKind === 'agent-key-personal' ? account.keys.get('agent-key-personal')!
        : account.keys.get(`${c.keyKind}|${c.role}|${c.group}`)!;
      if (agentKeyActs && account.agentKeyGroup !== c.group) {
        await database.db.updateTable('users').set({ client_group_id: account.groups.get(c.group)!.id }).where('id', '=', account.agentKeyUserId).execute();
        account.agentKeyGroup = c.group;
        await world.tracker.take();
      }
      const members = account.groups.get(c.group)!.clients;
      const seesClient = (clientId: number) => members === null || members.has(clientId);
      const sees = (owner: Owner) => owner.accountId === account.id && (owner.clientId === null || seesClient(owner.clientId));
      const label = `${spec.name} as ${c.keyKind} (${role}, ${c.group}) of ${account.name} via ${c.transport}`;

      // The ids: an anchor in the caller's scope holding every kind the service names, then a source per parameter.
      const rowParams = rowParamsOf(spec);
      const kinds = new Set(rowParams.map((p) => p.kind));
      const deviceLevel = ['device', 'check', 'patch', 'quarantine'].some((k) => kinds.has(k as IdKind));
      const holds = (d: DevicePath) => (!kinds.has('check') || d.checks.length > 0) && (!kinds.has('patch') || d.patches.length > 0) && (!kinds.has('quarantine') || d.guids.length > 0);
      // Every other case anchors on a device with a row in every table, so that answers are seldom empty.
      const candidates = account.devices.filter((d) => seesClient(d.clientId) && holds(d));
      const complete = candidates.filter((d) => d.complete);
      const anchorDevice = pick(c.picks[0]! % 2 === 0 && complete.length > 0 ? complete : candidates, c.picks[0]! >> 1);
      const anchorSite = deviceLevel ? undefined : pick(account.sites.filter((s) => seesClient(s.clientId)), c.picks[0]!);
      const anchorClient = pick(account.clients.filter(seesClient), c.picks[0]!);
      const checkOf = (d: DevicePath, n: number) => (spec.name === 'clear_check' && d.failing.length > 0 && n % 4 !== 0 ? pick(d.failing, n) : pick(d.checks, n));
      /** A value of `kind` below a device, a site or a client, or of the account. */
      const valueIn = (kind: IdKind | 'quarantine', world: AccountWorld, device: DevicePath | undefined, site: { id: number; clientId: number } | undefined, client: number | undefined, n: number): string | number | undefined => {
        switch (kind) {
          case 'client': return device?.clientId ?? site?.clientId ?? client;
          case 'site': return device?.siteId ?? site?.id;
          case 'device': return device?.id;
          case 'check': return device && checkOf(device, n);
          case 'patch': return device && pick(device.patches, n);
          case 'quarantine': return device && pick(device.guids, n);
          default: return pick(world.accountWide[kind], n);
        }
      };
      const hiddenDevices = account.devices.filter((d) => !seesClient(d.clientId) && holds(d));
      const hiddenSites = account.sites.filter((s) => !seesClient(s.clientId));
      const hiddenClients = account.clients.filter((id) => !seesClient(id));
      const anywhere = (w: AccountWorld, n: number) => ({ device: pick(w.devices.filter(holds), n), site: pick(w.sites, n), client: pick(w.clients, n) });

      /** Each row-naming parameter's value, the same with what lies outside the scope replaced by what does not exist, and where it came from. */
      const values = new Map<string, { value: string; masked: string; mode: Mode }>();
      for (const [i, p] of rowParams.entries()) {
        let mode: Mode = c.ids === 'in' ? 'in' : c.ids === 'oneOut' ? (i === c.picks[5]! % rowParams.length ? c.out : 'in') : c.modes[i % c.modes.length]!;
        if (mode === 'absent' && p.required) mode = 'in';
        if (mode === 'absent') continue;
        const n = c.picks[1 + (i % 5)]!;
        let value: string | number | undefined;
        if (mode === 'in') value = valueIn(p.kind, account, anchorDevice, anchorSite, anchorClient, n);
        if (value === undefined && mode === 'in') mode = 'otherClient';
        if (mode === 'otherClient') {
          value = p.accountWide ? undefined : valueIn(p.kind, account, pick(hiddenDevices, n), pick(hiddenSites, n), pick(hiddenClients, n), n);
          if (value === undefined) mode = 'otherAccount';
        }
        if (mode === 'otherAccount') {
          const there = anywhere(other, n);
          value = valueIn(p.kind, other, there.device, there.site, there.client, n);
          if (value === undefined) mode = 'missing';
        }
        const missing = p.kind === 'quarantine' ? MISSING_GUID : MISSING_ID;
        if (mode === 'missing') value = missing;
        // A list (patchids, guids) naming a row of the device and, every other time, one of elsewhere: refused whole.
        const own: readonly (string | number)[] | undefined = p.kind === 'patch' ? anchorDevice?.patches : p.kind === 'quarantine' ? anchorDevice?.guids : undefined;
        const first = mode !== 'in' && own && own.length > 0 && n % 2 === 0 ? `${pick(own, n >> 1)},` : '';
        values.set(p.name, { value: `${first}${value}`, masked: `${first}${mode === 'in' ? value : missing}`, mode });
      }
      // A parameter with another name (groupid for license_group_id) is read only when the main one is absent:
      // one of the two is needed, and the alias's value does not matter when both are sent.
      for (const p of rowParams) {
        if (!p.aliasOf) continue;
        if (!values.has(p.name) && !values.has(p.aliasOf)) {
          const value = String(valueIn('licenseGroup', account, undefined, undefined, undefined, c.picks[5]!));
          values.set(p.aliasOf, { value, masked: value, mode: 'in' });
        }
        else if (values.has(p.aliasOf)) values.delete(p.name);
      }

      const params: Record<string, string | number> = validParams(spec, Object.fromEntries(rowParams.map((p) => [p.kind, MISSING_ID])));
      for (const p of rowParams) delete params[p.name];
      for (const [name, { value }] of values) params[name] = value;
      const probe = ++probes;
      if ('name' in params) params.name = `zp${probe}q`;
      if ('sitename' in params) params.sitename = `zp${probe}q`;
      if ('private_note' in params) params.private_note = `Scope note on ${params.checkid}`;
      if ('version' in params) params.version = world.avVersion;
      const listed = Object.entries(spec.params).filter(([name, p]) => p.values?.includes('|') && !rowParams.some((r) => r.name === name));
      for (const [i, [name, p]] of listed.entries()) {
        const option = c.options[i % c.options.length]!;
        const choices = p.values!.split('|');
        if (option % 2 === 1) params[name] = choices[(option >> 1) % choices.length]!;
        else if (!p.required && !(name in (NEEDS[spec.name] ?? {}))) delete params[name];
      }
      // Combinations a service documents as invalid whatever the scope.
      if (params.type === 'group_policy') params.os = 'windows';
      if (params.clear_type === 'untildatetime') params.clear_until = '2027-01-15 12:00:00';

      const permission = spec.permission ?? 'Devices';
      const bad = [...values].filter(([, v]) => v.mode !== 'in').map(([name]) => name);
      const expected: Expected =
        !ROLE_PERMISSIONS[role].has(permission) ? { kind: 'denied', message: `Permission denied: ${spec.name}` }
        : spec.write && !holder.canWrite ? { kind: 'denied', message: 'Permission denied: this key is read-only' }
        : bad.length > 0 ? { kind: 'invalid', params: bad }
        : { kind: 'ok' };

      const restore = spec.name === 'clear_check' && expected.kind === 'ok' ? await checkRow(Number(params.checkid)) : undefined;
      const response = await send(c.transport, holder.key, params);
      const body = response.body;
      const changes = await world.tracker.take();

      // 1. A refused call changed nothing; an accepted one changed only rows the caller may see (rows it created join the index).
      const accepted = expected.kind === 'ok';
      for (const change of changes) {
        if (!accepted) {
          problems.push(`${label}: refused, yet ${change.op} ${change.tbl} ${change.row_id}`);
          continue;
        }
        const owner = world.index.ownerOf(change);
        if (change.op === 'insert' && change.tbl === 'clients') await registerClient(account, c.group, change.row_id!, probe, problems, label);
        else if (change.op === 'insert' && change.tbl === 'sites') {
          world.index.set('sites', change.row_id!, owner);
          world.index.probes.set(probe, owner);
          account.sites.push({ id: change.row_id!, clientId: owner.clientId! });
        } else if (change.op === 'insert' && change.tbl === 'check_notes') world.index.set('check_notes', change.row_id!, owner);
        if (!sees(world.index.ownerOf(change))) {
          leaks++;
          problems.push(`${label}: wrote ${change.tbl} ${change.row_id} of ${JSON.stringify(owner)} (${JSON.stringify(params)})`);
        }
      }
      // 2. Nothing of another client or account, by id element, by token, and parsed strictly.
      const binary = response.headers['content-type']?.toString().startsWith('application/') === true && !body.startsWith('<?xml');
      let shown: ReturnType<typeof rowsShown> = [];
      if (!binary) {
        try {
          shown = rowsShown(body);
        } catch (error) {
          problems.push(`${label}: malformed answer (${String(error)}): ${body.slice(0, 300)}`);
        }
        for (const row of shown) {
          tally.valuesChecked++;
          if ('unplaced' in row) {
            problems.push(`${label}: ${row.where} is not in ANSWER_ROWS (test/support/scope-cases.ts)`);
            continue;
          }
          const owners = row.kinds.map((kind) => world.index.get(kind, row.value)).filter((o): o is Owner => o !== undefined);
          if (owners.length === 0) problems.push(`${label}: ${row.where} ${row.value} names no known row`);
          else if (!owners.some(sees)) {
            leaks++;
            problems.push(`${label}: LEAK ${row.where} ${row.value} of ${JSON.stringify(owners[0])}`);
          }
        }
        for (const m of body.matchAll(/z([a-z])(\d+)q/g)) {
          tally.valuesChecked++;
          const owner = m[1] === 'p' ? world.index.probes.get(Number(m[2])) : world.index.get(TOKEN_TABLES[m[1]!] ?? '?', m[2]!);
          if (!owner) {
            // A probe name is in the answer of the call that created it, before the index knows the row.
            if (!(m[1] === 'p' && Number(m[2]) === probe)) problems.push(`${label}: token ${m[0]} names no known row`);
          } else if (!sees(owner)) {
            leaks++;
            problems.push(`${label}: LEAK ${m[0]} of ${JSON.stringify(owner)}`);
          }
        }
      }

      // 3. The answer the case expects.
      const error = /<errorcode>(\d+)<\/errorcode><message>([^<]*)<\/message>/.exec(body);
      if (expected.kind === 'ok') {
        tally.inScope++;
        const refusal = binary ? undefined : await refusalJustified(spec, params, body, error, restore);
        if (refusal === false || (refusal === undefined && (error || / status="FAIL"/.test(body)))) {
          inScopeFailures++;
          problems.push(`${label}: in scope but answered ${body.slice(0, 400)} (${JSON.stringify(params)})`);
        } else if (refusal) tally.justified++;
        else if (spec.name in COMPLETE_LISTS) {
          // Not too little either: a list names every row of its parent (or, for list_clients, every client the caller sees).
          const list = COMPLETE_LISTS[spec.name]!;
          const listed = shown.filter((r) => r.where === list.where(params)).map((r) => r.value).sort();
          const all = (await list.rows(database, params, account.clients.filter(seesClient))).map(String).sort();
          if (JSON.stringify(listed) !== JSON.stringify(all)) {
            inScopeFailures++;
            problems.push(`${label}: lists ${list.where(params)} [${listed}], expected [${all}] (${JSON.stringify(params)})`);
          }
          tally.listsCompared++;
        }
      } else if (expected.kind === 'denied') {
        tally.denied++;
        if (error?.[1] !== '6' || error[2] !== expected.message) problems.push(`${label}: expected "${expected.message}", answered ${body.slice(0, 300)}`);
      } else {
        tally.outOfScope++;
        if (error?.[1] !== '4' || !expected.params.some((name) => error[2] === `Invalid value for parameter: ${name}`)) {
          problems.push(`${label}: expected error 4 on ${expected.params.join(' or ')}, answered ${body.slice(0, 400)} (${JSON.stringify(params)})`);
        }
        // An id outside the scope is answered byte for byte like an id that does not exist.
        const hidden = [...values].filter(([, v]) => v.mode === 'otherClient' || v.mode === 'otherAccount');
        if (hidden.length > 0) {
          const masked = { ...params, ...Object.fromEntries(hidden.map(([name, v]) => [name, v.masked])) };
          const answer = await send(c.transport, holder.key, masked);
          if (answer.body !== body) problems.push(`${label}: an id outside the scope answers ${body.slice(0, 300)}, a missing one ${answer.body.slice(0, 300)}`);
          for (const change of await world.tracker.take()) problems.push(`${label}: a missing id, yet ${change.op} ${change.tbl} ${change.row_id}`);
        }
      }

      if (restore) await restoreCheck(restore);
      await emptyTheEmptyGroup(account);

      tally[spec.write ? 'writes' : 'reads']++;
      tally.services.add(spec.name);
      tally.keyKinds.add(c.keyKind);
      return problems;
    }

    /** A client an accepted add_client created: in All Clients, and in the creator's group when that is not All Clients. */
    async function registerClient(account: AccountWorld, group: GroupName, clientId: number, probe: number, problems: string[], label: string) {
      const owner = { accountId: account.id, clientId };
      world.index.set('clients', clientId, owner);
      world.index.probes.set(probe, owner);
      account.clients.push(clientId);
      const inGroups = (await database.db.selectFrom('client_group_members').select('client_group_id').where('client_id', '=', clientId).execute()).map((r) => r.client_group_id);
      const expectedGroups = group === 'All Clients' ? [] : [account.groups.get(group)!.id];
      if (JSON.stringify(inGroups) !== JSON.stringify(expectedGroups)) problems.push(`${label}: the new client is in groups ${inGroups}, expected ${expectedGroups}`);
      if (group !== 'All Clients') account.groups.get(group)!.clients!.add(clientId);
    }

    /** Takes the clients a case added to the empty group out again, so that it stays empty for the cases to come. */
    async function emptyTheEmptyGroup(account: AccountWorld) {
      const empty = account.groups.get('Empty')!;
      if (empty.clients!.size === 0) return;
      await database.db.deleteFrom('client_group_members').where('client_group_id', '=', empty.id).execute();
      await world.tracker.take();
      empty.clients!.clear();
    }

    async function checkRow(checkId: number) {
      return database.db.selectFrom('checks').selectAll().where('id', '=', checkId).executeTakeFirstOrThrow();
    }

    /** Puts a check a clear_check cleared back as it was, so later cases can clear it again. */
    async function restoreCheck(row: Awaited<ReturnType<typeof checkRow>>) {
      await database.db.updateTable('checks').set(row).where('id', '=', row.id).execute();
      await world.tracker.take();
    }

    /**
     * Whether an in-scope write's refusal is one its data make: a MAV state refusal (status FAIL with a
     * `<msg>`) matching the device's scans and pending commands, or clear_check on a check that is not
     * failing. undefined when the answer is no refusal at all.
     */
    async function refusalJustified(spec: ServiceSpec, params: Record<string, string | number>, body: string, error: RegExpExecArray | null, before?: { statusid: number }) {
      const msg = /<result [^>]*status="FAIL"><msg>([^<]*)<\/msg>/.exec(body)?.[1];
      if (spec.name === 'clear_check' && error) return error[1] === '4' && error[2] === 'Check is not failing: only a failing check can be cleared' && before?.statusid !== CheckStatus.fail;
      if (msg === undefined) return undefined;
      const deviceId = Number(params.deviceid);
      const scans = await database.db.selectFrom('mav_scans').select(['state', 'engine']).where('device_id', '=', deviceId).orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
      const inState = (...states: string[]) => scans.some((s) => states.includes(s.state));
      switch (spec.name) {
        case 'mav_scan_start': return msg === 'An error has occurred' && inState('running', 'paused');
        case 'mav_scan_pause': return msg === 'Unsupported action type' && !inState('running');
        case 'mav_scan_resume': return msg === 'Unsupported action type' && !inState('paused');
        case 'mav_scan_cancel': return msg === 'An error has occurred' && !inState('running', 'paused');
        case 'mav_definitions_update': {
          if (msg === 'Unsupported action type') return scans[0]?.engine === MavEngine.vipre;
          const pending = await sql<{ n: number }>`select count(*) as n from agent_commands where device_id = ${deviceId} and kind = 'mav_definitions_update' and status in ('queued', 'delivered')`.execute(database.db);
          return msg === 'There is already a MAV definition update pending' && Number(pending.rows[0]!.n) > 0;
        }
        default: return false;
      }
    }

    await fc.assert(
      fc.asyncProperty(caseArbitrary, async (c) => {
        const problems = await runCase(c);
        failures.push(...problems);
        if (problems.length > 0 && !KEEP_GOING) throw new Error(problems.join('\n'));
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: true },
    );
    const seconds = (Date.now() - started) / 1000;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    console.log(
      `scope (${dialect}): ${CASES} cases (reads ${tally.reads}, writes ${tally.writes}; ${tally.services.size} services, ${tally.keyKinds.size} key kinds), ` +
        `${leaks} rows out of scope, ${inScopeFailures} in-scope failures, in ${seconds.toFixed(0)} s ` +
        `(${(cpuMs / CASES).toFixed(2)} CPU ms per case in the test process)\n` +
        `  in scope ${tally.inScope} (of which ${tally.justified} refusals the data justify), out of scope ${tally.outOfScope}, refused by role or read-only key ${tally.denied}; ` +
        `${tally.valuesChecked} identifying values checked, ${tally.listsCompared} lists compared whole with the database`,
    );
    if (failures.length > 0) console.log(failures.slice(0, 200).join('\n'));
    expect(failures).toEqual([]);
    // Not vacuous: every service and key kind was drawn, and each outcome was seen many times.
    if (CASES >= 2000) expect(tally.services.size).toBe(SERVICES.length);
    expect(tally.keyKinds.size).toBe(KEY_KINDS.length);
    for (const n of [tally.inScope, tally.outOfScope, tally.denied]) expect(n).toBeGreaterThan(CASES / 10);
  }, 600_000);
});
