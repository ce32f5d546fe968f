import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedLogin } from '../../src/throttle/throttle.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { tryLogIn } from '../support/browser.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet } from '../factories.js';

const PASSWORD = 'Typed-Into-Email-9';

/**
 * Found by the secrets scan (test/e2e/secrets-at-rest.test.ts): the lockout kept the login name as typed,
 * lower-cased, in `login_attempts`, so a password typed into the email field by mistake rested there
 * readable for a day. It keeps the name's sha256 now; the lockout still tells names apart.
 */
describe.each(DIALECTS)('what the email field held at rest, on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await makeFleet(database);
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('a password typed as the log-in name is not kept; the same name in another case counts in the same run', async () => {
    expect((await tryLogIn(t.app, PASSWORD, PASSWORD, '192.0.2.70')).statusCode).toBe(401);
    expect((await tryLogIn(t.app, ` ${PASSWORD.toUpperCase()} `, 'Wrong1Password', '192.0.2.70')).statusCode).toBe(401);
    const rows = await database.db.selectFrom('login_attempts').selectAll().execute();
    expect(JSON.stringify(rows).toLowerCase()).not.toContain(PASSWORD.toLowerCase());
    expect(rows.map((r) => [r.login, r.address, Number(r.consecutive_failures)])).toEqual([[storedLogin(PASSWORD), '192.0.2.70', 2]]);
  });
});
