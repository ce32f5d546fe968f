import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { dashboardClient } from '../support/dashboard-client.js';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { addDashboardUsers, makeFleet, type Fleet } from '../factories.js';

const PASSWORD = 'Correct-Horse-9';
/** What htmx sends for a fragment call (hx-post with its own target) and for a boosted form. */
const FRAGMENT = { 'hx-request': 'true' };
const BOOSTED = { 'hx-request': 'true', 'hx-boosted': 'true' };

/**
 * The dashboard's one error handler and its authenticated scope, over the real app and database: a
 * refused action answers 4xx (a page, an htmx fragment, or the form with the message beside its field),
 * never a 500; a request without a session never reaches a signed-in route.
 */
describe.each(DIALECTS)('dashboard refusals on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;

  const { signedOut, signIn, post } = dashboardClient(() => t.app, PASSWORD);

  const auditActions = async (action: string) => (await fleet.services.repos.audit.search(fleet.account.id, { action }, 50)).length;
  const keyWorks = async () => (await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).body.includes('status="OK"');

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    await addDashboardUsers(fleet, PASSWORD, { roles: ['standard'] });
  });

  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('answers a Standard user posting a Users-page action 403 with the reason, and changes nothing', async () => {
    const standard = await signIn('standard@acme.test');
    const fields = { confirm: PASSWORD, email: 'sneaky@acme.test', role: 'superuser', group: 'All Clients', password: 'Sneaky-Pass-1' };
    for (const headers of [{}, BOOSTED]) {
      const refused = await post(standard, '/settings/users/add', fields, headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(refused.body).toContain('<p role="alert">Permission denied: listing users needs the &quot;User Accounts&quot; permission');
      expect(refused.body).not.toContain('Something went wrong');
    }
    expect(await fleet.services.repos.users.findByEmail('sneaky@acme.test')).toBeUndefined();
    expect(await auditActions('user.add')).toBe(2); // the two users of beforeAll only

    // An htmx call into the API dialog slot gets the reason as a fragment, not a page; the key stays.
    const generate = await post(standard, '/settings/general/api/key', {}, FRAGMENT);
    expect(generate.statusCode).toBe(403);
    expect(generate.body).toMatch(/^<div class="error-banner" role="alert">Permission denied: managing the account API key \(standard@acme\.test&#39;s role \(Standard\) is not Superuser/);
    expect(await keyWorks()).toBe(true);

    // Reading a page the role does not allow is refused the same way, in the section asked for.
    const general = await t.app.inject({ method: 'GET', url: '/settings/general', headers: { cookie: standard.cookie } });
    expect(general.statusCode).toBe(403);
    expect(general.body).toContain('needs the &quot;General Settings&quot; permission');
    expect(general.body).toContain('aria-label="Settings"');
  });

  it('shows an expired or malformed personal-key expiry beside the Expires field, and creates no key', async () => {
    const admin = await signIn('admin@acme.test');
    const expired = await post(admin, '/settings/general/api/personal-keys', { name: 'Old reports', scope: 'read', expires: '2026-11-25' }, BOOSTED);
    expect(expired.statusCode).toBe(422);
    expect(expired.body).toContain('<div class="error" id="pk-expires-error" role="alert">A key expiry must be a valid time in the future</div>');
    expect(expired.body).toContain('id="pk-expires" name="expires" value="2026-11-25" aria-invalid="true" aria-describedby="pk-expires-error"');
    expect(expired.body).toContain('id="pk-name" name="name" maxlength="100" value="Old reports">');
    expect(expired.body).not.toContain('pk-name-error');

    const malformed = await post(admin, '/settings/general/api/personal-keys', { name: 'Old reports', scope: 'read', expires: 'next week' });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.body).toContain('<div class="error" id="pk-expires-error" role="alert">An expiry is a date such as 2027-01-31</div>');

    // A body its schema refuses answers 400, the message beside the field it is about.
    const long = await post(admin, '/settings/general/api/personal-keys', { name: 'x'.repeat(101), scope: 'read', expires: '' });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('<div class="error" id="pk-name-error" role="alert">At most 100 characters</div>');
    expect(await auditActions('personal-key.create')).toBe(0);
  });

  it('places each Users-page refusal beside its field: confirmation, password, email, group name', async () => {
    const admin = await signIn('admin@acme.test');
    const add = (fields: Record<string, string>) =>
      post(admin, '/settings/users/add', { email: 'new@acme.test', role: 'standard', group: 'All Clients', password: 'Fine-Pass-42', confirm: PASSWORD, ...fields });
    const errorOf = (body: string, id: string) => new RegExp(`<div class="error" id="${id}-error" role="alert">([^<]*)</div>`).exec(body)?.[1];

    const unconfirmed = await add({ confirm: '' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(errorOf(unconfirmed.body, 'add-user-confirm')).toBe('Enter your password to confirm this change');
    const wrong = await add({ confirm: 'not-my-password' });
    expect(wrong.statusCode).toBe(422);
    expect(errorOf(wrong.body, 'add-user-confirm')).toBe('That is not your password');
    const weak = await add({ password: 'short' });
    expect(weak.statusCode).toBe(422);
    expect(errorOf(weak.body, 'add-user-password')).toBe('Password must be at least 8 characters');
    expect(errorOf(weak.body, 'add-user-confirm')).toBeUndefined();
    const badEmail = await add({ email: 'not an address' });
    expect(errorOf(badEmail.body, 'add-user-email')).toBe('&quot;not an address&quot; is not a valid email address');
    // What was typed comes back, except the passwords.
    expect(badEmail.body).toContain('value="not an address"');
    expect(badEmail.body).not.toContain('Fine-Pass-42');
    expect(await fleet.services.repos.users.findByEmail('new@acme.test')).toBeUndefined();

    const group = { name: 'Twins', clients: String(fleet.clients.beta.id), confirm: PASSWORD };
    expect((await post(admin, '/settings/users/groups', group)).statusCode).toBe(303);
    const again = await post(admin, '/settings/users/groups', group);
    expect(again.statusCode).toBe(422);
    expect(errorOf(again.body, 'add-group-name')).toBe('A client group named &quot;Twins&quot; already exists');

    // A custom role: one select per permission; a Client-based role allowing more than Devices is refused beside "Based on".
    const role = { name: 'Front desk', base: 'client', 'perm:Devices': 'allow', 'perm:Clients': 'allow', confirm: PASSWORD };
    const refusedRole = await post(admin, '/settings/users/roles', role);
    expect(refusedRole.statusCode).toBe(422);
    expect(errorOf(refusedRole.body, 'add-role-base')).toBe('A role derived from Client can allow only &quot;Devices&quot;');
    expect((await post(admin, '/settings/users/roles', { ...role, base: 'standard', 'perm:Devices': 'deny' })).statusCode).toBe(303);
    const created = (await fleet.services.roles.list(fleet.services.access.systemActor(fleet.account.id))).find((r) => r.name === 'Front desk');
    expect(created?.permissions).toEqual(['Clients']);
  });

  it('refuses a POST to a signed-in route without a session before the action runs', async () => {
    const anonymous = await signedOut(); // a valid pre-session CSRF token, but nobody signed in
    const page = await post(anonymous, '/settings/general/api/key', {});
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    const htmx = await post(anonymous, '/settings/general/api/key', {}, FRAGMENT);
    expect(htmx.statusCode).toBe(401);
    expect(htmx.headers['hx-redirect']).toBe('/login');
    expect(htmx.body).toBe('');
    expect(await keyWorks()).toBe(true);
    expect(await auditActions('apikey.regenerate')).toBe(0);

    const addUser = await post(anonymous, '/settings/users/add', { email: 'ghost@acme.test', role: 'superuser', password: 'Ghost-Pass-1', confirm: 'x' });
    expect(addUser.statusCode).toBe(303);
    expect(await fleet.services.repos.users.findByEmail('ghost@acme.test')).toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/settings/users', headers: { cookie: anonymous.cookie } })).headers.location).toBe('/login');
  });

  it('answers an unreadable body 400 and an unexpected failure a 500 page without internals', async () => {
    const admin = await signIn('admin@acme.test');
    const unreadable = await t.app.inject({ method: 'POST', url: '/settings/general/api/key', headers: { 'content-type': 'application/json', cookie: admin.cookie }, payload: '{' });
    expect(unreadable.statusCode).toBe(400);
    expect(unreadable.body).toContain('The request could not be read.');

    // The API page reads this table; without it the page fails as if the database had.
    await sql`alter table personal_api_key_usage rename to personal_api_key_usage_away`.execute(database.db);
    try {
      const failed = await t.app.inject({ method: 'GET', url: '/settings/general/api', headers: { cookie: admin.cookie } });
      expect(failed.statusCode).toBe(500);
      expect(failed.body).toContain('Something went wrong');
      expect(failed.body).not.toMatch(/personal_api_key_usage|no such table|does not exist|at .*\.ts/);
      expect(t.logs.join('')).toContain('dashboard request failed');
    } finally {
      await sql`alter table personal_api_key_usage_away rename to personal_api_key_usage`.execute(database.db);
    }
  });
});
