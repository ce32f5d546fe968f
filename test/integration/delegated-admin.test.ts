import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { getPage, postForm, signIn } from '../support/browser.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const FROM = '198.51.100.30';
const PASSWORD = 'Correct1Horse';

/**
 * Security review, item 1: a delegated administrator never hands out (to others or to itself) a role,
 * permission, client group or client beyond its own, never takes over a user who holds more, and keeps
 * the members of a group it cannot see when it saves that group.
 */
describe.each(DIALECTS)('delegated administrators on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  const actorOf = async (email: string) => fleet.services.access.actorFor((await fleet.services.repos.users.findByEmail(email))!);
  const groupOf = async (email: string) => {
    const user = (await fleet.services.repos.users.findByEmail(email))!;
    return (await fleet.services.repos.clientGroups.findById(fleet.account.id, user.client_group_id))!.name;
  };
  const membersOf = async (name: string) =>
    fleet.services.repos.clientGroups.clientIdsOf((await fleet.services.repos.clientGroups.findByName(fleet.account.id, name))!.id);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    const { users, clientGroups, roles } = fleet.services;
    const { alpha, beta, gamma } = fleet.clients;
    await clientGroups.create(system, FROM, { name: 'G1', clientIds: [alpha.id] });
    await clientGroups.create(system, FROM, { name: 'G2', clientIds: [beta.id] });
    await clientGroups.create(system, FROM, { name: 'Alpha and Gamma', clientIds: [alpha.id, gamma.id] });
    await roles.create(system, FROM, { name: 'No Security', base: 'superuser', deny: ['Security'] });
    await roles.create(system, FROM, { name: 'Classic with users', base: 'administrator-classic', allow: ['User Accounts'] });
    // A Superuser restricted to G1: full permissions, a client group of one client.
    await users.add(system, FROM, { email: 'delegate@acme.test', role: 'superuser', group: 'G1', password: PASSWORD });
    await users.add(system, FROM, { email: 'limited@acme.test', role: 'No Security' });
    await users.add(system, FROM, { email: 'classic@acme.test', role: 'Classic with users' });
    await users.add(system, FROM, { email: 'boss@acme.test', role: 'superuser' });
    await users.add(system, FROM, { email: 'helper@acme.test', role: 'standard', group: 'G1' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('a Superuser restricted to G1 cannot move itself, or anyone, to All Clients or to a group it does not see', async () => {
    const delegate = await actorOf('delegate@acme.test');
    const { users } = fleet.services;
    await expect(users.setGroup(delegate, FROM, 'delegate@acme.test', 'All Clients')).rejects.toThrow(
      `Permission denied: giving the client group "All Clients" reaches beyond delegate@acme.test's own client group`,
    );
    await expect(users.setGroup(delegate, FROM, 'helper@acme.test', 'G2')).rejects.toThrow(/reaches beyond delegate@acme.test's own client group/);
    await expect(users.setGroup(delegate, FROM, 'helper@acme.test', 'Alpha and Gamma')).rejects.toThrow(/own client group/);
    await expect(users.add(delegate, FROM, { email: 'wide@acme.test', role: 'standard', group: 'All Clients' })).rejects.toThrow(/own client group/);
    expect(await groupOf('delegate@acme.test')).toBe('G1');
    expect(await groupOf('helper@acme.test')).toBe('G1');
    expect(await fleet.services.repos.users.findByEmail('wide@acme.test')).toBeUndefined();

    // Within its sight it may act: a user added without a group gets the creator's group, not All Clients.
    await users.add(delegate, FROM, { email: 'narrow@acme.test', role: 'standard' });
    expect(await groupOf('narrow@acme.test')).toBe('G1');
  });

  it('cannot put a client it does not see into a group, answered like a client that does not exist', async () => {
    const delegate = await actorOf('delegate@acme.test');
    const { clientGroups } = fleet.services;
    const { alpha, beta } = fleet.clients;
    await expect(clientGroups.setClients(delegate, FROM, 'G1', [alpha.id, beta.id])).rejects.toThrow(`no client with id ${beta.id} in this account`);
    await expect(clientGroups.create(delegate, FROM, { name: 'Stolen', clientIds: [beta.id] })).rejects.toThrow(`no client with id ${beta.id} in this account`);
    expect(await membersOf('G1')).toEqual([alpha.id]);
    expect(await fleet.services.repos.clientGroups.findByName(fleet.account.id, 'Stolen')).toBeUndefined();
  });

  it('saving a group keeps the members the editor cannot see', async () => {
    const delegate = await actorOf('delegate@acme.test');
    const { alpha, gamma } = fleet.clients;
    await fleet.services.clientGroups.setClients(delegate, FROM, 'Alpha and Gamma', []);
    expect(await membersOf('Alpha and Gamma')).toEqual([gamma.id]);
    await fleet.services.clientGroups.setClients(delegate, FROM, 'Alpha and Gamma', [alpha.id]);
    expect((await membersOf('Alpha and Gamma')).sort((a, b) => a - b)).toEqual([alpha.id, gamma.id].sort((a, b) => a - b));
    const [entry] = await fleet.services.repos.audit.search(fleet.account.id, { action: 'group.set-clients' }, 1);
    expect(entry!.detail).toBe(`"Alpha and Gamma" = [${alpha.id}] (and 1 outside delegate@acme.test's client group, kept)`);
  });

  it('saving a group through the dashboard keeps the members the editor cannot see', async () => {
    const { gamma, alpha } = fleet.clients;
    const delegate = await signIn(t.app, 'delegate@acme.test', PASSWORD);
    const page = await getPage(delegate, '/settings/users?tab=groups');
    // The form lists only what the delegate sees: Gamma is not offered.
    expect(page.body).not.toContain('Gamma Clinic');
    const group = (await fleet.services.repos.clientGroups.findByName(fleet.account.id, 'Alpha and Gamma'))!;
    const saved = await postForm(delegate, `/settings/users/groups/${group.id}`, { confirm: PASSWORD, name: 'Alpha and Gamma' });
    expect(saved.statusCode).toBe(303);
    expect(await membersOf('Alpha and Gamma')).toEqual([gamma.id]);
    await fleet.services.clientGroups.setClients(system, FROM, 'Alpha and Gamma', [alpha.id, gamma.id]);
  });

  it('nobody gives a role with a permission they lack, to others or to themselves', async () => {
    const limited = await actorOf('limited@acme.test');
    const { users, roles } = fleet.services;
    await expect(users.setRole(limited, FROM, 'limited@acme.test', 'superuser')).rejects.toThrow(
      `Permission denied: giving the role Superuser reaches beyond limited@acme.test's own role (No Security): the "Security" permission`,
    );
    await expect(users.add(limited, FROM, { email: 'promoted@acme.test', role: 'superuser' })).rejects.toThrow(/the "Security" permission/);
    await expect(roles.create(limited, FROM, { name: 'Everything', base: 'superuser' })).rejects.toThrow(/creating the role "Everything" reaches beyond/);
    await expect(roles.setPermission(limited, FROM, 'No Security', 'Security', null)).rejects.toThrow(/allowing "Security" in the role "No Security" reaches beyond/);
    await expect(roles.setPermission(limited, FROM, 'No Security', 'Security', true)).rejects.toThrow(/reaches beyond/);
    expect((await actorOf('limited@acme.test')).permissions.has('Security')).toBe(false);
    expect(await fleet.services.repos.users.findByEmail('promoted@acme.test')).toBeUndefined();

    // Within its reach it may: a role it holds all of, and a role without the permission it lacks.
    await users.add(limited, FROM, { email: 'standard2@acme.test', role: 'standard' });
    await roles.create(limited, FROM, { name: 'Also no Security', base: 'superuser', deny: ['Security'] });
    await roles.setPermission(limited, FROM, 'Also no Security', 'Security', false);
  });

  it('a Classic-derived role cannot hand out the account API key that its own General Settings does not cover', async () => {
    const classic = await actorOf('classic@acme.test');
    await expect(fleet.services.users.setRole(classic, FROM, 'classic@acme.test', 'administrator')).rejects.toThrow(
      /giving the role Administrator reaches beyond classic@acme.test's own role \(Classic with users\): managing the account API key/,
    );
    await fleet.services.users.setRole(classic, FROM, 'standard2@acme.test', 'standard-classic');
  });

  it('nobody takes over a user who holds more: password, email, role, group, state', async () => {
    const delegate = await actorOf('delegate@acme.test');
    const limited = await actorOf('limited@acme.test');
    const { users } = fleet.services;
    const before = (await fleet.services.repos.users.findByEmail('boss@acme.test'))!;
    // boss sees All Clients, beyond the delegate's G1; boss holds Security, beyond the limited role.
    await expect(users.setPassword(delegate, FROM, 'boss@acme.test', 'Taken-Over-1')).rejects.toThrow(/changing the password of boss@acme.test reaches beyond delegate@acme.test's own client group/);
    await expect(users.setPassword(limited, FROM, 'boss@acme.test', 'Taken-Over-1')).rejects.toThrow(/changing the password of boss@acme.test reaches beyond limited@acme.test's own role/);
    await expect(users.setEmail(limited, FROM, 'boss@acme.test', 'mine@acme.test')).rejects.toThrow(/reaches beyond/);
    await expect(users.setGroup(limited, FROM, 'boss@acme.test', 'G1')).rejects.toThrow(/reaches beyond/);
    await expect(users.setActive(limited, FROM, 'boss@acme.test', false)).rejects.toThrow(/reaches beyond/);
    await expect(users.remove(limited, FROM, 'boss@acme.test')).rejects.toThrow(/reaches beyond/);
    await expect(users.setPassword(limited, FROM, 'agent-key', 'Taken-Over-1')).rejects.toThrow(/changing the password of the Agent Key reaches beyond/);
    // A disabled user keeps its role's reach: disabling it first does not open the door.
    await users.setActive(system, FROM, 'boss@acme.test', false);
    await expect(users.setPassword(limited, FROM, 'boss@acme.test', 'Taken-Over-1')).rejects.toThrow(/reaches beyond/);
    await expect(users.setActive(limited, FROM, 'boss@acme.test', true)).rejects.toThrow(/reaches beyond/);
    await users.setActive(system, FROM, 'boss@acme.test', true);
    const after = (await fleet.services.repos.users.findByEmail('boss@acme.test'))!;
    expect(after.password_hash).toBe(before.password_hash);

    // Users within reach stay manageable.
    await users.setPassword(delegate, FROM, 'helper@acme.test', 'Helper-Pass-1');
  });
});
