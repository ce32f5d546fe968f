import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { storedLogin } from '../../src/throttle/throttle.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { postForm, signedOut } from '../support/browser.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const PROXY = '10.1.2.3';
const CLIENT = '203.0.113.7';

/**
 * Security review, item 4: behind a reverse proxy every control keyed on the proxy's address. With
 * SIGHTLINE_TRUSTED_PROXIES, X-Forwarded-For is believed from those proxies only: the allow-list, the
 * bad-key throttle and the lockout see the client, and a client cannot forge its address.
 */
describe.each(DIALECTS)('trusted proxies on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let proxied: TestApp;
  let direct: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    proxied = await buildTestApp(database, { trustedProxies: loadConfig({ SIGHTLINE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1' }).trustedProxies, badKeyLimit: 3 });
    direct = await buildTestApp(database, { badKeyLimit: 3 });
    await fleet.services.apiKeys.setAllowedNetworks(fleet.services.access.systemActor(fleet.account.id), 'test', '203.0.113.0/24');
  });
  afterAll(async () => {
    await proxied?.app.close();
    await direct?.app.close();
    await database?.drop();
  });

  const api = (t: TestApp, remoteAddress: string, forwardedFor: string | undefined, apikey: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/?apikey=${apikey}&service=list_clients`,
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });

  it('parses SIGHTLINE_TRUSTED_PROXIES as addresses and CIDR networks, naming a bad entry', () => {
    expect(loadConfig({ SIGHTLINE_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.0.2.1 ,2001:db8::/32' }).trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.1/32', '2001:db8::/32']);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(() => loadConfig({ SIGHTLINE_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local', PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ SIGHTLINE_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local', PORT: 'x' })).toThrow(/PORT: .*; SIGHTLINE_TRUSTED_PROXIES: "proxy.local" is not an address or CIDR network$/);
  });

  it('the allow-list sees the client forwarded by a trusted proxy, and ignores a forged header', async () => {
    expect((await api(proxied, PROXY, CLIENT, fleet.apiKey)).body).toContain('status="OK"');
    // The last hop counts: a client's own header before the proxy's entry is not believed.
    expect((await api(proxied, PROXY, `${CLIENT}, 198.51.100.9`, fleet.apiKey)).body).toContain('Login failed');
    // A client that is not a trusted proxy cannot claim an address.
    expect((await api(proxied, '198.51.100.9', CLIENT, fleet.apiKey)).body).toContain('Login failed');
    // Without trusted proxies the header means nothing, whoever sends it.
    expect((await api(direct, PROXY, CLIENT, fleet.apiKey)).body).toContain('Login failed');
    expect((await api(direct, CLIENT, undefined, fleet.apiKey)).body).toContain('status="OK"');
    // Through two trusted proxies, the first untrusted address from the end is the client.
    expect((await api(proxied, PROXY, `${CLIENT}, 192.0.2.1`, fleet.apiKey)).body).toContain('status="OK"');
  });

  it('the bad-key throttle counts each forwarded client, not the proxy', async () => {
    const bad = 'e'.repeat(32);
    for (let i = 0; i < 3; i++) expect((await api(proxied, PROXY, '198.51.100.20', bad)).statusCode).toBe(200);
    expect((await api(proxied, PROXY, '198.51.100.20', bad)).statusCode).toBe(429);
    // Another client behind the same proxy is not throttled by the first one's bad keys.
    const other = await api(proxied, PROXY, '198.51.100.21', bad);
    expect(other.statusCode).toBe(200);
    expect(other.body).toContain('Login failed');
    const rows = await database.db.selectFrom('api_auth_failures').select(['address', 'failures']).where('address', 'like', '198.51.100.2_').orderBy('address').execute();
    expect(rows.map((r) => [r.address, Number(r.failures)])).toEqual([['198.51.100.20', 4], ['198.51.100.21', 1]]);
  });

  it('the login lockout keys on the forwarded client', async () => {
    const browser = await signedOut(proxied.app, PROXY);
    const login = await postForm(browser, '/login', { email: 'nobody@acme.test', password: 'Wrong1Password' }, { 'x-forwarded-for': CLIENT });
    expect(login.statusCode).toBe(401);
    const attempts = await database.db.selectFrom('login_attempts').select(['login', 'address']).where('login', '=', storedLogin('nobody@acme.test')).execute();
    expect(attempts).toEqual([{ login: storedLogin('nobody@acme.test'), address: CLIENT }]);
  });
});
