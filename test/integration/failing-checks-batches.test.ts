import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckStatus } from '../../src/checks/check-status.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeCheck, makeClient, makeDevices, makeSite } from '../factories.js';

/**
 * The whole account's list_failing_checks reads clients in batches of about a thousand devices (two
 * range queries per batch) and splits the rows by client; each client's part must be exactly what the
 * one-client call answers. Clients of 600 and 700 devices make batches of one and of several clients.
 */
describe.each(DIALECTS)('list_failing_checks over batches of clients on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  const clientIds: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const made = await makeAccount(database, 'batches');
    apiKey = made.apiKey;
    const a = made.account.id;
    const sizes = [600, 700, 3, 0, 5, 450, 2];
    for (const [i, size] of sizes.entries()) {
      const client = await makeClient(database, a, `Client ${i}`);
      clientIds.push(client.id);
      for (const siteName of ['North', 'Central']) {
        const site = await makeSite(database, a, client.id, siteName);
        const ref = { accountId: a, clientId: client.id, siteId: site.id };
        if (size > 0) await makeDevices(database, ref, i % 2 ? 'server' : 'workstation', Math.ceil(size / 2), `${siteName}-${i}`);
        const devices = await database.db.selectFrom('devices').select('id').where('site_id', '=', site.id).orderBy('id').execute();
        // Problems spread over the client: failing checks, an overdue and an offline device.
        for (const [n, d] of devices.entries()) {
          if (n % 7 === 0) await makeCheck(database, { ...ref, deviceId: d.id }, `Disk ${n}`, { statusid: CheckStatus.fail, formatted_output: `C: ${n}% free` });
          if (n % 11 === 3) await database.db.updateTable('devices').set({ overdue_since: 1_790_000_000 + n }).where('id', '=', d.id).execute();
          if (n % 13 === 5) await database.db.updateTable('devices').set({ offline_reason: 'offline - maintenance mode' }).where('id', '=', d.id).execute();
        }
      }
    }
    t = await buildTestApp(database);
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const clientParts = (body: string) => body.match(/<client>.*?<\/client>/gs) ?? [];

  it('answers for each client what the one-client call answers, in client order', async () => {
    const whole = await callApi(t.app, { apikey: apiKey, service: 'list_failing_checks' });
    const expected: string[] = [];
    for (const clientid of clientIds) {
      const one = await callApi(t.app, { apikey: apiKey, service: 'list_failing_checks', clientid });
      expected.push(...clientParts(one.body));
    }
    // The client with no devices has nothing to report; every other one has problems.
    expect(expected).toHaveLength(clientIds.length - 1);
    expect(clientParts(whole.body)).toEqual(expected);
    expect(whole.body.match(/<check>/g)).toHaveLength(expected.join('').match(/<check>/g)!.length);
  });
});
