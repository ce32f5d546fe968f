import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURE_LIMIT } from '../../src/throttle/throttle.service.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { cheapPasswordHash } from '../support/passwords.js';
import { makeFleet, type Fleet } from '../factories.js';

const PASSWORD = 'Correct1Horse';
const FROM = '192.0.2.70';

/**
 * Security review, item 3: the lockout was checked before the password and counted after it, so 70
 * concurrent wrong passwords all passed the check: 69 were verified against a limit of 50. Counting the
 * attempt atomically first bounds the passwords checked by the limit.
 */
describe.each(DIALECTS)('login lockout under concurrency on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    const user = await fleet.services.users.add(fleet.services.access.systemActor(fleet.account.id), 'test', { email: 'target@acme.test', role: 'standard' });
    await fleet.services.repos.users.update(fleet.account.id, user.id, { password_hash: cheapPasswordHash(PASSWORD) });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('70 concurrent wrong passwords check at most the limit, and block the pair', async () => {
    const results = await Promise.all(Array.from({ length: 70 }, () => fleet.services.login.login('target@acme.test', 'Wrong1Password', FROM)));
    const refusedAfterCheck = results.filter((r) => !r.ok && r.reason === 'invalid').length;
    const blocked = results.filter((r) => !r.ok && r.reason === 'blocked').length;
    // Every password checked and refused answers "invalid", except the limit-th, which blocks the pair.
    expect(refusedAfterCheck).toBeLessThanOrEqual(LOGIN_FAILURE_LIMIT - 1);
    expect(blocked).toBeGreaterThanOrEqual(70 - LOGIN_FAILURE_LIMIT);
    expect(refusedAfterCheck + blocked).toBe(70);
    // The pair is blocked now, even for the right password; another address is not.
    expect(await fleet.services.login.login('target@acme.test', PASSWORD, FROM)).toMatchObject({ ok: false, reason: 'blocked' });
    expect((await fleet.services.login.login('target@acme.test', PASSWORD, '192.0.2.71')).ok).toBe(true);
  });
});
