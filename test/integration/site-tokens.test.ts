import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, NOW, type Fleet } from '../factories.js';

/** Site enrolment tokens: created, listed and revoked by the permission holder, audited, hashed at rest, expiring. */
describe.each(DIALECTS)('site enrolment tokens on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let services: Services;
  let system: Actor;
  let now = NOW;
  const clock: Clock = { now: () => new Date(now * 1000) };
  const scope = () => ({ accountId: fleet.account.id, clientGroupId: null });
  const site = () => fleet.sites.alphaHq.id;
  const actorOf = async (email: string) => services.access.actorFor((await services.repos.users.findByEmail(email))!);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await makeFleet(database, 'globex');
    services = createServices({ config: loadConfig({}), database, clock });
    system = services.access.systemActor(fleet.account.id);
    await services.users.add(system, 'test', { email: 'admin@acme.test', role: 'administrator' });
    await services.users.add(system, 'test', { email: 'desk@acme.test', role: 'standard' });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('creates a 30-day token shown once, stored as its sha256 only, and audits it with the actor', async () => {
    const admin = await actorOf('admin@acme.test');
    const created = await services.siteTokens.create(admin, scope(), '203.0.113.9', site());
    expect(created.token).toMatch(/^slt_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(created.expiresAt).toBe(NOW + 30 * 86400);
    const rows = await database.db.selectFrom('site_enrolment_tokens').selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(created.token));
    const everything = JSON.stringify([rows, await database.db.selectFrom('audit_log').selectAll().execute()]);
    expect(everything).not.toContain(created.token.slice(12));
    const [entry] = await services.audit.list(fleet.account.id, 1);
    expect(entry).toMatchObject({ action: 'site-token.create', actor_label: 'admin@acme.test', source_address: '203.0.113.9' });
    expect(entry!.detail).toContain(`${created.prefix}…`);
    expect(await services.siteTokens.verify(created.token)).toMatchObject({ accountId: fleet.account.id, clientId: fleet.clients.alpha.id, siteId: site() });
  });

  it('lists prefix, dates and state, never the token or its hash', async () => {
    const listed = await services.siteTokens.list(system, scope(), site());
    expect(listed.length).toBeGreaterThan(0);
    for (const row of listed) {
      expect(Object.keys(row).sort()).toEqual(['created_at', 'created_by', 'expires_at', 'id', 'last_used_at', 'prefix', 'revoked_at', 'site_id', 'state']);
      expect(row.state).toBe('active');
    }
  });

  it('revokes by prefix (audited), and a revoked or expired token no longer verifies', async () => {
    const revoked = await services.siteTokens.create(system, scope(), 'test', site());
    expect(await services.siteTokens.revoke(system, scope(), 'cli', site(), revoked.prefix)).toBe(1);
    expect(await services.siteTokens.verify(revoked.token)).toBeNull();
    expect((await services.audit.list(fleet.account.id, 1))[0]).toMatchObject({ action: 'site-token.revoke', actor_label: 'system (CLI)' });
    await expect(services.siteTokens.revoke(system, scope(), 'cli', site(), revoked.prefix)).rejects.toThrow(/has no unrevoked token/);

    const shortLived = await services.siteTokens.create(system, scope(), 'test', site(), { expiresAt: new Date((NOW + 3600) * 1000) });
    expect(await services.siteTokens.verify(shortLived.token)).not.toBeNull();
    now = NOW + 3600;
    try {
      expect(await services.siteTokens.verify(shortLived.token)).toBeNull();
      const states = new Map((await services.siteTokens.list(system, scope(), site())).map((r) => [r.prefix, r.state]));
      expect(states.get(shortLived.prefix)).toBe('expired');
      expect(states.get(revoked.prefix)).toBe('revoked');
    } finally {
      now = NOW;
    }
    await expect(services.siteTokens.create(system, scope(), 'test', site(), { expiresAt: new Date((NOW - 1) * 1000) })).rejects.toThrow(/in the future/);
  });

  it('needs the Site Installation Package permission, and a site the scope sees', async () => {
    const desk = await actorOf('desk@acme.test');
    await expect(services.siteTokens.create(desk, scope(), 'test', site())).rejects.toThrow(/needs the "Site Installation Package" permission/);
    await expect(services.siteTokens.list(desk, scope(), site())).rejects.toThrow(/Permission denied/);
    const globex = await database.db.selectFrom('sites').select('id').where('account_id', '<>', fleet.account.id).executeTakeFirstOrThrow();
    await expect(services.siteTokens.create(system, scope(), 'test', globex.id)).rejects.toThrow(`no site ${globex.id} in this account`);
    await expect(services.siteTokens.verify('slt_garbage')).resolves.toBeNull();
  });
});
