import { sql } from 'kysely';
import { CheckStatus } from '../../src/checks/check-status.js';
import type { DialectName } from '../../src/db/dialect.js';
import { createHistoryRepository } from '../../src/history/history.repository.js';
import { dayRows } from '../../src/history/storage-days.js';
import { MavEngine } from '../../src/mav/mav-codes.js';
import { seedDemoData } from '../../src/seed/demo-generator.js';
import { makeCheck, makeAccount, NOW } from '../factories.js';
import type { TestDatabase } from './databases.js';

/**
 * The world the scope property (test/integration/scope-at-scale.test.ts) calls into: accounts seeded by the
 * demo seeder (data in every table the services read), every identifying name and GUID made to carry a
 * token naming its row (`zd17q`: device 17), client groups, users of every role in every group with
 * their personal keys, an index of every identifying value to the client (or account) it belongs to,
 * and a record of every row each call changes.
 */

/** The roles a personal key's user may hold: every assignable system role and a Client role allowing Devices. */
export const USER_ROLES = ['superuser', 'administrator', 'administrator-classic', 'standard', 'standard-classic', 'client', 'client-devices'] as const;
export type UserRole = (typeof USER_ROLES)[number];
/** The Agent Key user's role (the account key and the Agent Key's own personal key act with it). */
export type Role = UserRole | 'agent-key';

/** The name of the custom role derived from Client that allows Devices. */
const CLIENT_DEVICES_ROLE = 'Client with Devices';

const ALL = ['General Settings', 'User Accounts', 'Security', 'Roles & Permissions', 'Client groups', 'Clients', 'Sites', 'Devices', 'Download & Install', 'Site Installation Package', 'Agent Auto-update Settings'];
const ADMINISTRATOR = ['General Settings', 'Clients', 'Sites', 'Devices', 'Download & Install', 'Site Installation Package', 'Agent Auto-update Settings'];
/** What each role allows, written from access-model.md rather than read from src/access/roles.ts, which it checks. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<string>>> = {
  'agent-key': new Set(ALL),
  superuser: new Set(ALL),
  administrator: new Set(ADMINISTRATOR),
  'administrator-classic': new Set(ADMINISTRATOR),
  standard: new Set(['Devices']),
  'standard-classic': new Set(['Devices']),
  client: new Set(),
  'client-devices': new Set(['Devices']),
};

/** Client groups of every account: All Clients, two overlapping groups, and one with no client. */
export const GROUPS = ['All Clients', 'G1', 'G2', 'Empty'] as const;
export type GroupName = (typeof GROUPS)[number];

/**
 * How a call is keyed: the account key (it acts as the Agent Key user), the Agent Key user's own personal
 * key, and a user's personal keys: read-only, read-write, and read-write with an expiry still to come.
 */
export const KEY_KINDS = ['account', 'agent-key-personal', 'personal-read', 'personal-read-write', 'personal-expiring'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** A device and the rows below it a call may name. */
export type DevicePath = {
  id: number; clientId: number; siteId: number; checks: number[]; failing: number[]; patches: number[]; guids: string[];
  /** The first device of its client, which completeEveryClient gave a row in every table. */
  complete: boolean;
};

/** Whom a row belongs to: a client of an account, or the account itself (clientId null). */
export type Owner = { accountId: number; clientId: number | null };

export type AccountWorld = {
  id: number;
  name: string;
  apiKey: string;
  agentKeyUserId: number;
  /** The Agent Key user's client group now (the test moves it between calls). */
  agentKeyGroup: GroupName;
  /** Each group's clients; null for All Clients (every client of the account, those created later too). */
  groups: Map<GroupName, { id: number; clients: Set<number> | null }>;
  clients: number[];
  sites: { id: number; clientId: number }[];
  devices: DevicePath[];
  accountWide: { licenseGroup: number[]; serverTemplate: number[]; workstationTemplate: number[] };
  /** Personal keys by `kind|role|group`, and the Agent Key's own by `agent-key-personal`. */
  keys: Map<string, { key: string; canWrite: boolean }>;
};

/**
 * The tables whose names, descriptions, notes and GUIDs carry a token, `z<letter><row id>q`: the letter, the
 * columns the token is appended to, and the columns it replaces (GUIDs). `zp<n>q` (probe) is a name the
 * test gave a client or site it created.
 */
const TOKENISED: readonly [table: string, letter: string, columns: readonly string[], replace?: readonly string[]][] = [
  ['clients', 'c', ['name']],
  ['sites', 's', ['name']],
  ['devices', 'd', ['name', 'description', 'wins_name', 'guid']],
  ['checks', 'k', ['description', 'formatted_output', 'extra']],
  ['check_notes', 'n', ['private_note', 'public_note']],
  ['outages', 'o', ['cause']],
  ['device_hardware', 'h', ['name']],
  ['mav_threats', 't', ['name']],
  ['ad_users', 'u', ['displayname', 'samaccountname'], ['object_guid']],
  ['mav_quarantine', 'v', [], ['guid']],
  ['license_groups', 'l', ['name']],
  ['installation_templates', 'm', ['name']],
];

/** The table a token's letter names a row of. */
export const TOKEN_TABLES: Readonly<Record<string, string>> = Object.fromEntries(TOKENISED.map(([table, letter]) => [letter, table]));

/** Tables whose rows belong to a client through a `client_id` column, indexed by id. */
const CLIENT_TABLES = [
  'sites', 'devices', 'checks', 'device_hardware', 'device_software', 'device_patches', 'mav_scans', 'mav_threats', 'mav_quarantine',
  'mob_sessions', 'client_license_counts', 'ad_users',
] as const;
/** Text identifiers indexed by value: `table.column`. */
const TEXT_IDS = [['devices', 'guid'], ['mav_quarantine', 'guid'], ['ad_users', 'object_guid']] as const;

/** Quarantine statusids still in the quarantine (a release or removal may name them: api-services.md §8.1). */
const ACTIONABLE_QUARANTINE = [1, 2, 4, 8, 9];

/**
 * Every identifying value of the world and whom it belongs to: `table` → row id → owner, and
 * `table.column` → text → owner. Answers are checked against it; rows the calls create are added.
 */
export class RowIndex {
  readonly rows = new Map<string, Map<string, Owner>>();
  /** Names the test gave rows it created (add_client, add_site), by probe number. */
  readonly probes = new Map<number, Owner>();

  set(kind: string, value: string | number, owner: Owner): void {
    let rows = this.rows.get(kind);
    if (!rows) this.rows.set(kind, (rows = new Map()));
    rows.set(String(value), owner);
  }

  get(kind: string, value: string | number): Owner | undefined {
    return this.rows.get(kind)?.get(String(value));
  }

  /** The owner of a changed row, from the owner columns it carries (a client, or a device, check or site of one). */
  ownerOf(change: Change): Owner {
    const clientId =
      change.tbl === 'clients' ? change.row_id
      : change.client_id ?? (change.device_id !== null ? this.get('devices', change.device_id)?.clientId : undefined)
        ?? (change.check_id !== null ? this.get('checks', change.check_id)?.clientId : undefined)
        ?? (change.site_id !== null ? this.get('sites', change.site_id)?.clientId : undefined) ?? null;
    return { accountId: change.account_id ?? 0, clientId };
  }
}

/** One row a statement inserted, updated (its old and its new values) or deleted, with its owner columns. */
export type Change = {
  tbl: string; op: 'insert' | 'update' | 'delete'; row_id: number | null; account_id: number | null; client_id: number | null; device_id: number | null; check_id: number | null; site_id: number | null;
};

const OWNER_COLUMNS = ['id', 'account_id', 'client_id', 'device_id', 'check_id', 'site_id'] as const;
/**
 * Not tracked: the record itself, the migrations, and a personal key's usage counts, which every call it
 * is allowed to make updates (before its parameters are read, so a refused call counts too).
 */
const UNTRACKED = new Set(['scope_changes', 'sightline_migrations', 'sightline_migrations_lock', 'personal_api_key_usage', 'personal_api_keys']);

/**
 * Triggers on every table that record each row changed into `scope_changes`, so a test can show that a
 * refused call changed nothing and that an accepted one changed only rows of its own scope. Test
 * instrumentation over the test's own database: nothing in the product reads the table.
 */
export async function trackChanges(database: TestDatabase, dialect: DialectName) {
  const db = database.db;
  const tables = (await db.introspection.getTables()).filter((t) => !UNTRACKED.has(t.name));
  await sql`create table scope_changes (tbl text not null, op text not null, row_id bigint, account_id bigint, client_id bigint, device_id bigint, check_id bigint, site_id bigint)`.execute(db);
  if (dialect === 'postgres') {
    await sql.raw(`create function scope_track() returns trigger language plpgsql as $$
      declare r jsonb;
      begin
        foreach r in array (case tg_op when 'INSERT' then array[to_jsonb(new)] when 'DELETE' then array[to_jsonb(old)] else array[to_jsonb(old), to_jsonb(new)] end) loop
          insert into scope_changes values (tg_table_name, lower(tg_op), (r->>'id')::bigint, (r->>'account_id')::bigint, (r->>'client_id')::bigint,
            (r->>'device_id')::bigint, (r->>'check_id')::bigint, (r->>'site_id')::bigint);
        end loop;
        return null;
      end $$`).execute(db);
    for (const t of tables) await sql.raw(`create trigger scope_track after insert or update or delete on "${t.name}" for each row execute function scope_track()`).execute(db);
  } else {
    for (const t of tables) {
      const names = new Set(t.columns.map((c) => c.name));
      const values = (row: 'NEW' | 'OLD', op: string) =>
        `insert into scope_changes values ('${t.name}', '${op}', ${OWNER_COLUMNS.map((c) => (names.has(c) ? `${row}.${c}` : 'null')).join(', ')});`;
      await sql.raw(`create trigger scope_i_${t.name} after insert on "${t.name}" begin ${values('NEW', 'insert')} end`).execute(db);
      await sql.raw(`create trigger scope_u_${t.name} after update on "${t.name}" begin ${values('OLD', 'update')} ${values('NEW', 'update')} end`).execute(db);
      await sql.raw(`create trigger scope_d_${t.name} after delete on "${t.name}" begin ${values('OLD', 'delete')} end`).execute(db);
    }
  }
  return {
    /** The rows changed since the last call, and forgets them. */
    async take(): Promise<Change[]> {
      return (await sql<Change>`delete from scope_changes returning *`.execute(db)).rows;
    },
  };
}

export type ScopeWorld = Awaited<ReturnType<typeof buildScopeWorld>>;

/**
 * Two accounts (or more), each seeded with `clients` clients and `devices` devices, tokenised, with the
 * groups, users and keys above; the index of every identifying value; change tracking on.
 */
export async function buildScopeWorld(database: TestDatabase, dialect: DialectName, options: { accounts: number; clients: number; devices: number }) {
  const accounts: AccountWorld[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const name = `scope-${a}`;
    const made = await makeAccount(database, name);
    const s = made.services;
    await seedDemoData(s.seedRepository, { accountId: made.account.id, clients: options.clients, devices: options.devices, seed: name, now: NOW });
    await completeEveryClient(database, made.account.id);
    const system = s.access.systemActor(made.account.id);
    const from = 'scope-world';
    const clients = (await database.db.selectFrom('clients').select('id').where('account_id', '=', made.account.id).orderBy('id').execute()).map((c) => c.id);
    // G1 and G2 overlap on the second client; the last client is in All Clients only.
    const members: Record<Exclude<GroupName, 'All Clients'>, number[]> = { G1: clients.slice(0, 2), G2: clients.slice(1, 4), Empty: [] };
    const groups = new Map<GroupName, { id: number; clients: Set<number> | null }>();
    const all = await database.db.selectFrom('client_groups').select('id').where('account_id', '=', made.account.id).where('is_all_clients', '=', 1).executeTakeFirstOrThrow();
    groups.set('All Clients', { id: all.id, clients: null });
    for (const [group, ids] of Object.entries(members) as [GroupName, number[]][]) {
      groups.set(group, { id: await s.clientGroups.create(system, from, { name: group, clientIds: ids }), clients: new Set(ids) });
    }
    await s.roles.create(system, from, { name: CLIENT_DEVICES_ROLE, base: 'client', allow: ['Devices'] });

    const keys = new Map<string, { key: string; canWrite: boolean }>();
    const agentKeyUser = await s.repos.users.agentKeyOf(made.account.id);
    const agentKey = await s.personalKeys.create(system, from, agentKeyUser, { name: 'agent', scope: 'read-write' });
    keys.set('agent-key-personal', { key: agentKey.key, canWrite: true });
    for (const role of USER_ROLES) {
      for (const group of GROUPS) {
        const owner = await s.users.add(system, from, { email: `${role}.${group.replace(' ', '-').toLowerCase()}@${name}.test`, role: role === 'client-devices' ? CLIENT_DEVICES_ROLE : role, group });
        const kinds: [KeyKind, 'read' | 'read-write', Date | null][] = [
          ['personal-read', 'read', null],
          ['personal-read-write', 'read-write', null],
          ['personal-expiring', 'read-write', new Date((NOW + 30 * 86400) * 1000)],
        ];
        for (const [kind, scope, expiresAt] of kinds) {
          const made = await s.personalKeys.create(system, from, owner, { name: kind, scope, expiresAt });
          keys.set(`${kind}|${role}|${group}`, { key: made.key, canWrite: scope === 'read-write' });
        }
      }
    }
    accounts.push({
      id: made.account.id, name, apiKey: made.apiKey, agentKeyUserId: agentKeyUser.id, agentKeyGroup: 'All Clients', groups, clients,
      sites: [], devices: [], accountWide: { licenseGroup: [], serverTemplate: [], workstationTemplate: [] }, keys,
    });
  }
  await tokenise(database);
  for (const account of accounts) await loadPaths(database, account);
  const index = await buildIndex(database);
  const tracker = await trackChanges(database, dialect);
  // An antivirus definition the seeder stored (the catalog every account shares), for get_av_definition_release_date.
  const { version: avVersion } = await database.db.selectFrom('av_definitions').select('version').where('product_id', '=', 'bitdefender').orderBy('released_at', 'desc').executeTakeFirstOrThrow();
  return { accounts, index, tracker, avVersion };
}

/**
 * What the seeder leaves to chance (Active Directory users, threats and their quarantine, a scan running or
 * paused, check notes, Exchange stores: a few clients have them), given to the first device (a server) of
 * every client, so every client has a row in every table a service reads and a leak of any kind can show.
 */
async function completeEveryClient(database: TestDatabase, accountId: number) {
  const db = database.db;
  const devices = await db.selectFrom('devices').select(['id', 'client_id', 'site_id']).where('account_id', '=', accountId).orderBy('id').execute();
  for (const [i, d] of firstOfEachClient(devices).entries()) {
    const on = { account_id: accountId, client_id: d.client_id, device_id: d.id };
    const at = { accountId, clientId: d.client_id, siteId: d.site_id, deviceId: d.id };
    await db.insertInto('ad_users').values([0, 1].map((n) => ({
      ...on, site_id: d.site_id, object_guid: '', status: n * 3, samaccountname: `user${n}`, displayname: `User ${n}`, mail: '', department: 'IT', title: '', last_logon_at: NOW - 3600, enabled: 1 - n,
    }))).execute();
    // VIPRE on some (every engine version lists it; definition updates are refused there), Bitdefender on the others.
    const engine = Math.floor(i / 2) % 2 === 0 ? MavEngine.vipre : MavEngine.bitdefender;
    const scan = (state: 'finished' | 'running' | 'paused', startedAt: number) => db.insertInto('mav_scans').values({
      ...on, engine, kind: 'quick', state, started_at: startedAt, ended_at: state === 'finished' ? startedAt + 600 : null,
      cookies_scanned: 0, files_scanned: 10, folders_scanned: 1, registry_scanned: 0, processes_scanned: 1,
    }).returning('id').executeTakeFirstOrThrow();
    const finished = await scan('finished', NOW - 86400);
    // Every other client has a scan under way (so start and resume are refused there), the others one paused (pause refused).
    await scan(i % 2 === 0 ? 'running' : 'paused', NOW - 1800);
    const threat = await db.insertInto('mav_threats').values({ ...on, scan_id: finished.id, name: 'Trojan.Generic', category: 'Trojan', status: 'QUARANTINED' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('mav_traces').values({ account_id: accountId, client_id: d.client_id, threat_id: threat.id, trace_type: 'FILE', description: 'C:\\Temp\\x.exe', status: '' }).execute();
    await db.insertInto('mav_quarantine').values({ ...on, threat_id: threat.id, guid: '', statusid: 1, event_at: NOW - 86000 }).execute();
    const check = await db.selectFrom('checks').select('id').where('device_id', '=', d.id).orderBy('id').executeTakeFirstOrThrow();
    await db.insertInto('check_notes').values({ account_id: accountId, check_id: check.id, device_id: d.id, user_id: null, created_at: NOW - 1800, private_note: 'Looked at it', public_note: '' }).execute();
    const exchange = await makeCheck(database, at, 'Exchange Store Size Check', { check_type: 1025 });
    const store = await db.insertInto('storage_monitors').values({
      ...on, check_id: exchange.id, kind: 'exchange_store', drive_letter: '', mount_point: '', store_name: 'Mailbox Database', edb_file: 'E:\\mailbox.edb', slv_file: '',
      first_day: '2026-11-01', base_mb: 0, daily_growth_mb: 0, seed: 0,
    }).returning('id').executeTakeFirstOrThrow();
    await createHistoryRepository(db).upsertStorageDays(dayRows(accountId, [0, 1, 2].map((n) => ({ monitorId: store.id, at: NOW - n * 86400, sizeMb: 5000 + n }))));
  }
}

/** The first of each client's devices (in id order): the seeder makes it a server. */
function firstOfEachClient<D extends { client_id: number }>(devices: D[]): D[] {
  return devices.filter((d, i) => devices.findIndex((e) => e.client_id === d.client_id) === i);
}

/** Gives every identifying name, description, note and GUID its row's token (appended, or as the whole GUID). */
async function tokenise(database: TestDatabase) {
  for (const [table, letter, append, replace = []] of TOKENISED) {
    // A literal, not a parameter: PostgreSQL cannot type a parameter on either side of ||.
    const token = sql`${sql.lit(`z${letter}`)} || id || 'q'`;
    const set = Object.fromEntries([
      ...append.map((c) => [c, sql`${sql.ref(c)} || ' ' || ${token}`]),
      ...replace.map((c) => [c, token]),
    ]);
    await database.db.updateTable(table as 'clients').set(set as never).execute();
  }
}

/** The account's clients, sites and devices, and below each device its checks, failing checks, patches and quarantine guids. */
async function loadPaths(database: TestDatabase, account: AccountWorld) {
  const db = database.db;
  const a = account.id;
  account.sites = (await db.selectFrom('sites').select(['id', 'client_id']).where('account_id', '=', a).orderBy('id').execute()).map((s) => ({ id: s.id, clientId: s.client_id }));
  const byDevice = <T>(rows: { device_id: number; v: T }[]) => {
    const map = new Map<number, T[]>();
    for (const r of rows) map.set(r.device_id, [...(map.get(r.device_id) ?? []), r.v]);
    return map;
  };
  const checks = byDevice((await db.selectFrom('checks').select(['device_id', 'id as v']).where('account_id', '=', a).orderBy('id').execute()));
  const failing = byDevice((await db.selectFrom('checks').select(['device_id', 'id as v']).where('account_id', '=', a).where('statusid', '=', CheckStatus.fail).orderBy('id').execute()));
  const patches = byDevice((await db.selectFrom('device_patches').select(['device_id', 'id as v']).where('account_id', '=', a).orderBy('id').execute()));
  const guids = byDevice((await db.selectFrom('mav_quarantine').select(['device_id', 'guid as v']).where('account_id', '=', a).where('statusid', 'in', ACTIONABLE_QUARANTINE).orderBy('id').execute()));
  const devices = await db.selectFrom('devices').select(['id', 'client_id', 'site_id']).where('account_id', '=', a).orderBy('id').execute();
  const complete = new Set(firstOfEachClient(devices));
  account.devices = devices.map((d) => ({
    id: d.id, clientId: d.client_id, siteId: d.site_id,
    checks: checks.get(d.id) ?? [], failing: failing.get(d.id) ?? [], patches: patches.get(d.id) ?? [], guids: guids.get(d.id) ?? [],
    complete: complete.has(d),
  }));
  const templates = await db.selectFrom('installation_templates').select(['id', 'device_type']).where('account_id', '=', a).orderBy('id').execute();
  account.accountWide = {
    licenseGroup: (await db.selectFrom('license_groups').select('id').where('account_id', '=', a).orderBy('id').execute()).map((g) => g.id),
    serverTemplate: templates.filter((t) => t.device_type === 'server').map((t) => t.id),
    workstationTemplate: templates.filter((t) => t.device_type === 'workstation').map((t) => t.id),
  };
}

/** Every identifying value of the database and its owner. */
async function buildIndex(database: TestDatabase): Promise<RowIndex> {
  const db = database.db;
  const index = new RowIndex();
  for (const c of await db.selectFrom('clients').select(['id', 'account_id']).execute()) index.set('clients', c.id, { accountId: c.account_id, clientId: c.id });
  for (const table of CLIENT_TABLES) {
    const rows = await sql<{ id: number; account_id: number; client_id: number }>`select id, account_id, client_id from ${sql.table(table)}`.execute(db);
    for (const r of rows.rows) index.set(table, r.id, { accountId: Number(r.account_id), clientId: Number(r.client_id) });
  }
  // Rows that reach their client through their device.
  for (const table of ['outages', 'check_notes'] as const) {
    for (const r of await db.selectFrom(table).select(['id', 'device_id']).execute()) index.set(table, r.id, index.get('devices', r.device_id)!);
  }
  for (const table of ['license_groups', 'installation_templates'] as const) {
    for (const r of await db.selectFrom(table).select(['id', 'account_id']).execute()) index.set(table, r.id, { accountId: r.account_id, clientId: null });
  }
  for (const [table, column] of TEXT_IDS) {
    const rows = await sql<{ id: number; v: string }>`select id, ${sql.ref(column)} as v from ${sql.table(table)}`.execute(db);
    for (const r of rows.rows) index.set(`${table}.${column}`, r.v, index.get(table, r.id)!);
  }
  return index;
}
