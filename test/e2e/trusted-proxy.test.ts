import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

/** One GET over a real socket, with the headers a reverse proxy would add. */
function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Security review, item 4, over a real socket: a proxy on the loopback address (trusted) forwards a
 * client inside the account's allow-list; the same header from an untrusted peer is ignored.
 */
describe.each(DIALECTS)('X-Forwarded-For over HTTP on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let trusting: TestApp;
  let untrusting: TestApp;
  const portOf = (t: TestApp) => (t.app.server.address() as AddressInfo).port;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await fleet.services.apiKeys.setAllowedNetworks(fleet.services.access.systemActor(fleet.account.id), 'test', '203.0.113.0/24');
    trusting = await buildTestApp(database, { trustedProxies: ['127.0.0.1/32'] });
    untrusting = await buildTestApp(database, { trustedProxies: ['192.0.2.1/32'] });
    await trusting.app.listen({ port: 0, host: '127.0.0.1' });
    await untrusting.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await trusting?.app.close();
    await untrusting?.app.close();
    await database?.drop();
  });

  it('believes the forwarded client only from a trusted proxy', async () => {
    const path = `/api/?apikey=${fleet.apiKey}&service=list_clients`;
    const forwarded = { 'x-forwarded-for': '203.0.113.50' };
    expect((await get(portOf(trusting), path, forwarded)).body).toContain('status="OK"');
    expect((await get(portOf(untrusting), path, forwarded)).body).toContain('Login failed');
    expect((await get(portOf(trusting), path, {})).body).toContain('Login failed');
  });
});
