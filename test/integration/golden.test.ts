import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectGolden } from '../support/golden.js';
import { makeFleet, type Fleet } from '../factories.js';

/**
 * Every implemented service's answer over the explicit fleet of test/factories.ts, pinned byte for byte
 * in test/golden/ (the same file on every database). A second account with an identical fleet exists
 * alongside, so each golden also shows that nothing of it leaks in. Parser checks: golden-parsers.test.ts.
 */
describe.each(DIALECTS)('golden answers on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let fleet: Fleet;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await makeFleet(database, 'globex');
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  const cases: Array<[golden: string, params: (f: Fleet) => Record<string, string | number>]> = [
    ['list_clients', () => ({ service: 'list_clients' })],
    ['list_clients.devicetype-server', () => ({ service: 'list_clients', devicetype: 'server' })],
    ['list_sites', (f) => ({ service: 'list_sites', clientid: f.clients.alpha.id })],
    ['list_servers', (f) => ({ service: 'list_servers', siteid: f.sites.alphaHq.id })],
    ['list_workstations', (f) => ({ service: 'list_workstations', siteid: f.sites.alphaBranch.id })],
    ['list_agentless_assets', (f) => ({ service: 'list_agentless_assets', siteid: f.sites.alphaHq.id })],
    ['list_devices_at_client.server', (f) => ({ service: 'list_devices_at_client', clientid: f.clients.alpha.id, devicetype: 'server' })],
    ['list_devices_at_client.workstation', (f) => ({ service: 'list_devices_at_client', clientid: f.clients.alpha.id, devicetype: 'workstation' })],
    ['list_device_monitoring_details', (f) => ({ service: 'list_device_monitoring_details', deviceid: f.devices.alphaDc.id })],
    ['list_device_monitoring_details.workstation', (f) => ({ service: 'list_device_monitoring_details', deviceid: f.devices.alphaWs2.id })],
    ['list_checks', (f) => ({ service: 'list_checks', deviceid: f.devices.alphaDc.id })],
    ['list_failing_checks', () => ({ service: 'list_failing_checks' })],
    ['list_failing_checks.client', (f) => ({ service: 'list_failing_checks', clientid: f.clients.beta.id })],
    ['list_failing_checks.tasks', () => ({ service: 'list_failing_checks', check_type: 'tasks' })],
    ['list_outages', (f) => ({ service: 'list_outages', deviceid: f.devices.alphaDc.id })],
    ['list_sites.describe', () => ({ service: 'list_sites', describe: 'true' })],
    ['get_site_installation_package.describe', () => ({ service: 'get_site_installation_package', describe: 'true' })],
  ];

  it.each(cases)('%s', async (golden, params) => {
    const res = await callApi(t.app, { apikey: fleet.apiKey, ...params(fleet) });
    expectGolden(golden, res.body, dialect);
  });
});
