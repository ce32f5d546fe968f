import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckStatus } from '../../src/checks/check-status.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeCheck, makeClient, makeDevice, makeFleet, makeSite, type Fleet } from '../factories.js';

// list_clients and list_devices_at_client read counts that triggers keep (migration 0002). These tests
// compare them with counting the rows after every kind of write that can change them.
describe.each(DIALECTS)('counts kept by triggers on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function expectCountsMatchRows() {
    const db = database.db;
    const clients = await db.selectFrom('clients').select(['id', 'server_count', 'workstation_count', 'mobile_device_count']).orderBy('id').execute();
    for (const c of clients) {
      const rows = await db.selectFrom('devices').select('device_type').where('client_id', '=', c.id).execute();
      const of = (type: string) => rows.filter((r) => r.device_type === type).length;
      expect({ id: c.id, s: c.server_count, w: c.workstation_count, m: c.mobile_device_count }).toEqual({
        id: c.id, s: of('server'), w: of('workstation'), m: of('mobile_device'),
      });
    }
    const devices = await db.selectFrom('devices').select(['id', 'check_total', 'check_pass', 'check_clear', 'check_fail']).orderBy('id').execute();
    for (const d of devices) {
      const rows = await db.selectFrom('checks').select('statusid').where('device_id', '=', d.id).execute();
      const of = (status: number) => rows.filter((r) => r.statusid === status).length;
      expect({ id: d.id, total: d.check_total, pass: d.check_pass, clear: d.check_clear, fail: d.check_fail }).toEqual({
        id: d.id, total: rows.length, pass: of(CheckStatus.pass), clear: of(CheckStatus.cleared), fail: of(CheckStatus.fail),
      });
    }
    return { clients, devices };
  }

  it('counts the fleet as inserted', async () => {
    const { clients, devices } = await expectCountsMatchRows();
    const alpha = clients.find((c) => c.id === fleet.clients.alpha.id)!;
    expect([alpha.server_count, alpha.workstation_count]).toEqual([1, 2]);
    const dc = devices.find((d) => d.id === fleet.devices.alphaDc.id)!;
    expect([dc.check_total, dc.check_pass, dc.check_fail]).toEqual([2, 1, 1]);
  });

  it('follows devices inserted, retyped, moved to another client and deleted', async () => {
    const a = fleet.account.id;
    const gamma = await makeClient(database, a, 'Gamma');
    const site = await makeSite(database, a, gamma.id, 'Gamma HQ');
    const phone = await makeDevice(database, { accountId: a, clientId: gamma.id, siteId: site.id }, 'mobile_device', 'GAMMA-PHONE');
    await expectCountsMatchRows();
    await database.db.updateTable('devices').set({ device_type: 'workstation' }).where('id', '=', phone.id).execute();
    await expectCountsMatchRows();
    await database.db
      .updateTable('devices')
      .set({ client_id: fleet.clients.beta.id, site_id: fleet.sites.betaMain.id })
      .where('id', '=', phone.id)
      .execute();
    await expectCountsMatchRows();
    await database.db.deleteFrom('devices').where('id', '=', phone.id).execute();
    await expectCountsMatchRows();
  });

  it('follows checks inserted, changing status, moved and deleted (also by deleting their device)', async () => {
    const a = fleet.account.id;
    const ws = { accountId: a, clientId: fleet.clients.beta.id, siteId: fleet.sites.betaMain.id, deviceId: fleet.devices.betaWs.id };
    const check = await makeCheck(database, ws, 'Ping Check', { statusid: CheckStatus.notRun });
    await expectCountsMatchRows();
    for (const status of [CheckStatus.fail, CheckStatus.cleared, CheckStatus.pass]) {
      await database.db.updateTable('checks').set({ statusid: status }).where('id', '=', check.id).execute();
      await expectCountsMatchRows();
    }
    await database.db.updateTable('checks').set({ device_id: fleet.devices.betaSrv.id }).where('id', '=', check.id).execute();
    await expectCountsMatchRows();
    await database.db.deleteFrom('checks').where('id', '=', check.id).execute();
    await expectCountsMatchRows();
    await database.db.deleteFrom('check_notes').execute();
    await database.db.deleteFrom('outages').execute();
    await database.db.deleteFrom('devices').where('id', '=', fleet.devices.alphaDc.id).execute();
    await expectCountsMatchRows();
  });
});
