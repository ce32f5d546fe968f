import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { Permission } from '../../src/access/permissions.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { cheapPasswordHash } from '../support/passwords.js';
import { makeAccount, makeClient, type Fleet, makeFleet } from '../factories.js';

const FROM = '198.51.100.20';
const PASSWORD = 'Correct1Horse';

describe.each(DIALECTS)('access model on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  const actorOf = async (email: string) => fleet.services.access.actorFor((await fleet.services.repos.users.findByEmail(email))!);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    const users = fleet.services.users;
    await users.add(system, FROM, { email: 'super@acme.test', role: 'superuser', password: PASSWORD });
    await users.add(system, FROM, { email: 'admin@acme.test', role: 'administrator', password: PASSWORD });
    await users.add(system, FROM, { email: 'classic@acme.test', role: 'administrator-classic' });
    await users.add(system, FROM, { email: 'standard@acme.test', role: 'standard' });
    await users.add(system, FROM, { email: 'standard-classic@acme.test', role: 'standard-classic' });
    await users.add(system, FROM, { email: 'client@acme.test', role: 'client' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('roles and permissions', () => {
    it('gives each system role the default matrix of the spec', async () => {
      const { access } = fleet.services;
      const admin = await actorOf('admin@acme.test');
      expect(access.may(admin, Permission.generalSettings)).toBe(true);
      expect(access.may(admin, Permission.clients)).toBe(true);
      expect(access.may(admin, Permission.userAccounts)).toBe(false);
      const standard = await actorOf('standard@acme.test');
      expect([...standard.permissions]).toEqual([Permission.devices]);
      expect((await actorOf('client@acme.test')).permissions.size).toBe(0);
      expect((await actorOf('super@acme.test')).permissions.size).toBe(11);
    });

    it('a custom role is its base role with Allow/Deny overrides, applied on the next check', async () => {
      const { roles, users } = fleet.services;
      await roles.create(system, FROM, { name: 'Helpdesk', base: 'standard', allow: [Permission.clients], deny: [Permission.devices] });
      await users.add(system, FROM, { email: 'helpdesk@acme.test', role: 'Helpdesk' });
      let helpdesk = await actorOf('helpdesk@acme.test');
      expect([...helpdesk.permissions].sort()).toEqual([Permission.clients]);
      await roles.setPermission(system, FROM, 'Helpdesk', Permission.devices, null);
      helpdesk = await actorOf('helpdesk@acme.test');
      expect([...helpdesk.permissions].sort()).toEqual([Permission.clients, Permission.devices]);
    });

    it('a Client-based custom role may allow Devices and nothing else', async () => {
      const { roles } = fleet.services;
      await expect(roles.create(system, FROM, { name: 'Client plus', base: 'client', allow: [Permission.clients] })).rejects.toThrow(/only "Devices"/);
      await roles.create(system, FROM, { name: 'Client devices', base: 'client', allow: [Permission.devices] });
    });

    it('a role held by a user cannot be deleted, and a system role name cannot be reused', async () => {
      await expect(fleet.services.roles.remove(system, FROM, 'Helpdesk')).rejects.toThrow(/held by 1 user/);
      await expect(fleet.services.roles.create(system, FROM, { name: 'Administrator', base: 'standard' })).rejects.toThrow(/system role/);
    });

    it('a user without Roles & Permissions cannot create roles', async () => {
      await expect(fleet.services.roles.create(await actorOf('admin@acme.test'), FROM, { name: 'X', base: 'standard' })).rejects.toThrow(/Permission denied/);
    });
  });

  describe('users', () => {
    it('enforces the password policy and unique emails', async () => {
      const { users } = fleet.services;
      await expect(users.add(system, FROM, { email: 'weak@acme.test', role: 'standard', password: 'password' })).rejects.toThrow(/upper-case/);
      await expect(users.add(system, FROM, { email: 'has space@acme.test', role: 'standard' })).rejects.toThrow(/not a valid email/);
      await expect(users.add(system, FROM, { email: 'ADMIN@acme.test', role: 'standard' })).rejects.toThrow(/already in use/);
    });

    it('a Client role makes a Client user; --client with a Staff role is refused', async () => {
      const client = await fleet.services.repos.users.findByEmail('client@acme.test');
      expect(client?.user_type).toBe('client');
      await expect(fleet.services.users.add(system, FROM, { email: 'c2@acme.test', role: 'standard', client: true })).rejects.toThrow(/Client user/);
    });

    it('an Administrator (no User Accounts) cannot add users', async () => {
      await expect(fleet.services.users.add(await actorOf('admin@acme.test'), FROM, { email: 'x@acme.test', role: 'standard' })).rejects.toThrow(
        /"User Accounts" permission/,
      );
    });

    it('the Agent Key cannot be deleted and its role cannot change; its email and group can', async () => {
      const { users } = fleet.services;
      await expect(users.remove(system, FROM, 'agent-key')).rejects.toThrow(/cannot be deleted/);
      await expect(users.setRole(system, FROM, 'agent-key', 'standard')).rejects.toThrow(/cannot be changed/);
      await users.setEmail(system, FROM, 'agent-key', 'robot@acme.test');
      expect((await fleet.services.repos.users.agentKeyOf(fleet.account.id)).email).toBe('robot@acme.test');
      await users.setPassword(system, FROM, 'agent-key', PASSWORD);
    });
  });

  describe('client groups', () => {
    it('a key whose Agent Key is in an empty group sees no clients, and sees a group change at once', async () => {
      const { clientGroups, users } = fleet.services;
      await clientGroups.create(system, FROM, { name: 'Nobody' });
      await clientGroups.create(system, FROM, { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
      await users.setGroup(system, FROM, 'agent-key', 'Nobody');
      let body = (await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body;
      expect(body).toContain('<items></items>');
      await users.setGroup(system, FROM, 'agent-key', 'Beta only');
      body = (await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body;
      expect(body).toContain('Beta Logistics');
      expect(body).not.toContain('Alpha');
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_sites', clientid: fleet.clients.alpha.id })).body).toContain(
        'Invalid value for parameter: clientid',
      );
      await users.setGroup(system, FROM, 'agent-key', 'All Clients');
    });

    it('All Clients always holds every client, including ones created later, and cannot be changed', async () => {
      const { clientGroups } = fleet.services;
      const allBefore = (await clientGroups.list(system)).find((g) => g.is_all_clients)!;
      const late = await makeClient(database, fleet.account.id, 'Late Client');
      const all = (await clientGroups.list(system)).find((g) => g.is_all_clients)!;
      expect(all.client_count).toBe(allBefore.client_count + 1);
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('Late Client');
      await expect(clientGroups.setClients(system, FROM, 'All Clients', [late.id])).rejects.toThrow(/always holds every client/);
      await expect(clientGroups.remove(system, FROM, 'All Clients')).rejects.toThrow(/cannot be deleted/);
    });

    it('deleting a group in use is refused with a clear message; an unused one can be deleted', async () => {
      const { clientGroups, users } = fleet.services;
      await users.setGroup(system, FROM, 'standard@acme.test', 'Beta only');
      await expect(clientGroups.remove(system, FROM, 'Beta only')).rejects.toThrow('client group "Beta only" is in use by 1 user: move them to another group first');
      await clientGroups.rename(system, FROM, 'Nobody', 'Empty');
      await clientGroups.remove(system, FROM, 'Empty');
      expect((await clientGroups.list(system)).map((g) => g.name)).not.toContain('Empty');
    });

    it('refuses clients of another account', async () => {
      const other = await makeAccount(database, 'other-msp');
      const foreign = await makeClient(database, other.account.id, 'Foreign');
      await expect(fleet.services.clientGroups.setClients(system, FROM, 'Beta only', [foreign.id])).rejects.toThrow(`no client with id ${foreign.id}`);
    });
  });

  describe('Agent Key dashboard access', () => {
    it('turning it off is refused while no other active user has User Accounts', async () => {
      const lone = await makeAccount(database, 'lone-msp');
      const loneSystem = lone.services.access.systemActor(lone.account.id);
      await expect(lone.services.users.setAgentKeyDashboardAccess(loneSystem, FROM, false)).rejects.toThrow(/no other active user has the User Accounts permission/);
      await lone.services.users.add(loneSystem, FROM, { email: 'boss@lone.test', role: 'superuser' });
      await lone.services.users.setAgentKeyDashboardAccess(loneSystem, FROM, false);
      expect((await lone.services.repos.users.agentKeyOf(lone.account.id)).dashboard_access).toBe(0);
    });

    it('off keeps the API key working', async () => {
      await fleet.services.users.setAgentKeyDashboardAccess(system, FROM, false);
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body).toContain('status="OK"');
      await fleet.services.users.setAgentKeyDashboardAccess(system, FROM, true);
    });
  });

  describe('dashboard log-in', () => {
    it('accepts a correct password, refuses a wrong one or an unknown user alike', async () => {
      const { login } = fleet.services;
      const ok = await login.login('Super@acme.test', PASSWORD, '192.0.2.1');
      expect(ok.ok && ok.actor.label).toBe('super@acme.test');
      expect(await login.login('super@acme.test', 'Wrong1Password', '192.0.2.1')).toEqual({ ok: false, reason: 'invalid' });
      expect(await login.login('nobody@acme.test', PASSWORD, '192.0.2.1')).toEqual({ ok: false, reason: 'invalid' });
    });

    it('refuses the Agent Key while its dashboard access is off, even with the right password', async () => {
      const { login, users } = fleet.services;
      expect((await login.login('robot@acme.test', PASSWORD, '192.0.2.2')).ok).toBe(true);
      await users.setAgentKeyDashboardAccess(system, FROM, false);
      expect(await login.login('robot@acme.test', PASSWORD, '192.0.2.2')).toEqual({ ok: false, reason: 'invalid' });
      await users.setAgentKeyDashboardAccess(system, FROM, true);
    });

    it('blocks a user and address after 50 consecutive failures, even for the right password', async () => {
      const { login } = fleet.services;
      // The lockout is under test, not scrypt: 50 checks at the full cost would take a minute on a busy machine.
      const admin = (await fleet.services.repos.users.findByEmail('admin@acme.test'))!;
      await fleet.services.repos.users.update(fleet.account.id, admin.id, { password_hash: cheapPasswordHash(PASSWORD) });
      for (let i = 0; i < 49; i++) await login.login('admin@acme.test', 'Wrong1Password', '192.0.2.3');
      expect(await login.login('admin@acme.test', 'Wrong1Password', '192.0.2.3')).toEqual({ ok: false, reason: 'blocked', retryAfterSeconds: 300 });
      expect(await login.login('admin@acme.test', PASSWORD, '192.0.2.3')).toEqual({ ok: false, reason: 'blocked', retryAfterSeconds: 300 });
      expect((await login.login('admin@acme.test', PASSWORD, '192.0.2.4')).ok).toBe(true);
    }, 60_000);
  });

  describe('audit log', () => {
    it('records user, role, group and Agent Key changes with actor, time and source address', async () => {
      const entries = await fleet.services.audit.list(fleet.account.id, 1000);
      const actions = new Set(entries.map((e) => e.action));
      for (const action of ['user.add', 'role.create', 'role.set-permission', 'group.create', 'group.rename', 'group.delete', 'agent-key.set-group', 'agent-key.set-email', 'agent-key.access', 'user.set-group']) {
        expect(actions, action).toContain(action);
      }
      const access = entries.find((e) => e.action === 'agent-key.access')!;
      expect(access).toMatchObject({ actor_label: 'system (CLI)', source_address: FROM, created_at: Date.parse('2026-11-26T14:30:00Z') / 1000 });
      expect(JSON.stringify(entries)).not.toContain(PASSWORD);
    });
  });
});
