import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/lib/clock.js';
import { LOGIN_RUN_MEMORY_SECONDS, storedLogin } from '../../src/throttle/throttle.service.js';
import { buildTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { postForm, signedOut, tryLogIn } from '../support/browser.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { cheapPasswordHash } from '../support/passwords.js';
import { makeFleet, type Fleet } from '../factories.js';

const PASSWORD = 'Correct1Horse';

/**
 * Security review, item 5: what a request without credentials can cost. Password checks (scrypt) are
 * limited per address before they run, a throttled address costs no write, the throttle tables are
 * pruned, and slow clients time out.
 */
describe.each(DIALECTS)('unauthenticated load on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let now = Date.parse(TEST_NOW);
  const clock: Clock = { now: () => new Date(now) };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database, { passwordTriesPerMinute: 5, badKeyLimit: 3 }, clock);
    const user = await fleet.services.users.add(fleet.services.access.systemActor(fleet.account.id), 'test', { email: 'user@acme.test', role: 'standard' });
    await fleet.services.repos.users.update(fleet.account.id, user.id, { password_hash: cheapPasswordHash(PASSWORD) });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const logIn = (address: string, email: string, password: string) => tryLogIn(t.app, email, password, address);
  /** login_attempts holds the sha256 of each login name: the names this file tries, by their stored form. */
  const loginOf = new Map(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'user', 'late'].map((name) => [storedLogin(`${name}@acme.test`), `${name}@acme.test`]));
  const attemptsOf = async (address: string) =>
    (await database.db.selectFrom('login_attempts').select(['login', 'consecutive_failures']).where('address', '=', address).execute())
      .map((r) => [loginOf.get(r.login) ?? r.login, Number(r.consecutive_failures)]);

  it('sets request, header, idle and keep-alive timeouts', () => {
    const server = t.app.server;
    expect(server.requestTimeout).toBe(60_000);
    expect(server.headersTimeout).toBe(15_000);
    expect(server.keepAliveTimeout).toBe(65_000);
    // Longer than the longest command long-poll of the agent protocol (60 s).
    expect(server.timeout).toBe(90_000);
  });

  it('limits failed password checks per address before any runs: the lockout never sees the refused ones', async () => {
    const spray = ['a@acme.test', 'b@acme.test', 'c@acme.test', 'd@acme.test', 'e@acme.test', 'f@acme.test', 'g@acme.test'];
    const answers = [];
    for (const email of spray) answers.push(await logIn('198.51.100.5', email, 'Wrong1Password'));
    expect(answers.map((a) => a.statusCode)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(answers[5]!.headers['retry-after']).toBe('12');
    expect(answers[5]!.body).toContain('Too many failed logins, try again later');
    // Only the five checked attempts reached the lockout (and scrypt); the refused ones wrote nothing.
    expect((await attemptsOf('198.51.100.5')).map(([login]) => login).sort()).toEqual(spray.slice(0, 5));
    // Another address has its own tries.
    expect((await logIn('198.51.100.6', 'a@acme.test', 'Wrong1Password')).statusCode).toBe(401);
  });

  it('sends a signed-out post to a signed-in password form to log in, even from an address out of tries (was 500)', async () => {
    // 198.51.100.5 spent its tries above. The forms that check the signed-in user's own password used to
    // take a try before the sign-in check ran, and rendered the refusal for a user nobody was.
    const browser = await signedOut(t.app, '198.51.100.5');
    for (const [url, fields] of [['/settings/account/password', { current: 'x', password: 'Wrong1Password', repeat: 'Wrong1Password' }], ['/settings/users/groups', { confirm: 'x', name: 'G' }]] as const) {
      const answer = await postForm(browser, url, fields);
      expect(answer.statusCode, url).toBe(303);
      expect(answer.headers.location, url).toBe('/login');
    }
    expect((await logIn('198.51.100.5', 'user@acme.test', PASSWORD)).statusCode).toBe(429);
  });

  it('a right password gives its try back, so people logging in never run out', async () => {
    for (let i = 0; i < 8; i++) expect((await logIn('198.51.100.7', 'user@acme.test', PASSWORD)).statusCode).toBe(303);
    expect((await logIn('198.51.100.7', 'user@acme.test', 'Wrong1Password')).statusCode).toBe(401);
  });

  it('a throttled address costs no write per bad key', async () => {
    const bad = (address: string) => t.app.inject({ method: 'GET', url: `/api/?apikey=${'e'.repeat(32)}&service=list_clients`, remoteAddress: address });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await bad('198.51.100.8')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    const row = await database.db.selectFrom('api_auth_failures').select('failures').where('address', '=', '198.51.100.8').executeTakeFirstOrThrow();
    // Counted up to the first throttled request; the six after it were answered from memory.
    expect(Number(row.failures)).toBe(4);
  });

  it('prunes login runs nobody continues for a day, and bad-key counts whose window ended', async () => {
    expect(await attemptsOf('198.51.100.5')).not.toEqual([]);
    expect(await database.db.selectFrom('api_auth_failures').select('address').where('address', '=', '198.51.100.8').execute()).not.toEqual([]);
    now += (LOGIN_RUN_MEMORY_SECONDS + 60) * 1000;
    expect((await logIn('198.51.100.9', 'late@acme.test', 'Wrong1Password')).statusCode).toBe(401);
    await t.app.inject({ method: 'GET', url: `/api/?apikey=${'e'.repeat(32)}&service=list_clients`, remoteAddress: '198.51.100.9' });
    expect(await attemptsOf('198.51.100.5')).toEqual([]);
    expect(await attemptsOf('198.51.100.9')).toEqual([['late@acme.test', 1]]);
    expect(await database.db.selectFrom('api_auth_failures').select('address').execute()).toEqual([{ address: '198.51.100.9' }]);
  });
});
