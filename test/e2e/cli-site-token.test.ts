import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/secrets.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';
import { cli, lastLine } from '../support/cli.js';

/** `sightline site-token create|list|revoke` as an operator runs them. */
describe.each(DIALECTS)('the site-token CLI on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  const on = (...args: string[]) => [...args, '--db', database.url, '--account', 'acme', '--site', String(fleet.sites.alphaHq.id)];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('creates (token alone on the last line), lists without the token, and revokes by prefix', async () => {
    const created = await cli(on('site-token', 'create', '--expires', '2027-06-30T00:00:00Z'));
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    expect(token).toMatch(/^slt_[A-Za-z0-9_-]{43}$/);
    const row = await database.db.selectFrom('site_enrolment_tokens').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ token_hash: sha256Hex(token), expires_at: Date.parse('2027-06-30T00:00:00Z') / 1000, created_by: 'system (CLI)' });

    const listed = await cli(on('site-token', 'list'));
    expect(listed.stdout).toMatch(new RegExp(`^${token.slice(0, 12)}\\s+active\\s`, 'm'));
    expect(listed.stdout).not.toContain(token.slice(12));

    const revoked = await cli(on('site-token', 'revoke', '--prefix', token.slice(0, 12)));
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await cli(on('site-token', 'list'))).stdout).toMatch(new RegExp(`^${token.slice(0, 12)}\\s+revoked\\s`, 'm'));
  });

  it('answers bad input with one line on stderr', async () => {
    const badDate = await cli(on('site-token', 'create', '--expires', 'next week'));
    expect(badDate.code).toBe(2);
    expect(badDate.stderr.trim()).toBe('sightline: --expires takes an ISO 8601 time, e.g. 2027-01-31T00:00:00Z');
    const foreign = await cli(['site-token', 'list', '--db', database.url, '--account', 'acme', '--site', '987654']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr.trim()).toBe('sightline: no site 987654 in this account');
  });
});
