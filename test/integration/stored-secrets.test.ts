import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyKeptTokenMail } from '../../src/db/migrations/0011-security.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { postForm, signIn } from '../support/browser.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const PASSWORD = 'Correct-Horse-9';

/**
 * Security review, item 2: without SMTP, "Email Token" used to write the whole mail, key included, to
 * `outbox.body`. It is now refused with a clear message, and mail kept that way before is emptied.
 */
describe.each(DIALECTS)('no API key stored in the clear, on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    // No mailer given and no SIGHTLINE_SMTP_URL: the app's mail goes to the outbox.
    t = await buildTestApp(database);
    await fleet.services.users.add(fleet.services.access.systemActor(fleet.account.id), 'test', { email: 'admin@acme.test', role: 'superuser', password: PASSWORD });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  /** Every text the tables that hold mail and history keep, as one string to search. */
  const storedText = async () => JSON.stringify([
    await database.db.selectFrom('outbox').selectAll().execute(),
    await database.db.selectFrom('audit_log').selectAll().execute(),
  ]);

  it('Email Token without SMTP is refused beside the address, and the key reaches no table', async () => {
    const admin = await signIn(t.app, 'admin@acme.test', PASSWORD);
    const post = (url: string, fields: Record<string, string>) => postForm(admin, url, fields, { 'hx-request': 'true' });

    const generated = await post('/settings/general/api/key', {});
    const key = /data-testid="api-key">([0-9a-f]{32})</.exec(generated.body)![1]!;
    const emailed = await post('/settings/general/api/email', { to: 'ops@customer.test', key });
    expect(emailed.statusCode).toBe(422);
    expect(emailed.body).toContain('<div class="error" id="email-token-error" role="alert">No SMTP server is configured (SIGHTLINE_SMTP_URL)');
    expect(await database.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect(await storedText()).not.toContain(key);
  });

  it('empties the outbox copies of token mail kept before, and nothing else', async () => {
    const now = Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000);
    const key = 'a'.repeat(32);
    await fleet.services.repos.outbox.add({ accountId: fleet.account.id, recipient: 'ops@customer.test', subject: 'Sightline API token for acme', body: `The API token:\n\n  ${key}\n`, now });
    await fleet.services.repos.outbox.add({ accountId: fleet.account.id, recipient: 'ops@customer.test', subject: 'Something else', body: 'kept as it was', now });
    await emptyKeptTokenMail(database.db);
    const rows = await fleet.services.repos.outbox.list(fleet.account.id, 10);
    expect(rows.map((r) => r.body)).toEqual(['kept as it was', '(removed: this message held an API key, which is never kept in the database)']);
    expect(await storedText()).not.toContain(key);
  });
});
