import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { getPage, signIn, type Browser } from '../support/browser.js';
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
    t = await buildTestApp(database);
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
});
