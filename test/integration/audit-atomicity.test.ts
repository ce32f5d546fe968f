import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { Permission } from '../../src/access/permissions.js';
import type { Database } from '../../src/db/schema.js';
import { SERVICES_BY_NAME } from '../../src/deapi/registry.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { PatchPolicy, PatchStatus } from '../../src/patches/patch-codes.js';
import { makeFleet, NOW, type Fleet } from '../factories.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { cheapPasswordHash } from '../support/passwords.js';

const FROM = '192.0.2.44';
const PASSWORD = 'Atomic-Test-Pass1';

/**
 * "Every write is audited" holds even when the server dies between a change and its audit entry: the two
 * commit in one transaction. Shown here by making the audit insert itself fail (audit_log renamed away on
 * the real database): every kind of audited change must then leave the tables it touches exactly as they
 * were. The same change, with the audit log back, does change them and writes its one entry, so each case
 * is known to exercise a change.
 */
describe.each(DIALECTS)('a change and its audit entry commit together on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let system: Actor;

  /** Every row of the tables, order-free, so "nothing changed" compares whole tables. */
  async function snapshot(tables: readonly (keyof Database)[]): Promise<Record<string, string[]>> {
    const entries = await Promise.all(tables.map(async (table) => {
      const rows = await database.db.selectFrom(table).selectAll().execute();
      return [table, rows.map((row) => JSON.stringify(row)).sort()] as const;
    }));
    return Object.fromEntries(entries);
  }

  /** Runs `work` while no audit entry can be written: the insert fails on the database itself. */
  async function withAuditLogGone(work: () => Promise<unknown>): Promise<unknown> {
    await database.db.schema.alterTable('audit_log').renameTo('audit_log_away').execute();
    try {
      return await work();
    } finally {
      await database.db.schema.alterTable('audit_log_away').renameTo('audit_log').execute();
    }
  }

  const newestAction = async () =>
    (await database.db.selectFrom('audit_log').select('action').where('account_id', '=', fleet.account.id).orderBy('id', 'desc').executeTakeFirst())?.action;
  const auditCount = async () =>
    Number((await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  /** A dashboard session of the user, straight into its table (a fixture, as a log-in would leave it). */
  async function openSession(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await fleet.services.repos.sessions.create({ accountId: fleet.account.id, userId, tokenHash: sha256Hex(token), now: NOW, expiresAt: NOW + 3600, sourceAddress: FROM, userAgent: 'test' });
    return token;
  }

  /** A user with a password and an open session, added by the system actor; answers the session's token. */
  async function addUser(email: string, role = 'standard'): Promise<string> {
    const user = await fleet.services.users.add(system, 'test', { email, role });
    await fleet.services.repos.users.update(fleet.account.id, user.id, { password_hash: cheapPasswordHash(PASSWORD) });
    return openSession(user.id);
  }

  /**
   * The one check of this file: the change fails on the audit insert and leaves `tables` as they were;
   * with the audit log back it changes them and writes exactly one entry, `action`.
   */
  async function expectAtomic(action: string, tables: readonly (keyof Database)[], change: () => Promise<unknown>): Promise<void> {
    const before = await snapshot(tables);
    const entries = await auditCount();
    await expect(withAuditLogGone(change), action).rejects.toThrow(/audit_log/);
    expect(await snapshot(tables), `${action} must not be stored without its audit entry`).toEqual(before);
    await change();
    expect(await snapshot(tables), `${action} changes ${tables.join(', ')}`).not.toEqual(before);
    expect(await auditCount()).toBe(entries + 1);
    expect(await newestAction()).toBe(action);
  }

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    await fleet.services.clientGroups.create(system, 'test', { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('the account API key: generate/regenerate, revoke, the address allow-list', async () => {
    const keys = fleet.services.apiKeys;
    await expectAtomic('apikey.regenerate', ['account_api_keys'], () => keys.generate(system, FROM));
    await expectAtomic('apikey.revoke', ['account_api_keys'], () => keys.revoke(system, FROM));
    await expectAtomic('apikey.generate', ['account_api_keys'], () => keys.generate(system, FROM));
    await expectAtomic('apikey.allowed-networks', ['accounts'], () => keys.setAllowedNetworks(system, FROM, '10.0.0.0/8'));
    await keys.setAllowedNetworks(system, 'test', null);
  });

  it('users: add, group, role, email, password (ending sessions), own password, disable, delete, Agent Key access', async () => {
    const users = fleet.services.users;
    await expectAtomic('user.add', ['users'], () => users.add(system, FROM, { email: 'new@acme.test', role: 'standard' }));
    await addUser('moved@acme.test');
    await expectAtomic('user.set-group', ['users'], () => users.setGroup(system, FROM, 'moved@acme.test', 'Beta only'));
    await expectAtomic('user.set-role', ['users'], () => users.setRole(system, FROM, 'moved@acme.test', 'administrator'));
    await expectAtomic('user.set-email', ['users'], () => users.setEmail(system, FROM, 'moved@acme.test', 'renamed@acme.test'));
    await expectAtomic('user.set-password', ['users', 'dashboard_sessions'], () => users.setPassword(system, FROM, 'renamed@acme.test', 'Another-Pass2'));
    // Two sessions: changing one's own password keeps the current one and ends the other.
    const current = await addUser('self@acme.test');
    const self = (await fleet.services.sessions.authenticate(current))!;
    await openSession(self.userId);
    await expectAtomic('user.change-password', ['users', 'dashboard_sessions'], () =>
      users.changeOwnPassword(self.actor, FROM, { current: PASSWORD, password: 'Changed-Pass3', keepSessionId: self.sessionId }));
    await addUser('leaver@acme.test');
    await expectAtomic('user.disable', ['users', 'dashboard_sessions'], () => users.setActive(system, FROM, 'leaver@acme.test', false));
    await expectAtomic('user.delete', ['users'], () => users.remove(system, FROM, 'leaver@acme.test'));
    // Someone else keeps User Accounts, so the Agent Key's dashboard access may be turned off.
    await users.add(system, 'test', { email: 'keeper@acme.test', role: 'superuser' });
    await openSession((await fleet.services.repos.users.agentKeyOf(fleet.account.id)).id);
    await expectAtomic('agent-key.access', ['users', 'dashboard_sessions'], () => users.setAgentKeyDashboardAccess(system, FROM, false));
  }, 60_000);

  it('a password stored again at the current cost on log-in', async () => {
    const salt = randomBytes(16);
    const old = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
    const user = await fleet.services.users.add(system, 'test', { email: 'veteran@acme.test', role: 'standard' });
    await fleet.services.repos.users.update(fleet.account.id, user.id, { password_hash: old });
    await expectAtomic('user.password-rehash', ['users'], () => fleet.services.login.login('veteran@acme.test', PASSWORD, FROM));
  }, 60_000);

  it('custom roles: create, set a permission, delete', async () => {
    const roles = fleet.services.roles;
    const tables = ['custom_roles', 'custom_role_permissions'] as const;
    await expectAtomic('role.create', tables, () => roles.create(system, FROM, { name: 'Night shift', base: 'standard', allow: [Permission.clients] }));
    await expectAtomic('role.set-permission', tables, () => roles.setPermission(system, FROM, 'Night shift', Permission.sites, true));
    await expectAtomic('role.delete', tables, () => roles.remove(system, FROM, 'Night shift'));
  });

  it('client groups: create, rename, set clients, delete', async () => {
    const groups = fleet.services.clientGroups;
    const tables = ['client_groups', 'client_group_members'] as const;
    await expectAtomic('group.create', tables, () => groups.create(system, FROM, { name: 'Alpha only', clientIds: [fleet.clients.alpha.id] }));
    await expectAtomic('group.rename', tables, () => groups.rename(system, FROM, 'Alpha only', 'Alpha team'));
    await expectAtomic('group.set-clients', tables, () => groups.setClients(system, FROM, 'Alpha team', [fleet.clients.alpha.id, fleet.clients.gamma.id]));
    await expectAtomic('group.delete', tables, () => groups.remove(system, FROM, 'Alpha team'));
  });

  it('site enrolment tokens: create, revoke', async () => {
    const tokens = fleet.services.siteTokens;
    const scope = { accountId: fleet.account.id, clientGroupId: null };
    const site = fleet.sites.alphaHq.id;
    await expectAtomic('site-token.create', ['site_enrolment_tokens'], () => tokens.create(system, scope, FROM, site));
    const [token] = await tokens.list(system, scope, site);
    await expectAtomic('site-token.revoke', ['site_enrolment_tokens'], () => tokens.revoke(system, scope, FROM, site, token!.prefix));
  });

  it('personal API keys: create, revoke', async () => {
    const keys = fleet.services.personalKeys;
    await addUser('scripter@acme.test');
    const owner = (await fleet.services.repos.users.findByEmail('scripter@acme.test'))!;
    await expectAtomic('personal-key.create', ['personal_api_keys'], () => keys.create(system, FROM, owner, { name: 'backup script', scope: 'read' }));
    await expectAtomic('personal-key.revoke', ['personal_api_keys'], () => keys.revoke(system, FROM, owner, 'backup script'));
  });

  it('the device page\'s actions: a patch approved, a check cleared, a scan started', async () => {
    const device = fleet.devices.alphaDc;
    const catalog = await database.db.insertInto('patch_catalog')
      .values({ title: 'Update KB1', product: 'Windows', severity: 2, url: '', released_at: null, uninstallable: 0, patch_key: 'KB1' }).returning('id').executeTakeFirstOrThrow();
    const patch = await database.db.insertInto('device_patches')
      .values({ account_id: fleet.account.id, client_id: fleet.clients.alpha.id, device_id: device.id, patch_catalog_id: catalog.id, policy: PatchPolicy.doNothing, status: PatchStatus.ignored, installed_at: null, deployable: 1 })
      .returning('id').executeTakeFirstOrThrow();
    const user = (await fleet.services.sessions.authenticate(await addUser('tech@acme.test', 'administrator')))!;
    const s = fleet.services;
    await expectAtomic('dashboard.patch_approve', ['device_patches', 'agent_commands'], () => s.devicePatches.act(user, FROM, device.id, 'approve', String(patch.id)));
    await database.db.insertInto('account_settings').values({ account_id: fleet.account.id, clear24x7checks: 1, cleardailysafetychecks: 1, forcenotes: 0 }).execute();
    const clear = { checkid: fleet.checks.disk.id, private_note: 'Looking', public_note: '', clear_type: 'untilnextrun' as const, clear_until: '' };
    await expectAtomic('dashboard.clear_check', ['checks', 'check_notes'], () => s.deviceChecks.clear(user, FROM, device.id, clear));
    await expectAtomic('device.mav_scan_start', ['agent_commands'], () => s.deviceMav.startScan(user, FROM, device.id));
  });

  it('a Data Extraction API write (add_client)', async () => {
    const caller = await fleet.services.apiAuthenticator.authenticate(await fleet.services.apiKeys.generate(system, 'test'), FROM);
    await expectAtomic('api.add_client', ['clients'], () => fleet.services.apiCalls.call(caller, SERVICES_BY_NAME.get('add_client')!, { name: 'Delta Works', timezone: 'Europe/London' }));
  });
});
