import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { buildTestApp, callApi, TEST_NOW, type TestApp } from '../support/app.js';
import { getPage, postForm, signIn, type Browser } from '../support/browser.js';
import { cheapPasswordHash } from '../support/passwords.js';
import { LOGIN_FAILURE_LIMIT, storedLogin } from '../../src/throttle/throttle.service.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const PASSWORD = 'Correct-Horse-9';

/** Security review, item 8: the smaller findings in the dashboard, each over the real app and database. */
describe.each(DIALECTS)('dashboard hardening on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  let admin: Browser;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    // Enough tries per address for the lockout test; the per-address limit has a test app of its own.
    t = await buildTestApp(database, { passwordTriesPerMinute: 1000 });
    system = fleet.services.access.systemActor(fleet.account.id);
    await fleet.services.users.add(system, 'test', { email: 'admin@acme.test', role: 'superuser', password: PASSWORD });
    admin = await signIn(t.app, 'admin@acme.test', PASSWORD);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('the Users page query', () => {
    it('answers a repeated user or action filter 400, not 500', async () => {
      for (const query of ['tab=audit&user=a@acme.test&user=b@acme.test', 'tab=audit&action=user.add&action=user.delete', 'tab=audit&tab=groups']) {
        const page = await getPage(admin, `/settings/users?${query}`);
        expect(page.statusCode, query).toBe(400);
        expect(page.body, query).toContain('Give this parameter once');
      }
      expect((await getPage(admin, '/settings/users?tab=audit&user=admin@acme.test&action=user.add')).statusCode).toBe(200);
    });

    it('shows only fixed notices: ?done= carries a code, never text of the link\'s choosing', async () => {
      const planted = await getPage(admin, `/settings/users?done=${encodeURIComponent('Your account is locked: call +1 555 0100')}`);
      expect(planted.statusCode).toBe(200);
      expect(planted.body).not.toContain('call +1 555 0100');
      expect(planted.body).not.toContain('class="notice"');
      expect((await getPage(admin, '/settings/users?done=user-added')).body).toContain('<div class="notice" role="status">User added.</div>');
      expect((await getPage(admin, '/settings/users?done=constructor')).body).not.toContain('class="notice"');
    });
  });

  describe('NUL characters (PostgreSQL text cannot hold one: these were 500s there; found by the fuzzer)', () => {
    it('refuses one in a form field or a page query 400, and starts the device list over for a cursor holding one', async () => {
      const form = await postForm(admin, '/settings/account/personal-keys', { name: 'Nul\u0000key', scope: 'read', expires: '' });
      expect(form.statusCode).toBe(400);
      expect(form.body).toContain('Contains a character that is not allowed');
      const query = await getPage(admin, '/settings/users?tab=audit&user=a%00b');
      expect(query.statusCode).toBe(400);
      const cursor = Buffer.from(JSON.stringify(['A\u0000', 1])).toString('base64url');
      const list = await getPage(admin, `/?after=${cursor}`);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('ALPHA-DC01');
      expect(t.logs.join('')).not.toContain('"level":50');
    });
  });

  describe('password hashing', () => {
    it('replaces a hash made at the old cost at the next successful log-in, and audits it', async () => {
      const salt = randomBytes(16);
      const old = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
      const user = await fleet.services.users.add(system, 'test', { email: 'veteran@acme.test', role: 'standard' });
      await fleet.services.repos.users.update(fleet.account.id, user.id, { password_hash: old });

      expect((await fleet.services.login.login('veteran@acme.test', 'Wrong1Password', '192.0.2.80')).ok).toBe(false);
      expect((await fleet.services.repos.users.findById(fleet.account.id, user.id))!.password_hash).toBe(old);
      expect((await fleet.services.login.login('veteran@acme.test', PASSWORD, '192.0.2.80')).ok).toBe(true);
      const rehashed = (await fleet.services.repos.users.findById(fleet.account.id, user.id))!.password_hash!;
      expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
      const [entry] = await fleet.services.repos.audit.search(fleet.account.id, { action: 'user.password-rehash' }, 5);
      expect(entry).toMatchObject({ actor_label: 'veteran@acme.test', source_address: '192.0.2.80' });
      // The new hash works, and is not replaced again.
      expect((await fleet.services.login.login('veteran@acme.test', PASSWORD, '192.0.2.80')).ok).toBe(true);
      expect((await fleet.services.repos.users.findById(fleet.account.id, user.id))!.password_hash).toBe(rehashed);
    }, 60_000);
  });

  describe('confirming a change with one\'s password', () => {
    const errorOf = (body: string, id: string) => new RegExp(`<div class="error" id="${id}-error" role="alert">([^<]*)</div>`).exec(body)?.[1];

    it('counts wrong confirmations in the log-in lockout: the limit-th blocks the user and address, for log-in too', async () => {
      await fleet.services.users.add(system, 'test', { email: 'confirmer@acme.test', role: 'superuser', password: PASSWORD });
      const confirmer = await signIn(t.app, 'confirmer@acme.test', PASSWORD, '192.0.2.90');
      // Cheap from here on (signing in stored it at full cost), so 50 checks stay quick.
      const row = (await fleet.services.repos.users.findByEmail('confirmer@acme.test'))!;
      await fleet.services.repos.users.update(fleet.account.id, row.id, { password_hash: cheapPasswordHash(PASSWORD) });
      const addGroup = (confirm: string) => postForm(confirmer, '/settings/users/groups', { confirm, name: 'Never created' });
      for (let i = 1; i < LOGIN_FAILURE_LIMIT; i++) {
        const wrong = await addGroup('Wrong1Password');
        expect(wrong.statusCode).toBe(422);
      }
      const last = await addGroup('Wrong1Password');
      expect(last.statusCode).toBe(429);
      expect(last.headers['retry-after']).toBe('300');
      expect(errorOf(last.body, 'add-group-confirm')).toBe('Too many failed logins, try again later');
      // Blocked now even with the right password, here and at the log-in form, from this address only.
      expect((await addGroup(PASSWORD)).statusCode).toBe(429);
      expect((await fleet.services.login.login('confirmer@acme.test', PASSWORD, '192.0.2.90')).ok).toBe(false);
      expect((await fleet.services.login.login('confirmer@acme.test', PASSWORD, '192.0.2.91')).ok).toBe(true);
      expect(await fleet.services.repos.clientGroups.findByName(fleet.account.id, 'Never created')).toBeUndefined();
    }, 120_000);

    it('limits each address\'s wrong confirmations before any password is checked', async () => {
      const limited = await buildTestApp(database, { passwordTriesPerMinute: 2 });
      try {
        const browser = await signIn(limited.app, 'admin@acme.test', PASSWORD, '192.0.2.92');
        const addGroup = (confirm: string) => postForm(browser, '/settings/users/groups', { confirm, name: 'Never created' });
        expect((await addGroup('Wrong1Password')).statusCode).toBe(422);
        expect((await addGroup('Wrong1Password')).statusCode).toBe(422);
        const refused = await addGroup(PASSWORD);
        expect(refused.statusCode).toBe(429);
        expect(errorOf(refused.body, 'add-group-confirm')).toBe('Too many failed logins, try again later');
        const attempts = await database.db.selectFrom('login_attempts').select('consecutive_failures').where('login', '=', storedLogin('admin@acme.test')).where('address', '=', '192.0.2.92').executeTakeFirstOrThrow();
        expect(Number(attempts.consecutive_failures)).toBe(2);
      } finally {
        await limited.app.close();
      }
    }, 60_000);
  });

  describe('dashboard sessions', () => {
    const sessionsOf = async (email: string) => {
      const user = (await fleet.services.repos.users.findByEmail(email))!;
      return (await database.db.selectFrom('dashboard_sessions').select('id').where('user_id', '=', user.id).execute()).length;
    };

    it('a log-in deletes sessions past their lifetime or idle limit', async () => {
      let now = Date.parse(TEST_NOW);
      const moving = await buildTestApp(database, {}, { now: () => new Date(now) });
      try {
        await fleet.services.users.add(system, 'test', { email: 'early@acme.test', role: 'standard', password: PASSWORD });
        await signIn(moving.app, 'early@acme.test', PASSWORD);
        expect(await sessionsOf('early@acme.test')).toBe(1);
        now += 3 * 3600 * 1000; // past the 2-hour idle limit
        await signIn(moving.app, 'admin@acme.test', PASSWORD);
        expect(await sessionsOf('early@acme.test')).toBe(0);
      } finally {
        await moving.app.close();
      }
    }, 60_000);

    it('changing a user\'s password, disabling it, or turning the Agent Key\'s dashboard access off signs it out everywhere', async () => {
      await fleet.services.users.add(system, 'test', { email: 'mover@acme.test', role: 'standard', password: PASSWORD });
      await signIn(t.app, 'mover@acme.test', PASSWORD);
      await signIn(t.app, 'mover@acme.test', PASSWORD);
      expect(await sessionsOf('mover@acme.test')).toBe(2);
      await fleet.services.users.setPassword(system, 'test', 'mover@acme.test', 'Another-Pass-7');
      expect(await sessionsOf('mover@acme.test')).toBe(0);

      await signIn(t.app, 'mover@acme.test', 'Another-Pass-7');
      await fleet.services.users.setActive(system, 'test', 'mover@acme.test', false);
      expect(await sessionsOf('mover@acme.test')).toBe(0);

      const agentKey = await fleet.services.repos.users.agentKeyOf(fleet.account.id);
      await fleet.services.users.setPassword(system, 'test', 'agent-key', PASSWORD);
      await signIn(t.app, agentKey.email, PASSWORD);
      expect(await sessionsOf(agentKey.email)).toBe(1);
      await fleet.services.users.setAgentKeyDashboardAccess(system, 'test', false);
      expect(await sessionsOf(agentKey.email)).toBe(0);
      await fleet.services.users.setAgentKeyDashboardAccess(system, 'test', true);
    }, 60_000);
  });

  describe('My account', () => {
    const errorOf = (body: string, id: string) => new RegExp(`<div class="error" id="${id}-error" role="alert">([^<]*)</div>`).exec(body)?.[1];

    it('lets a user without General Settings see, create and revoke its own personal keys', async () => {
      await fleet.services.users.add(system, 'test', { email: 'tech@acme.test', role: 'standard', password: PASSWORD });
      const tech = await signIn(t.app, 'tech@acme.test', PASSWORD);
      expect((await getPage(tech, '/settings/general/api')).statusCode).toBe(403);
      const page = await getPage(tech, '/settings/account');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<a href="/settings/account" aria-current="page">My account</a>');
      expect(page.body).toContain('You have no personal keys.');

      const created = await postForm(tech, '/settings/account/personal-keys', { name: 'Reports', scope: 'read', expires: '' });
      expect(created.statusCode).toBe(200);
      expect(created.headers['cache-control']).toBe('no-store');
      const key = /data-testid="personal-key">(slk_[a-z2-7]+[0-9a-f]{6})</.exec(created.body)![1]!;
      expect((await callApi(t.app, { apikey: key, service: 'list_clients' })).body).toContain('status="OK"');
      expect((await getPage(tech, '/settings/account')).body).toContain('<td>Reports</td>');

      const revoked = await postForm(tech, '/settings/account/personal-keys/revoke', { name: 'Reports' });
      expect(revoked.body).toContain('Key &quot;Reports&quot; revoked: it stops working at once.');
      expect((await callApi(t.app, { apikey: key, service: 'list_clients' })).body).toContain('Login failed');
      const actions = (await fleet.services.repos.audit.search(fleet.account.id, { actorLabel: 'tech@acme.test' }, 10)).map((e) => e.action);
      expect(actions).toEqual(['personal-key.revoke', 'personal-key.create']);
    }, 60_000);

    it('changes one\'s own password with the current one, audited, ending every other session', async () => {
      await fleet.services.users.add(system, 'test', { email: 'self@acme.test', role: 'client', password: PASSWORD });
      const here = await signIn(t.app, 'self@acme.test', PASSWORD);
      const elsewhere = await signIn(t.app, 'self@acme.test', PASSWORD);
      const change = (fields: Record<string, string>) => postForm(here, '/settings/account/password', { current: PASSWORD, password: 'Brand-New-Pass-3', repeat: 'Brand-New-Pass-3', ...fields });

      const wrong = await change({ current: 'Wrong1Password' });
      expect(wrong.statusCode).toBe(422);
      expect(errorOf(wrong.body, 'pw-current')).toBe('That is not your password');
      const weak = await change({ password: 'weak', repeat: 'weak' });
      expect(weak.statusCode).toBe(422);
      expect(errorOf(weak.body, 'pw-password')).toBe('Password must be at least 8 characters');
      const differ = await change({ repeat: 'Brand-New-Pass-4' });
      expect(differ.statusCode).toBe(400);
      expect(errorOf(differ.body, 'pw-repeat')).toBe('The two new passwords differ');
      expect(differ.body).not.toContain('Brand-New-Pass');

      const changed = await change({});
      expect(changed.statusCode).toBe(303);
      expect(changed.headers.location).toBe('/settings/account?done=password-changed');
      expect((await getPage(here, '/settings/account?done=password-changed')).body).toContain('Password changed. Your other sessions have ended.');
      expect((await getPage(elsewhere, '/settings/account')).headers.location).toBe('/login');
      expect((await fleet.services.login.login('self@acme.test', PASSWORD, '192.0.2.95')).ok).toBe(false);
      expect((await fleet.services.login.login('self@acme.test', 'Brand-New-Pass-3', '192.0.2.95')).ok).toBe(true);
      const [entry] = await fleet.services.repos.audit.search(fleet.account.id, { action: 'user.change-password' }, 1);
      expect(entry).toMatchObject({ actor_label: 'self@acme.test', detail: 'self@acme.test (current password checked; other sessions ended)' });
    }, 60_000);
  });
});
