import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/access.service.js';
import { SERVICES } from '../../src/deapi/registry.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

const FROM = '198.51.100.60';

/**
 * Security review, item 6: a personal key of a Client-role user read device data that the dashboard
 * refuses that user. Every API read now needs the Devices permission, as the dashboard's fleet pages do;
 * the account key (the Agent Key's full role) is unaffected.
 */
describe.each(DIALECTS)('personal keys read only what their user may see, on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let system: Actor;
  const keyOf = async (email: string) =>
    (await fleet.services.personalKeys.create(system, FROM, (await fleet.services.repos.users.findByEmail(email))!, { name: 'reports' })).key;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database);
    system = fleet.services.access.systemActor(fleet.account.id);
    await fleet.services.roles.create(system, FROM, { name: 'Client with devices', base: 'client', allow: ['Devices'] });
    await fleet.services.users.add(system, FROM, { email: 'client@customer.test', role: 'client' });
    await fleet.services.users.add(system, FROM, { email: 'seeing@customer.test', role: 'Client with devices' });
    await fleet.services.users.add(system, FROM, { email: 'standard@acme.test', role: 'standard' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const reads: Record<string, string | number>[] = [
    { service: 'list_clients' },
    { service: 'list_sites', clientid: 1 },
    { service: 'list_devices_at_client', clientid: 1, devicetype: 'server' },
    { service: 'list_device_monitoring_details', deviceid: 1 },
  ];

  it('a Client-role key (no Devices) reads nothing: code 6, as the dashboard refuses that user its fleet pages', async () => {
    const key = await keyOf('client@customer.test');
    for (const params of reads) {
      const body = (await callApi(t.app, { apikey: key, ...params })).body;
      expect(body, String(params.service)).toContain('<errorcode>6</errorcode>');
      expect(body, String(params.service)).toContain(`Permission denied: ${params.service}`);
      expect(body, String(params.service)).not.toContain('ALPHA-DC01');
    }
  });

  it('a key of a role allowing Devices reads as before, and so does the account key', async () => {
    for (const key of [await keyOf('seeing@customer.test'), await keyOf('standard@acme.test'), fleet.apiKey]) {
      for (const params of reads) expect((await callApi(t.app, { apikey: key, ...params })).body, String(params.service)).toContain('status="OK"');
    }
  });

  it('every read service is covered: none is open to a key without Devices', async () => {
    const key = (await fleet.services.personalKeys.create(system, FROM, (await fleet.services.repos.users.findByEmail('client@customer.test'))!, { name: 'all' })).key;
    for (const spec of SERVICES.filter((s) => !s.write)) {
      expect((await callApi(t.app, { apikey: key, service: spec.name })).body, spec.name).toContain('<errorcode>6</errorcode>');
    }
  });
});
