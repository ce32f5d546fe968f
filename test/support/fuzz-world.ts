import { sign } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../../src/db/database.js';
import { csrfTokenFor, SESSION_LIFETIME_SECONDS } from '../../src/dashboard/session.service.js';
import { PRE_SESSION_COOKIE, SESSION_COOKIE } from '../../src/dashboard/dashboard.context.js';
import { newPrefixedSecret, sha256Hex } from '../../src/lib/secrets.js';
import { addAssets } from '../asset-factories.js';
import { makeFleet, makeWriteKeys, NOW, type Fleet } from '../factories.js';
import { addAvDefinitions, addHistory } from '../history-factories.js';
import { buildTestApp } from './app.js';
import { cheapPasswordHash } from './passwords.js';

/** Every user the world creates signs in with this password (stored at a low scrypt cost, see `restore`). */
export const FUZZ_PASSWORD = 'Fuzz-Passw0rd';
const COOKIE_SECRET = 'fuzz-cookie-secret-0123456789abcdef-0123456789abcdef';
/** Where the world's own setup calls come from; requests of the fuzzer never use it. */
const SETUP_ADDRESS = '198.51.100.250';
const HARNESS_MACHINE_ID = 'fuzz-harness-machine-0001';

/** Rows the generated requests name: every id of the account's rows of each kind, and the other account's. */
export type WorldIds = {
  client: number[]; site: number[]; device: number[]; check: number[]; patch: number[]; licenseGroup: number[];
  template: number[]; clientGroup: number[];
  /** Users the dashboard's user forms may change, disable or delete (never the world's own users). */
  victim: number[];
  /** Rows of every kind of the other account, which must be answered as if they did not exist (ids of the world's own users left out). */
  foreign: number[];
};

/** The kinds of row of the account. */
export type RowKind = Exclude<keyof WorldIds, 'foreign'>;

/** A route as the app registered it: `/devices/:id/checks/clear`, with its methods. */
export type Route = { url: string; methods: string[] };

/**
 * What the generated requests run against: the real app over a seeded database (two accounts, assets,
 * history, personal keys, dashboard users, an enrolled device), and the credentials they present by
 * placeholder (`{{apikey.agent}}`), looked up when a request is sent because a request may rotate them.
 */
export type FuzzWorld = {
  app: FastifyInstance;
  /** Log lines of the app at warn and above since the last `takeLogs`. */
  takeLogs(): string[];
  ids: WorldIds;
  routes: Route[];
  credentials: Map<string, string>;
  /** Puts back what an accepted dashboard or agent request may have taken away (a key, a session, a token, a password). */
  restore(): Promise<void>;
  close(): Promise<void>;
};

/** Dashboard sessions of the world: a superuser, a standard user, and an administrator who sees Beta only. */
const SESSION_USERS = { super: 'fuzz-super@acme.test', standard: 'fuzz-standard@acme.test', scoped: 'fuzz-scoped@acme.test' } as const;

/**
 * Seeds a database and builds the app for the fuzzer. The app has a fixed clock and a low limit on
 * password tries per address (see `passwordTriesPerMinute`), since every log-in try costs a full scrypt.
 */
export async function createFuzzWorld(database: DatabaseHandle): Promise<FuzzWorld> {
  const acme = await makeFleet(database);
  await addAssets(database, acme);
  await addHistory(database, acme);
  const globex = await makeFleet(database, 'globex');
  await addAvDefinitions(database);
  const keys = await makeWriteKeys(acme, SETUP_ADDRESS);
  const system = acme.services.access.systemActor(acme.account.id);
  const add = (email: string, role: string, group?: string) => acme.services.users.add(system, SETUP_ADDRESS, { email, role, group });
  const own = [
    await add(SESSION_USERS.super, 'superuser'),
    await add(SESSION_USERS.standard, 'standard'),
    await add(SESSION_USERS.scoped, 'administrator', 'Beta only'),
  ];
  const victims = [await add('victim1@acme.test', 'standard'), await add('victim2@acme.test', 'administrator', 'Beta only')];
  // Personal keys of another user: a superuser must not be able to revoke them from its own pages.
  const globexSystem = globex.services.access.systemActor(globex.account.id);
  const globexUser = await globex.services.users.add(globexSystem, SETUP_ADDRESS, { email: 'admin@globex.test', role: 'superuser' });
  const otherPersonal = (await globex.services.personalKeys.create(globexSystem, SETUP_ADDRESS, globexUser, { name: 'globex', scope: 'read-write' })).key;
  // A cheap hash for everyone, so a right password costs ~1 ms; the decoy of unknown users still costs a full scrypt.
  const cheapHash = cheapPasswordHash(FUZZ_PASSWORD);
  await database.db.updateTable('users').set({ password_hash: cheapHash }).where('is_agent_key', '=', 0).execute();

  const oldKey = acme.apiKey;
  const credentials = new Map<string, string>([
    ['password', FUZZ_PASSWORD],
    ['apikey.agent', await acme.services.apiKeys.regenerate(acme.account.id, null)],
    ['apikey.old', oldKey],
    ['apikey.other', globex.apiKey],
    ['apikey.read', keys.read],
    ['apikey.rw', keys.readWrite],
    ['apikey.standard', keys.standard],
    ['apikey.restricted', keys.restricted],
    ['apikey.otherPersonal', otherPersonal],
  ]);

  const siteTokens = acme.services.siteTokens;
  const tokenScope = { accountId: acme.account.id, clientGroupId: null };
  const newSiteToken = async () => (await siteTokens.create(system, tokenScope, SETUP_ADDRESS, acme.sites.alphaHq.id)).token;
  credentials.set('siteToken.valid', await newSiteToken());
  const revoked = await siteTokens.create(system, tokenScope, SETUP_ADDRESS, acme.sites.betaMain.id);
  await siteTokens.revoke(system, tokenScope, SETUP_ADDRESS, acme.sites.betaMain.id, revoked.prefix);
  credentials.set('siteToken.revoked', revoked.token);
  credentials.set('siteToken.revokedPrefix', revoked.prefix);
  credentials.set('siteToken.expiring', (await siteTokens.create(system, tokenScope, SETUP_ADDRESS, acme.sites.gammaSurgery.id, { expiresAt: new Date((NOW + 60) * 1000) })).token);
  const globexScope = { accountId: globex.account.id, clientGroupId: null };
  credentials.set('siteToken.other', (await globex.services.siteTokens.create(globexSystem, globexScope, SETUP_ADDRESS, globex.sites.alphaHq.id)).token);

  // The other account's key answers only from 10.0.0.0/8, so the allow-list sees every address the requests come from.
  await globex.services.apiKeys.setAllowedNetworks(globexSystem, SETUP_ADDRESS, '10.0.0.0/8, 2001:db8::/32');
  // X-Forwarded-For is believed from the loopback addresses and from the dashboard's 10.9.0.0/16, so its
  // garbage reaches every control keyed on the client's address.
  const { app, logs } = await buildTestApp(database, {
    cookieSecret: COOKIE_SECRET, logLevel: 'warn', passwordTriesPerMinute: 5, sweepSeconds: 0, trustedProxies: ['127.0.0.1/32', '::1/128', '10.9.0.0/16'],
  });

  const enrol = async (token: string, machineId: string) => {
    const facts = { hostname: machineId, deviceType: 'server', os: { name: 'Debian GNU/Linux 12', version: '12', family: 'linux' }, cpu: { model: 'Xeon', count: 2 }, memoryMb: 2048, agentVersion: '1.0.0' };
    const response = await app.inject({ method: 'POST', url: '/agent/v1/enrol', remoteAddress: SETUP_ADDRESS, payload: { siteToken: token, machineId, facts } });
    if (response.statusCode !== 200) throw new Error(`the fuzz world's enrolment answered ${response.statusCode}: ${response.body}`);
    return response.json() as { deviceId: number; deviceSecret: string };
  };
  const harness = await enrol(credentials.get('siteToken.valid')!, HARNESS_MACHINE_ID);
  credentials.set('device.secret', harness.deviceSecret);
  credentials.set('device.other', (await enrol(credentials.get('siteToken.other')!, 'fuzz-globex-machine-01')).deviceSecret);

  // Sessions are stored directly (a log-in through the form would rehash the password at full cost).
  const sessionTokens = new Map<string, string>();
  const userIds = new Map<string, number>(own.map((u) => [u.email, u.id]));
  const signed = (value: string) => encodeURIComponent(sign(value, COOKIE_SECRET));
  for (const [name, email] of Object.entries(SESSION_USERS)) {
    const token = newPrefixedSecret('fuzz_');
    sessionTokens.set(email, token);
    credentials.set(`session.${name}`, `${SESSION_COOKIE}=${signed(token)}`);
    credentials.set(`csrf.${name}`, csrfTokenFor(token));
  }
  const preSecret = newPrefixedSecret('pre_');
  credentials.set('session.pre', `${PRE_SESSION_COOKIE}=${signed(preSecret)}`);
  credentials.set('csrf.pre', csrfTokenFor(preSecret));

  const repos = acme.services.repos;
  const ensureSessions = async () => {
    for (const [email, token] of sessionTokens) {
      if (await repos.sessions.findByTokenHash(sha256Hex(token))) continue;
      await repos.sessions.create({
        accountId: acme.account.id, userId: userIds.get(email)!, tokenHash: sha256Hex(token), now: NOW, expiresAt: NOW + SESSION_LIFETIME_SECONDS,
        sourceAddress: SETUP_ADDRESS, userAgent: 'fuzz',
      });
    }
  };
  await ensureSessions();

  const roles = new Map(own.map((u) => [u.id, { role: u.role, client_group_id: u.client_group_id }]));
  const world: FuzzWorld = {
    app,
    takeLogs: () => logs.splice(0, logs.length),
    ids: await idsOf(database, acme, globex, victims.map((v) => v.id)),
    routes: routesOf(app),
    credentials,
    async restore() {
      // The world's users as seeded: active, the same role and group, the cheap password hash.
      for (const [id, was] of roles) await database.db.updateTable('users').set({ ...was, active: 1, password_hash: cheapHash }).where('id', '=', id).execute();
      await ensureSessions();
      const current = await database.db.selectFrom('account_api_keys').select('key_hash').where('account_id', '=', acme.account.id).executeTakeFirst();
      if (current?.key_hash !== sha256Hex(credentials.get('apikey.agent')!)) credentials.set('apikey.agent', await acme.services.apiKeys.regenerate(acme.account.id, null));
      if (!(await siteTokens.verify(credentials.get('siteToken.valid')!))) credentials.set('siteToken.valid', await newSiteToken());
    },
    async close() {
      await app.close();
    },
  };
  return world;
}

async function idsOf(database: DatabaseHandle, acme: Fleet, globex: Fleet, victims: number[]): Promise<WorldIds> {
  const tables = ['clients', 'sites', 'devices', 'checks', 'device_patches', 'license_groups', 'installation_templates', 'client_groups', 'users'] as const;
  const of = async (table: (typeof tables)[number], account: Fleet) =>
    (await database.db.selectFrom(table).select('id').where('account_id', '=', account.account.id).orderBy('id').execute()).map((r) => Number(r.id));
  // A foreign row's id may be the number of one of this account's users: never one the world needs
  // (its sessions' users, the personal keys' owners), or a user form could delete it.
  const needed = new Set((await of('users', acme)).filter((id) => !victims.includes(id)));
  const foreign = (await Promise.all(tables.map((table) => of(table, globex)))).flat().filter((id) => !needed.has(id));
  return {
    client: await of('clients', acme), site: await of('sites', acme), device: await of('devices', acme), check: await of('checks', acme),
    patch: await of('device_patches', acme), licenseGroup: await of('license_groups', acme), template: await of('installation_templates', acme),
    clientGroup: await of('client_groups', acme), victim: victims, foreign: [...new Set(foreign)],
  };
}

/**
 * The app's routes, read from fastify's route tree (`printRoutes`), so a route added later is fuzzed
 * without anyone listing it here. Each line of the tree is a path segment under its parent's.
 */
export function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[└├]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = url;
    if (match[3]) routes.push({ url: url.replace(/^\/\//, '/'), methods: match[3].split(', ') });
  }
  return routes;
}
