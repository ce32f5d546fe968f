import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckStatus } from '../../src/checks/check-status.js';
import type { DialectName } from '../../src/db/dialect.js';
import { SERVICES } from '../../src/deapi/registry.js';
import type { ServiceSpec } from '../../src/deapi/service-spec.js';
import { MavEngine } from '../../src/mav/mav-codes.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { MISSING_ID, NEEDS, rowParamsOf, rowsShown, validParams, type IdKind, type RowShown } from '../support/scope-cases.js';
import {
  buildScopeWorld, GROUPS, KEY_KINDS, ROLE_PERMISSIONS, TOKEN_TABLES, USER_ROLES,
  type AccountWorld, type Change, type DevicePath, type GroupName, type KeyKind, type Owner, type Role, type ScopeWorld,
} from '../support/scope-world.js';

/**
 * Scope at scale (issue 12, docs/security.md "Scope at scale"): random (account, group, role, key kind,
 * service, ids) cases over every service of the registry, reads and writes, against one world per database
 * (test/support/scope-world.ts). Every case checks that
 * - the answer names no row of a client outside the caller's scope or of another account: every id element
 *   (ANSWER_ROWS) and every name, description, note and GUID (by the token it carries) is looked up in the
 *   index of the world;
 * - a call with every id in scope answers OK, or a domain refusal the data justify, never an access error;
 *   a list names every row it should (COMPLETE_LISTS);
 * - an id outside the scope answers error 4 exactly like an id that does not exist, byte for byte;
 * - a refused call changes no row, and an accepted write changes only rows of the caller's scope.
 *
 * SCOPE_CASES (default 10,000) sets the number of cases; SCOPE_SEED replays a run (the world is built the
 * same way every time, so a seed replays the same calls); SCOPE_KEEP_GOING=1 lists every failure instead
 * of stopping at the first.
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
  /** The user's role and group for a personal key; the group only for the Agent Key, whose role is fixed. */
  role: fc.constantFrom(...USER_ROLES),
  group: fc.constantFrom(...GROUPS),
  service: fc.constantFrom(...SERVICES),
  /** The key in the query, in a form body, in the query of a form post, in X-API-Key, or as a Bearer token. */
  transport: fc.constantFrom('query', 'form', 'form-query-key', 'header', 'bearer'),
  /**
   * Where the ids come from: all from the caller's scope; all but one (so that a row of another client
   * under a parent in scope is tried); or a source drawn per parameter.
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
type Params = Record<string, string | number>;

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
const values = (rows: Promise<{ v: number | string }[]>) => rows.then((r) => r.map((x) => x.v));

/**
 * List services whose in-scope answer must name every row below the parent asked for, no fewer: the
 * element naming each row, and the rows read from the database (list_clients: the clients the caller
 * sees). A scope filter applied to the wrong column would drop rows the caller may see.
 */
type Sight = { accountId: number; clients: number[] };
const COMPLETE_LISTS: Record<string, { where: (params: Params) => string; rows: (db: TestDatabase['db'], params: Params, sight: Sight) => Promise<(number | string)[]> }> = {
  list_clients: {
    where: () => 'client/clientid',
    // devicetype keeps the clients with devices of that type.
    rows: async (db, p, { clients }) => {
      if (!p.devicetype) return clients;
      const having = await values(db.selectFrom('devices').select('client_id as v').distinct().where('device_type', '=', String(p.devicetype) as 'server').execute());
      return clients.filter((id) => having.includes(id));
    },
  },
  // The account's own, whatever the client group.
  list_license_groups: { where: () => 'license_group/license_group_id', rows: (db, _p, { accountId }) => values(db.selectFrom('license_groups').select('id as v').where('account_id', '=', accountId).execute()) },
  list_templates: {
    where: () => 'installation_template/templateid',
    rows: (db, p, { accountId }) => {
      const q = db.selectFrom('installation_templates').select('id as v').where('account_id', '=', accountId);
      return values((p.devicetype ? q.where('device_type', '=', String(p.devicetype) as 'server') : q).execute());
    },
  },
  list_sites: { where: () => 'site/siteid', rows: (db, p) => values(db.selectFrom('sites').select('id as v').where('client_id', '=', Number(p.clientid)).execute()) },
  list_devices_at_client: {
    where: (p) => `${p.devicetype}/id`,
    rows: (db, p) => values(db.selectFrom('devices').select('id as v').where('client_id', '=', Number(p.clientid)).where('device_type', '=', String(p.devicetype) as 'server').execute()),
  },
  list_servers: { where: () => 'server/serverid', rows: (db, p) => values(db.selectFrom('devices').select('id as v').where('site_id', '=', Number(p.siteid)).where('device_type', '=', 'server').execute()) },
  list_workstations: {
    where: () => 'workstation/workstationid',
    rows: (db, p) => values(db.selectFrom('devices').select('id as v').where('site_id', '=', Number(p.siteid)).where('device_type', '=', 'workstation').execute()),
  },
  list_checks: { where: () => 'check/checkid', rows: (db, p) => values(db.selectFrom('checks').select('id as v').where('device_id', '=', Number(p.deviceid)).execute()) },
  patch_list_all: { where: () => 'patch/patchid', rows: (db, p) => values(db.selectFrom('device_patches').select('id as v').where('device_id', '=', Number(p.deviceid)).execute()) },
  list_active_directory_users: { where: () => 'user@objectGUID', rows: (db, p) => values(db.selectFrom('ad_users').select('object_guid as v').where('site_id', '=', Number(p.siteid)).execute()) },
};

/** Who calls: the account, the key and the role and group it acts with, and what that group sees. */
type Caller = {
  account: AccountWorld;
  other: AccountWorld;
  role: Role;
  key: string;
  canWrite: boolean;
  seesClient: (clientId: number) => boolean;
  sees: (owner: Owner) => boolean;
};

/** One call of a case: its parameters, where each row-naming one came from, and the answer expected. */
type Call = {
  label: string;
  params: Params;
  /** Each row-naming parameter's value, the same with what lies outside the scope replaced by what does not exist, and where it came from. */
  ids: Map<string, { value: string; masked: string; mode: Mode }>;
  expected: Expected;
  /** The probe number its new client or site is named by (`zp<n>q`). */
  probe: number;
};

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

  it('has data of every kind a service reads in every client, and a caller of every kind', async () => {
    for (const table of ['checks', 'check_notes', 'device_software', 'device_hardware', 'mav_scans', 'mav_threats', 'mav_quarantine', 'ad_users', 'storage_monitors'] as const) {
      for (const account of world.accounts) {
        const { rows } = await sql`select distinct d.client_id from ${sql.table(table)} x join devices d on d.id = x.device_id where d.account_id = ${account.id}`.execute(database.db);
        expect(rows.length, `${table} of ${account.name}`).toBe(account.clients.length);
      }
    }
    for (const table of ['outages', 'check_day_results', 'device_patches', 'mob_sessions', 'client_license_counts', 'performance_monitors', 'installation_templates', 'license_groups'] as const) {
      for (const account of world.accounts) {
        const { n } = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow();
        expect(Number(n), `${table} of ${account.name}`).toBeGreaterThan(0);
      }
    }
    for (const account of world.accounts) expect(account.keys.size).toBe(1 + USER_ROLES.length * GROUPS.length * 3);
  });

  it(`${CASES} random cases: no row out of scope, no in-scope call failing`, async () => {
    const tally = {
      reads: 0, writes: 0, inScope: 0, outOfScope: 0, denied: 0, justified: 0, valuesChecked: 0, listsCompared: 0,
      /** Rows of a client outside the caller's scope or of another account, shown in an answer or written. */
      leaks: 0,
      inScopeFailures: 0,
      /** Out-of-scope or refused calls answered otherwise than documented, or changing rows. */
      wrongAnswers: 0,
      services: new Set<string>(),
      keyKinds: new Set<KeyKind>(),
    };
    const failures: string[] = [];
    let probes = 0;
    const started = Date.now();
    const cpu = process.cpuUsage();
    const serverCpu = await serverCpuMs(database, dialect);

    /** The account, key, role and group of a case; moves the Agent Key to the case's group when it acts. */
    async function callerOf(c: Case): Promise<Caller> {
      const account = world.accounts[c.account]!;
      const agentKeyActs = c.keyKind === 'account' || c.keyKind === 'agent-key-personal';
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
      return {
        account, other: world.accounts[(c.account + 1) % world.accounts.length]!, role: agentKeyActs ? 'agent-key' : c.role, ...holder, seesClient,
        sees: (owner) => owner.accountId === account.id && (owner.clientId === null || seesClient(owner.clientId)),
      };
    }

    /**
     * The call of a case: an anchor in the caller's scope holding every kind of row the service names (every
     * other time a device given a row in every table), then per row-naming parameter a value from the
     * anchor, from a client of the account the caller does not see, from the other account, or one that
     * does not exist; the other parameters from scope-cases.ts, with names the index can follow.
     */
    function drawCall(c: Case, caller: Caller): Call {
      const { account, seesClient } = caller;
      const spec = c.service;
      const rowParams = rowParamsOf(spec);
      const kinds = new Set(rowParams.map((p) => p.kind));
      const holds = (d: DevicePath) => (!kinds.has('check') || d.checks.length > 0) && (!kinds.has('patch') || d.patches.length > 0) && (!kinds.has('quarantine') || d.guids.length > 0);
      const candidates = account.devices.filter((d) => seesClient(d.clientId) && holds(d));
      const complete = candidates.filter((d) => d.complete);
      // The deepest kind named decides what the path starts from: a service naming a client but no site or
      // device starts from any client, those add_client created too.
      const deviceLevel = ['device', 'check', 'patch', 'quarantine'].some((k) => kinds.has(k as IdKind));
      const siteLevel = !deviceLevel && kinds.has('site');
      const anchor = {
        device: deviceLevel ? pick(c.picks[0]! % 2 === 0 && complete.length > 0 ? complete : candidates, c.picks[0]! >> 1) : undefined,
        site: siteLevel ? pick(account.sites.filter((s) => seesClient(s.clientId)), c.picks[0]!) : undefined,
        client: pick(account.clients.filter(seesClient), c.picks[0]!),
      };
      const hidden = {
        device: deviceLevel ? account.devices.filter((d) => !seesClient(d.clientId) && holds(d)) : [],
        site: siteLevel ? account.sites.filter((s) => !seesClient(s.clientId)) : [],
        client: account.clients.filter((id) => !seesClient(id)),
      };
      const checkOf = (d: DevicePath, n: number) => (spec.name === 'clear_check' && d.failing.length > 0 && n % 4 !== 0 ? pick(d.failing, n) : pick(d.checks, n));
      /** A value of `kind` below a device, site or client of `owner`, or of its account. */
      const valueOf = (kind: IdKind | 'quarantine', owner: AccountWorld, at: { device?: DevicePath; site?: { id: number; clientId: number }; client?: number }, n: number) => {
        switch (kind) {
          case 'client': return at.device?.clientId ?? at.site?.clientId ?? at.client;
          case 'site': return at.device?.siteId ?? at.site?.id;
          case 'device': return at.device?.id;
          case 'check': return at.device && checkOf(at.device, n);
          case 'patch': return at.device && pick(at.device.patches, n);
          case 'quarantine': return at.device && pick(at.device.guids, n);
          default: return pick(owner.accountWide[kind], n);
        }
      };

      const ids: Call['ids'] = new Map();
      for (const [i, p] of rowParams.entries()) {
        let mode: Mode = c.ids === 'in' ? 'in' : c.ids === 'oneOut' ? (i === c.picks[5]! % rowParams.length ? c.out : 'in') : c.modes[i % c.modes.length]!;
        if (mode === 'absent' && p.required) mode = 'in';
        if (mode === 'absent') continue;
        const n = c.picks[1 + (i % 5)]!;
        let value: string | number | undefined;
        if (mode === 'in') value = valueOf(p.kind, account, anchor, n);
        if (value === undefined && mode === 'in') mode = 'otherClient';
        if (mode === 'otherClient') {
          value = p.accountWide ? undefined : valueOf(p.kind, account, { device: pick(hidden.device, n), site: pick(hidden.site, n), client: pick(hidden.client, n) }, n);
          if (value === undefined) mode = 'otherAccount';
        }
        if (mode === 'otherAccount') {
          const other = caller.other;
          value = valueOf(p.kind, other, { device: deviceLevel ? pick(other.devices.filter(holds), n) : undefined, site: siteLevel ? pick(other.sites, n) : undefined, client: pick(other.clients, n) }, n);
          if (value === undefined) mode = 'missing';
        }
        const missing = p.kind === 'quarantine' ? MISSING_GUID : MISSING_ID;
        if (mode === 'missing') value = missing;
        // A list (patchids, guids) naming a row of the device and, every other time, one of elsewhere: refused whole.
        const own: readonly (string | number)[] | undefined = p.kind === 'patch' ? anchor.device?.patches : p.kind === 'quarantine' ? anchor.device?.guids : undefined;
        const first = mode !== 'in' && own && own.length > 0 && n % 2 === 0 ? `${pick(own, n >> 1)},` : '';
        ids.set(p.name, { value: `${first}${value}`, masked: `${first}${mode === 'in' ? value : missing}`, mode });
      }
      // A parameter with another name (groupid for license_group_id) is read only when the main one is absent:
      // one of the two is needed, and the alias's value does not matter when both are sent.
      for (const p of rowParams) {
        if (!p.aliasOf) continue;
        if (!ids.has(p.name) && !ids.has(p.aliasOf)) {
          const value = String(valueOf('licenseGroup', account, {}, c.picks[5]!));
          ids.set(p.aliasOf, { value, masked: value, mode: 'in' });
        } else if (ids.has(p.aliasOf)) ids.delete(p.name);
      }

      const params: Params = validParams(spec, Object.fromEntries(rowParams.map((p) => [p.kind, MISSING_ID])));
      for (const p of rowParams) delete params[p.name];
      for (const [name, { value }] of ids) params[name] = value;
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
      const outside = [...ids].filter(([, v]) => v.mode !== 'in').map(([name]) => name);
      const expected: Expected =
        !ROLE_PERMISSIONS[caller.role].has(permission) ? { kind: 'denied', message: `Permission denied: ${spec.name}` }
        : spec.write && !caller.canWrite ? { kind: 'denied', message: 'Permission denied: this key is read-only' }
        : outside.length > 0 ? { kind: 'invalid', params: outside }
        : { kind: 'ok' };
      return { label: `${spec.name} as ${c.keyKind} (${caller.role}, ${c.group}) of ${account.name} via ${c.transport}`, params, ids, expected, probe };
    }

    /** Sends a call the way the case says (caseArbitrary's transport). */
    async function send(transport: Case['transport'], key: string, params: Params) {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      const base = { remoteAddress: FROM };
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      if (transport === 'form') return t.app.inject({ ...base, method: 'POST', url: '/api/', headers: form, payload: `${query}&apikey=${encodeURIComponent(key)}` });
      if (transport === 'form-query-key') return t.app.inject({ ...base, method: 'POST', url: `/api/?apikey=${encodeURIComponent(key)}`, headers: form, payload: `${query}` });
      if (transport === 'query') return t.app.inject({ ...base, method: 'GET', url: `/api/?${query}&apikey=${encodeURIComponent(key)}` });
      return t.app.inject({ ...base, method: 'GET', url: `/api/?${query}`, headers: transport === 'header' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` } });
    }

    /** A refused call changed nothing; an accepted one only rows the caller may see (the rows it created join the index). */
    async function checkChanges(c: Case, caller: Caller, call: Call, changes: Change[], problems: string[]) {
      for (const change of changes) {
        if (call.expected.kind !== 'ok') {
          tally.wrongAnswers++;
          problems.push(`${call.label}: refused, yet ${change.op} ${change.tbl} ${change.row_id} (${JSON.stringify(call.params)})`);
          continue;
        }
        const owner = world.index.ownerOf(change);
        if (change.op === 'insert' && change.tbl === 'clients') await registerClient(caller.account, c.group, change.row_id!, call, problems);
        else if (change.op === 'insert' && change.tbl === 'sites') {
          world.index.set('sites', change.row_id!, owner);
          world.index.probes.set(call.probe, owner);
          caller.account.sites.push({ id: change.row_id!, clientId: owner.clientId! });
        } else if (change.op === 'insert' && change.tbl === 'check_notes') world.index.set('check_notes', change.row_id!, owner);
        if (!caller.sees(world.index.ownerOf(change))) {
          tally.leaks++;
          problems.push(`${call.label}: wrote ${change.tbl} ${change.row_id} of ${JSON.stringify(owner)} (${JSON.stringify(call.params)})`);
        }
      }
    }

    /** Every id element and every token of an XML answer names a row the caller sees (strictly parsed). */
    function checkRowsShown(caller: Caller, call: Call, body: string, problems: string[]): RowShown[] {
      let shown: ReturnType<typeof rowsShown> = [];
      try {
        shown = rowsShown(body);
      } catch (error) {
        tally.wrongAnswers++;
        problems.push(`${call.label}: malformed answer (${String(error)}): ${body.slice(0, 300)}`);
      }
      const found = (where: string, owner: Owner | undefined) => {
        tally.valuesChecked++;
        if (!owner) problems.push(`${call.label}: ${where} names no row the index knows`);
        else if (!caller.sees(owner)) {
          tally.leaks++;
          problems.push(`${call.label}: LEAK ${where} of ${JSON.stringify(owner)} (${JSON.stringify(call.params)})`);
        }
      };
      for (const row of shown) {
        if (row.unplaced) problems.push(`${call.label}: ${row.where} is not in ANSWER_ROWS (test/support/scope-cases.ts)`);
        else {
          // quarantine_id is a guid or a row id: the row it names is whichever the index knows.
          const owners = row.kinds.map((kind) => world.index.get(kind, row.value)).filter((o) => o !== undefined);
          found(`${row.where} ${row.value}`, owners.find(caller.sees) ?? owners[0]);
        }
      }
      for (const m of body.matchAll(/z([a-z])(\d+)q/g)) found(`token ${m[0]}`, m[1] === 'p' ? world.index.probes.get(Number(m[2])) : world.index.get(TOKEN_TABLES[m[1]!] ?? '?', m[2]!));
      // The dashboard links get_take_control_connection_url answers name a device by id.
      for (const m of body.matchAll(/\/devices\/(\d+)\//g)) found(`link to device ${m[1]}`, world.index.get('devices', m[1]!));
      return shown;
    }

    /** The answer is the one expected: OK (or a refusal the data justify, and a complete list), error 6, or error 4 like a missing id. */
    async function checkOutcome(c: Case, caller: Caller, call: Call, body: string, binary: boolean, shown: RowShown[], before: CheckRow | undefined, problems: string[]) {
      const spec = c.service;
      const error = /<errorcode>(\d+)<\/errorcode><message>([^<]*)<\/message>/.exec(body);
      const { expected } = call;
      if (expected.kind === 'ok') {
        tally.inScope++;
        const refusal = binary ? undefined : await refusalJustified(spec, call.params, body, error, before);
        if (refusal === false || (refusal === undefined && (error || / status="FAIL"/.test(body)))) {
          tally.inScopeFailures++;
          problems.push(`${call.label}: in scope but answered ${body.slice(0, 400)} (${JSON.stringify(call.params)})`);
        } else if (refusal) tally.justified++;
        else if (spec.name in COMPLETE_LISTS) {
          const list = COMPLETE_LISTS[spec.name]!;
          const listed = shown.filter((r) => r.where === list.where(call.params)).map((r) => r.value).sort();
          const all = (await list.rows(database.db, call.params, { accountId: caller.account.id, clients: caller.account.clients.filter(caller.seesClient) })).map(String).sort();
          tally.listsCompared++;
          if (JSON.stringify(listed) !== JSON.stringify(all)) {
            tally.inScopeFailures++;
            problems.push(`${call.label}: lists ${list.where(call.params)} [${listed}], expected [${all}] (${JSON.stringify(call.params)})`);
          }
        }
        return;
      }
      if (expected.kind === 'denied') {
        tally.denied++;
        if (error?.[1] !== '6' || error[2] !== expected.message) {
          tally.wrongAnswers++;
          problems.push(`${call.label}: expected "${expected.message}", answered ${body.slice(0, 300)}`);
        }
        return;
      }
      tally.outOfScope++;
      if (error?.[1] !== '4' || !expected.params.some((name) => error[2] === `Invalid value for parameter: ${name}`)) {
        tally.wrongAnswers++;
        problems.push(`${call.label}: expected error 4 on ${expected.params.join(' or ')}, answered ${body.slice(0, 400)} (${JSON.stringify(call.params)})`);
      }
      // An id outside the scope is answered byte for byte like an id that does not exist, which changes nothing either.
      const hidden = [...call.ids].filter(([, v]) => v.mode === 'otherClient' || v.mode === 'otherAccount');
      if (hidden.length === 0) return;
      const masked = await send(c.transport, caller.key, { ...call.params, ...Object.fromEntries(hidden.map(([name, v]) => [name, v.masked])) });
      if (masked.body !== body) {
        tally.wrongAnswers++;
        problems.push(`${call.label}: an id outside the scope answers ${body.slice(0, 300)}, a missing one ${masked.body.slice(0, 300)}`);
      }
      await checkChanges(c, caller, call, await world.tracker.take(), problems);
    }

    /** A client an accepted add_client created: in All Clients, and in the creator's group when that is not All Clients. */
    async function registerClient(account: AccountWorld, group: GroupName, clientId: number, call: Call, problems: string[]) {
      const owner = { accountId: account.id, clientId };
      world.index.set('clients', clientId, owner);
      world.index.probes.set(call.probe, owner);
      account.clients.push(clientId);
      const inGroups = (await database.db.selectFrom('client_group_members').select('client_group_id').where('client_id', '=', clientId).execute()).map((r) => r.client_group_id);
      const expectedGroups = group === 'All Clients' ? [] : [account.groups.get(group)!.id];
      if (JSON.stringify(inGroups) !== JSON.stringify(expectedGroups)) problems.push(`${call.label}: the new client is in groups [${inGroups}], expected [${expectedGroups}]`);
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

    type CheckRow = Awaited<ReturnType<typeof checkRow>>;
    async function checkRow(checkId: number) {
      return database.db.selectFrom('checks').selectAll().where('id', '=', checkId).executeTakeFirstOrThrow();
    }

    /** Puts a check a clear_check cleared back as it was, so later cases can clear it again. */
    async function restoreCheck(row: CheckRow) {
      await database.db.updateTable('checks').set(row).where('id', '=', row.id).execute();
      await world.tracker.take();
    }

    /**
     * Whether an in-scope write's refusal is one its data make: a MAV state refusal (status FAIL with a
     * `<msg>`) matching the device's scans and pending commands, or clear_check on a check that is not
     * failing. undefined when the answer is no refusal at all.
     */
    async function refusalJustified(spec: ServiceSpec, params: Params, body: string, error: RegExpExecArray | null, before?: CheckRow) {
      if (spec.name === 'clear_check' && error) return error[1] === '4' && error[2] === 'Check is not failing: only a failing check can be cleared' && before?.statusid !== CheckStatus.fail;
      const msg = /<result [^>]*status="FAIL"><msg>([^<]*)<\/msg>/.exec(body)?.[1];
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
          const pending = await database.db.selectFrom('agent_commands').select('id').where('device_id', '=', deviceId).where('kind', '=', 'mav_definitions_update').where('status', 'in', ['queued', 'delivered']).execute();
          return msg === 'There is already a MAV definition update pending' && pending.length > 0;
        }
        default: return false;
      }
    }

    async function runCase(c: Case): Promise<string[]> {
      const problems: string[] = [];
      const caller = await callerOf(c);
      const call = drawCall(c, caller);
      const before = c.service.name === 'clear_check' && call.expected.kind === 'ok' ? await checkRow(Number(call.params.checkid)) : undefined;
      const response = await send(c.transport, caller.key, call.params);
      await checkChanges(c, caller, call, await world.tracker.take(), problems);
      const binary = response.headers['content-type']?.toString().startsWith('application/') === true && !response.body.startsWith('<?xml');
      const shown = binary ? [] : checkRowsShown(caller, call, response.body, problems);
      await checkOutcome(c, caller, call, response.body, binary, shown, before, problems);
      if (before) await restoreCheck(before);
      await emptyTheEmptyGroup(caller.account);
      tally[c.service.write ? 'writes' : 'reads']++;
      tally.services.add(c.service.name);
      tally.keyKinds.add(c.keyKind);
      return problems;
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
    const used = process.cpuUsage(cpu);
    const perCase = (ms: number) => (ms / CASES).toFixed(2);
    const server = dialect === 'postgres' ? `, ${perCase((await serverCpuMs(database, dialect)) - serverCpu)} in PostgreSQL` : '';
    console.log(
      `scope (${dialect}): ${CASES} cases (reads ${tally.reads}, writes ${tally.writes}; ${tally.services.size} services, ${tally.keyKinds.size} key kinds), ` +
        `${tally.leaks} rows out of scope, ${tally.inScopeFailures} in-scope failures, ${tally.wrongAnswers} wrong refusals, in ${seconds.toFixed(0)} s ` +
        `(CPU ms per case: ${perCase((used.user + used.system) / 1000)} in the test process${server})\n` +
        `  in scope ${tally.inScope} (${tally.justified} refused as their data justify, ${tally.listsCompared} lists compared whole with the database), ` +
        `out of scope ${tally.outOfScope}, refused by role or read-only key ${tally.denied}; ${tally.valuesChecked} identifying values looked up`,
    );
    if (failures.length > 0) console.log(failures.slice(0, 200).join('\n'));
    expect(failures).toEqual([]);
    // Not vacuous: every service and key kind was drawn, and each outcome was seen many times.
    if (CASES >= 2000) expect(tally.services.size).toBe(SERVICES.length);
    if (CASES >= 200) {
      expect(tally.keyKinds.size).toBe(KEY_KINDS.length);
      for (const n of [tally.inScope, tally.outOfScope, tally.denied]) expect(n).toBeGreaterThan(CASES / 10);
    }
  }, 900_000);
});

/**
 * CPU milliseconds PostgreSQL's backends have spent serving this test's database so far (from /proc, as
 * the server runs on this machine; 0 where /proc does not show them), so the figure counts the server's
 * share of each case too. 0 on SQLite, which runs inside the test process.
 */
async function serverCpuMs(database: TestDatabase, dialect: DialectName): Promise<number> {
  if (dialect !== 'postgres') return 0;
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(database.db);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return ticks * 10;
}
