import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import type { Actor } from '../../src/access/access.service.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createSmtpMailer } from '../../src/mail/mailer.js';
import { createServices } from '../../src/services.js';
import { loadConfig } from '../../src/config.js';
import { fixedClock } from '../../src/lib/clock.js';
import { buildTestApp, callApi, TEST_NOW, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { startSmtpServer } from '../support/mail.js';
import { makeFleet, type Fleet } from '../factories.js';

const FROM = '192.0.2.44';
const ok = (body: string) => body.includes('status="OK"');

describe.each(DIALECTS)('account API key lifecycle on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  const actorOf = async (email: string) => fleet.services.access.actorFor((await fleet.services.repos.users.findByEmail(email))!);
  const works = async (app: TestApp['app'], key: string) => ok((await callApi(app, { apikey: key, service: 'list_clients' })).body);

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    for (const [email, role] of [
      ['super@acme.test', 'superuser'], ['admin@acme.test', 'administrator'], ['classic@acme.test', 'administrator-classic'],
      ['standard@acme.test', 'standard'], ['standard-classic@acme.test', 'standard-classic'], ['client@acme.test', 'client'],
    ] as const) {
      await fleet.services.users.add(system, FROM, { email, role });
    }
    await fleet.services.roles.create(system, FROM, { name: 'Settings keeper', base: 'standard', allow: ['General Settings'] });
    await fleet.services.roles.create(system, FROM, { name: 'Admin without settings', base: 'administrator', deny: ['General Settings'] });
    await fleet.services.users.add(system, FROM, { email: 'keeper@acme.test', role: 'Settings keeper' });
    await fleet.services.users.add(system, FROM, { email: 'nosettings@acme.test', role: 'Admin without settings' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it.each(['super@acme.test', 'admin@acme.test', 'keeper@acme.test'])('%s may regenerate; the old key stops working at once', async (email) => {
    const before = (await database.db.selectFrom('account_api_keys').select('key_hash').executeTakeFirstOrThrow()).key_hash;
    const key = await fleet.services.apiKeys.generate(await actorOf(email), FROM);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await works(t.app, key)).toBe(true);
    const after = (await database.db.selectFrom('account_api_keys').select('key_hash').executeTakeFirstOrThrow()).key_hash;
    expect(after).not.toBe(before);
    expect(after).not.toContain(key);
  });

  it.each(['standard@acme.test', 'standard-classic@acme.test', 'classic@acme.test', 'client@acme.test', 'nosettings@acme.test'])(
    '%s cannot regenerate, revoke or email the key',
    async (email) => {
      const actor = await actorOf(email);
      await expect(fleet.services.apiKeys.generate(actor, FROM)).rejects.toThrow(/Permission denied: managing the account API key/);
      await expect(fleet.services.apiKeys.revoke(actor, FROM)).rejects.toThrow(/Permission denied/);
      await expect(fleet.services.apiKeys.email(actor, FROM, { to: 'x@example.test', key: '0'.repeat(32) })).rejects.toThrow(/Permission denied/);
    },
  );

  it('the Agent Key may regenerate only while its dashboard access is on', async () => {
    const agentActor = async () => fleet.services.access.actorFor(await fleet.services.repos.users.agentKeyOf(fleet.account.id));
    expect(await fleet.services.apiKeys.generate(await agentActor(), FROM)).toMatch(/^[0-9a-f]{32}$/);
    await fleet.services.users.setAgentKeyDashboardAccess(system, FROM, false);
    await expect(fleet.services.apiKeys.generate(await agentActor(), FROM)).rejects.toThrow("Agent Key's dashboard access is off");
    await fleet.services.users.setAgentKeyDashboardAccess(system, FROM, true);
  });

  it('under concurrent regenerations exactly one key is valid afterwards', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => fleet.services.apiKeys.generate(system, FROM)));
    const valid = [];
    for (const key of keys) if (await works(t.app, key)) valid.push(key);
    expect(valid).toHaveLength(1);
  });

  it('the old key fails on a second server process sharing the database, on the very next request', async () => {
    const second: DatabaseHandle = await openDatabase(database.url);
    const other = await buildTestApp(second);
    try {
      const old = await fleet.services.apiKeys.generate(system, FROM);
      expect(await works(other.app, old)).toBe(true);
      // Regenerated through the second process's own services and connection.
      const otherServices = createServices({ config: other.config, database: second, clock: fixedClock(TEST_NOW) });
      const fresh = await otherServices.apiKeys.generate(otherServices.access.systemActor(fleet.account.id), FROM);
      expect(await works(t.app, old)).toBe(false);
      expect(await works(other.app, old)).toBe(false);
      expect(await works(t.app, fresh)).toBe(true);
      fleet.apiKey = fresh;
    } finally {
      await other.app.close();
      await second.close();
    }
  });

  it('a revoked key fails everywhere; generating again gives a working key', async () => {
    const key = await fleet.services.apiKeys.generate(await actorOf('admin@acme.test'), FROM);
    expect(await fleet.services.apiKeys.revoke(await actorOf('admin@acme.test'), FROM)).toBe(true);
    expect((await callApi(t.app, { apikey: key, service: 'list_clients' })).body).toContain('<errorcode>3</errorcode><message>Login failed</message>');
    fleet.apiKey = await fleet.services.apiKeys.generate(system, FROM);
    expect(await works(t.app, fleet.apiKey)).toBe(true);
  });

  it('writes generate, regenerate and revoke to the audit log with user, time and address, never the key', async () => {
    const entries = await fleet.services.audit.list(fleet.account.id, 1000);
    const regenerate = entries.find((e) => e.action === 'apikey.regenerate' && e.actor_label === 'admin@acme.test');
    expect(regenerate).toMatchObject({ source_address: FROM, created_at: Date.parse(TEST_NOW) / 1000 });
    expect(entries.some((e) => e.action === 'apikey.revoke')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(fleet.apiKey);
  });

  describe('Email API Token', () => {
    it('without SMTP refuses to send the key rather than keep it in the outbox', async () => {
      const key = await fleet.services.apiKeys.generate(system, FROM);
      fleet.apiKey = key;
      await expect(fleet.services.apiKeys.email(system, FROM, { to: 'ops@customer.test', key })).rejects.toThrow(/no SMTP server is configured/);
      expect(await fleet.services.repos.outbox.list(fleet.account.id, 10)).toEqual([]);
    });

    it('refuses a key that is not the current one, and an invalid recipient', async () => {
      await expect(fleet.services.apiKeys.email(system, FROM, { to: 'ops@customer.test', key: 'f'.repeat(32) })).rejects.toThrow(/not the current API key/);
      await expect(fleet.services.apiKeys.email(system, FROM, { to: 'ops@customer.test', key: 'not a key' })).rejects.toThrow(/not the current API key/);
      for (const to of ['no-at-sign', 'a@b', 'x@example.test\r\nBcc: evil@example.test', 'Eve <eve@example.test>']) {
        await expect(fleet.services.apiKeys.email(system, FROM, { to, key: fleet.apiKey })).rejects.toThrow(/not a valid email address/);
      }
    });

    it('sends through a real SMTP server: the parsed message holds the key and the account URL to query', async () => {
      const smtp = await startSmtpServer();
      try {
        await database.db.updateTable('accounts').set({ public_url: 'https://rmm.acme.example/' }).where('id', '=', fleet.account.id).execute();
        const services = createServices({
          config: loadConfig({}),
          database,
          clock: fixedClock(TEST_NOW),
          mailer: createSmtpMailer(smtp.url, 'Sightline <no-reply@sightline.test>'),
        });
        const key = await services.apiKeys.generate(services.access.systemActor(fleet.account.id), FROM);
        fleet.apiKey = key;
        expect((await services.apiKeys.email(services.access.systemActor(fleet.account.id), FROM, { to: 'ops@customer.test', key })).delivery).toBe('smtp');
        expect(smtp.received).toHaveLength(1);
        const mail = await simpleParser(smtp.received[0]!);
        expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ops@customer.test');
        expect(mail.text).toContain(key);
        expect(mail.text).toContain('https://rmm.acme.example/api/');
        const audit = await services.audit.list(fleet.account.id, 1);
        expect(audit[0]).toMatchObject({ action: 'apikey.email', detail: 'to ops@customer.test (smtp)' });
      } finally {
        await smtp.close();
      }
    });
  });
});
