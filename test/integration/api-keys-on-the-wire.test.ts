import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../src/access/access.service.js';
import type { Clock } from '../../src/lib/clock.js';
import { buildTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const FROM = '192.0.2.10';

/** A clock tests can move forward. */
function movableClock(iso: string) {
  let now = Date.parse(iso);
  const clock: Clock & { advance(seconds: number): void } = { now: () => new Date(now), advance: (s) => { now += s * 1000; } };
  return clock;
}

async function call(app: FastifyInstance, params: Record<string, string | number>, from = FROM, headers: Record<string, string> = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return app.inject({ method: 'GET', url: `/api/?${query}`, remoteAddress: from, headers });
}

describe.each(DIALECTS)('keys on the wire on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  const clock = movableClock(TEST_NOW);
  const owner = async (email: string) => (await fleet.services.repos.users.findByEmail(email))!;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database, { badKeyLimit: 3, badKeyWindowSeconds: 60 }, clock);
    system = fleet.services.access.systemActor(fleet.account.id);
    await fleet.services.clientGroups.create(system, FROM, { name: 'Alpha only', clientIds: [fleet.clients.alpha.id] });
    await fleet.services.users.add(system, FROM, { email: 'tech@acme.test', role: 'standard', group: 'Alpha only' });
    await fleet.services.users.add(system, FROM, { email: 'admin@acme.test', role: 'administrator' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('throttling bad keys', () => {
    it('answers 429 with Retry-After and the XML error after the limit, per address, until the window ends', async () => {
      const bad = { apikey: '0'.repeat(32), service: 'list_clients' };
      for (let i = 0; i < 3; i++) {
        const res = await call(t.app, bad, '203.0.113.5');
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<errorcode>3</errorcode><message>Login failed</message>');
      }
      const throttled = await call(t.app, bad, '203.0.113.5');
      expect(throttled.statusCode).toBe(429);
      expect(throttled.headers['retry-after']).toBe('60');
      expect(throttled.body).toContain('status="FAIL"><error><errorcode>7</errorcode><message>Too many failed logins, try again later</message>');
      // Another address is not affected.
      expect((await call(t.app, bad, '203.0.113.6')).statusCode).toBe(200);
      clock.advance(61);
      expect((await call(t.app, bad, '203.0.113.5')).statusCode).toBe(200);
    });

    it('never locks out a valid key: not from another address, not even from the throttled one', async () => {
      for (let i = 0; i < 5; i++) await call(t.app, { apikey: 'f'.repeat(32), service: 'list_clients' }, '203.0.113.7');
      expect((await call(t.app, { apikey: 'f'.repeat(32), service: 'list_clients' }, '203.0.113.7')).statusCode).toBe(429);
      expect((await call(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, '203.0.113.8')).body).toContain('status="OK"');
      expect((await call(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, '203.0.113.7')).body).toContain('status="OK"');
    });

    it('counts across server processes: the counters live in the database', async () => {
      const other = await buildTestApp(database, { badKeyLimit: 3, badKeyWindowSeconds: 60 }, clock);
      try {
        await call(t.app, { apikey: 'e'.repeat(32), service: 'list_clients' }, '203.0.113.9');
        await call(other.app, { apikey: 'e'.repeat(32), service: 'list_clients' }, '203.0.113.9');
        await call(t.app, { apikey: 'e'.repeat(32), service: 'list_clients' }, '203.0.113.9');
        expect((await call(other.app, { apikey: 'e'.repeat(32), service: 'list_clients' }, '203.0.113.9')).statusCode).toBe(429);
      } finally {
        await other.app.close();
      }
    });
  });

  describe('dashboard login lockout', () => {
    it('blocks a user and address for 5 minutes after 50 consecutive failures; other addresses are unaffected', async () => {
      const attempts = fleet.services.loginAttempts;
      // The service's clock is the factory's fixed one: check the block against that.
      const fail = async (login: string, address: string) => {
        const attempt = await attempts.begin(login, address);
        return attempt.blocked ? attempt : attempts.failed(attempt);
      };
      for (let i = 0; i < 49; i++) expect((await fail('Admin@acme.test', FROM)).blocked).toBe(false);
      expect(await fail('admin@acme.test', FROM)).toEqual({ blocked: true, retryAfterSeconds: 300 });
      expect(await attempts.begin('admin@acme.test', FROM)).toEqual({ blocked: true, retryAfterSeconds: 300 });
      expect((await attempts.begin('admin@acme.test', '192.0.2.99')).blocked).toBe(false);
    });

    it('a success ends the run of failures', async () => {
      const attempts = fleet.services.loginAttempts;
      for (let i = 0; i < 49; i++) {
        const attempt = await attempts.begin('tech@acme.test', FROM);
        if (!attempt.blocked) await attempts.failed(attempt);
      }
      const success = await attempts.begin('tech@acme.test', FROM);
      if (!success.blocked) await attempts.succeeded(success);
      const next = await attempts.begin('tech@acme.test', FROM);
      expect(next).toMatchObject({ blocked: false, attempts: 1 });
    });
  });

  describe('personal API keys', () => {
    it('work in all three transports and see only their user\'s client group', async () => {
      const { key } = await fleet.services.personalKeys.create(system, FROM, await owner('tech@acme.test'), { name: 'script' });
      expect(key).toMatch(/^slk_/);
      for (const res of [
        await call(t.app, { apikey: key, service: 'list_clients' }),
        await call(t.app, { service: 'list_clients' }, FROM, { 'x-api-key': key }),
        await call(t.app, { service: 'list_clients' }, FROM, { authorization: `Bearer ${key}` }),
        await t.app.inject({ method: 'POST', url: '/api/', remoteAddress: FROM, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `apikey=${key}&service=list_clients` }),
      ]) {
        expect(res.body).toContain('Alpha Dental');
        expect(res.body).not.toContain('Beta Logistics');
      }
      expect((await call(t.app, { apikey: key, service: 'list_sites', clientid: fleet.clients.beta.id })).body).toContain('Invalid value for parameter: clientid');
    });

    it("follow their user's group and activity per request", async () => {
      const { key } = await fleet.services.personalKeys.create(system, FROM, await owner('tech@acme.test'), { name: 'follows' });
      await fleet.services.users.setGroup(system, FROM, 'tech@acme.test', 'All Clients');
      expect((await call(t.app, { apikey: key, service: 'list_clients' })).body).toContain('Beta Logistics');
      await fleet.services.users.setGroup(system, FROM, 'tech@acme.test', 'Alpha only');
      expect((await call(t.app, { apikey: key, service: 'list_clients' })).body).not.toContain('Beta Logistics');
      const tech = await owner('tech@acme.test');
      await fleet.services.repos.users.update(fleet.account.id, tech.id, { active: 0 });
      expect((await call(t.app, { apikey: key, service: 'list_clients' })).body).toContain('Login failed');
      await fleet.services.repos.users.update(fleet.account.id, tech.id, { active: 1 });
    });

    it('an expired personal key fails', async () => {
      const expiresAt = new Date(clock.now().getTime() + 3600_000);
      const created = await fleet.services.personalKeys.create(system, FROM, await owner('admin@acme.test'), { name: 'short', expiresAt });
      // The service's clock is fixed at TEST_NOW; the app's clock has moved on, past the expiry.
      expect((await call(t.app, { apikey: created.key, service: 'list_clients' })).body).toContain('status="OK"');
      clock.advance(3601);
      expect((await call(t.app, { apikey: created.key, service: 'list_clients' })).body).toContain('<errorcode>3</errorcode><message>Login failed</message>');
    });

    it('a revoked personal key fails, and other keys of the user keep working', async () => {
      const admin = await owner('admin@acme.test');
      const a = await fleet.services.personalKeys.create(system, FROM, admin, { name: 'a' });
      const b = await fleet.services.personalKeys.create(system, FROM, admin, { name: 'b' });
      await fleet.services.personalKeys.revoke(system, FROM, admin, 'a');
      expect((await call(t.app, { apikey: a.key, service: 'list_clients' })).body).toContain('Login failed');
      expect((await call(t.app, { apikey: b.key, service: 'list_clients' })).body).toContain('status="OK"');
    });

    it('a key with a broken checksum fails without being looked up', async () => {
      const { key } = await fleet.services.personalKeys.create(system, FROM, await owner('admin@acme.test'), { name: 'typo' });
      const typo = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
      expect((await call(t.app, { apikey: typo, service: 'list_clients' })).body).toContain('Login failed');
    });

    it('are listed with name, prefix, created, last used, expiry and calls per service; stored only hashed', async () => {
      const admin = await owner('admin@acme.test');
      const { key } = await fleet.services.personalKeys.create(system, FROM, admin, { name: 'counted', scope: 'read-write' });
      await call(t.app, { apikey: key, service: 'list_clients' });
      await call(t.app, { apikey: key, service: 'list_clients' });
      await call(t.app, { apikey: key, service: 'list_sites', clientid: fleet.clients.alpha.id });
      const listed = (await fleet.services.personalKeys.list(system, admin)).find((k) => k.name === 'counted')!;
      expect(listed).toMatchObject({ prefix: key.slice(0, 12), scope: 'read-write', usage: { list_clients: 2, list_sites: 1 } });
      expect(listed.last_used_at).toBe(Math.floor(clock.now().getTime() / 1000));
      const stored = await database.db.selectFrom('personal_api_keys').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(key);
    });

    it('users create keys only for themselves; another user needs User Accounts even to list them', async () => {
      const tech = await owner('tech@acme.test');
      const adminActor = await fleet.services.access.actorFor(await owner('admin@acme.test'));
      await expect(fleet.services.personalKeys.create(adminActor, FROM, tech, { name: 'x' })).rejects.toThrow(/only for themselves/);
      await expect(fleet.services.personalKeys.list(adminActor, tech)).rejects.toThrow(/"User Accounts" permission/);
      const techActor = await fleet.services.access.actorFor(tech);
      expect((await fleet.services.personalKeys.create(techActor, FROM, tech, { name: 'mine' })).key).toMatch(/^slk_/);
    });
  });

  describe('API address allow-list', () => {
    it('refuses keys from outside the listed networks with "Login failed", for the account key and personal keys', async () => {
      const { key } = await fleet.services.personalKeys.create(system, FROM, await owner('admin@acme.test'), { name: 'allow-list' });
      await fleet.services.apiKeys.setAllowedNetworks(system, FROM, '192.0.2.0/24');
      expect((await call(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, '192.0.2.200')).body).toContain('status="OK"');
      expect((await call(t.app, { apikey: key, service: 'list_clients' }, '192.0.2.200')).body).toContain('status="OK"');
      expect((await call(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, '198.51.100.1')).body).toContain('Login failed');
      expect((await call(t.app, { apikey: key, service: 'list_clients' }, '198.51.100.1')).body).toContain('Login failed');
      await fleet.services.apiKeys.setAllowedNetworks(system, FROM, null);
      expect((await call(t.app, { apikey: fleet.apiKey, service: 'list_clients' }, '198.51.100.1')).body).toContain('status="OK"');
    });

    it('needs the Security permission to change', async () => {
      const adminActor = await fleet.services.access.actorFor(await owner('admin@acme.test'));
      await expect(fleet.services.apiKeys.setAllowedNetworks(adminActor, FROM, '10.0.0.0/8')).rejects.toThrow(/"Security" permission/);
    });
  });
});
