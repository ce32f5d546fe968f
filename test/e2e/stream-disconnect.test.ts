import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { PAGE_SIZE } from '../../src/db/scope-filter.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeClient, makeDevices, makeSite } from '../factories.js';

const DEVICES = 6 * PAGE_SIZE;
/** Keyset queries a whole answer takes: the full pages, then the one that comes back empty. */
const ALL_PAGES = DEVICES / PAGE_SIZE + 1;

/**
 * CONVENTIONS.md §7: a client that disconnects mid-stream stops the keyset generator. The app runs over a
 * second handle on the test database whose Kysely log hook counts list_devices_at_client's page queries;
 * after the socket is destroyed the count must stop growing, far below what a whole answer takes.
 */
describe.each(DIALECTS)('client disconnecting mid-stream on %s', (dialect) => {
  let database: TestDatabase;
  let counted: DatabaseHandle;
  let t: TestApp;
  let apiKey: string;
  let clientId: number;
  let pageQueries = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const made = await makeAccount(database, 'bigco');
    apiKey = made.apiKey;
    const client = await makeClient(database, made.account.id, 'Big Client');
    const site = await makeSite(database, made.account.id, client.id, 'Campus');
    await makeDevices(database, { accountId: made.account.id, clientId: client.id, siteId: site.id }, 'server', DEVICES);
    clientId = client.id;
    counted = await openDatabase(database.url, {
      onQuery(event) {
        const text = event.query.sql;
        if (/from "devices" as "d"/.test(text) && /order by "d"\."name"/.test(text)) pageQueries++;
      },
    });
    t = await buildTestApp(counted);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  }, 180_000);
  afterAll(async () => {
    await t?.app.close();
    await counted?.close();
    await database?.drop();
  });

  it('reads every page when the whole answer is wanted (the control)', async () => {
    pageQueries = 0;
    const res = await callApi(t.app, { apikey: apiKey, service: 'list_devices_at_client', clientid: clientId, devicetype: 'server' });
    expect(res.body.match(/<server>/g)).toHaveLength(DEVICES);
    expect(pageQueries).toBe(ALL_PAGES);
  });

  it('stops reading pages once the client has gone', async () => {
    pageQueries = 0;
    const { port } = t.app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/?apikey=${apiKey}&service=list_devices_at_client&clientid=${clientId}&devicetype=server`;
    const firstChunk = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get(url, (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk);
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    });
    expect(firstChunk.toString()).toContain('<?xml version="1.0" encoding="UTF-8"?>');

    // Wait until the server has noticed and settled, then check that it stays settled.
    await sleep(1000);
    const settled = pageQueries;
    await sleep(1000);
    expect(pageQueries).toBe(settled);
    expect(settled).toBeGreaterThanOrEqual(1);
    expect(settled).toBeLessThanOrEqual(3);
    expect(settled).toBeLessThan(ALL_PAGES);

    // The server is still fine for the next caller.
    const next = await callApi(t.app, { apikey: apiKey, service: 'list_clients' });
    expect(next.body).toContain('<![CDATA[Big Client]]>');
  });
});
