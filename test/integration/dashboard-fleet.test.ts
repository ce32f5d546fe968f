import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeClient, makeDevice, makeFleet, makeSite, type Fleet } from '../factories.js';
import { DEVICE_PAGE_SIZE } from '../../src/dashboard/fleet.service.js';

/** The All Devices queries: keyset pages that cover every device once, in name order, within the scope. */
describe.each(DIALECTS)('dashboard fleet service on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let restrictedGroupId: number;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    const a = fleet.account.id;
    const big = await makeClient(database, a, 'Delta Big Client');
    const site = await makeSite(database, a, big.id, 'Campus');
    // Names that collide, so paging must break ties by id.
    for (let i = 0; i < DEVICE_PAGE_SIZE * 2 + 7; i++) {
      await makeDevice(database, { accountId: a, clientId: big.id, siteId: site.id }, 'workstation', `DELTA-WS${String(i % 60).padStart(3, '0')}`);
    }
    const system = fleet.services.access.systemActor(a);
    restrictedGroupId = await fleet.services.clientGroups.create(system, 'test', { name: 'Beta only', clientIds: [fleet.clients.beta.id] });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('pages workstations by name then id, every device exactly once', async () => {
    const scope = { accountId: fleet.account.id, clientGroupId: null };
    const seen: { name: string; id: number }[] = [];
    let after: { name: string; id: number } | undefined;
    let pages = 0;
    for (;;) {
      const page = await fleet.services.fleet.listDevices(scope, { deviceType: 'workstation', after });
      expect(page).not.toBeNull();
      expect(page!.rows.length).toBeLessThanOrEqual(DEVICE_PAGE_SIZE);
      seen.push(...page!.rows.map((r) => ({ name: r.name, id: r.id })));
      pages++;
      if (!page!.next) break;
      after = page!.next;
    }
    // The big client's workstations plus makeFleet's four (ALPHA-WS001, ALPHA-WS002, BETA-WS001, GAMMA-WS001).
    const total = DEVICE_PAGE_SIZE * 2 + 7 + 4;
    expect(pages).toBe(Math.ceil(total / DEVICE_PAGE_SIZE));
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((d) => d.id)).size).toBe(total);
    const sorted = [...seen].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.id - y.id));
    expect(seen).toEqual(sorted);
  });

  it('counts and lists only the client group’s devices, and treats other clients as absent', async () => {
    const scope = { accountId: fleet.account.id, clientGroupId: restrictedGroupId };
    const all = await fleet.services.fleet.listDevices(scope, { deviceType: 'server' });
    expect(all!.rows.map((r) => r.name)).toEqual(['BETA-FS01']);
    expect(all!.counts).toEqual({ server: 1, workstation: 1, mobile_device: 0 });
    expect(await fleet.services.fleet.listDevices(scope, { deviceType: 'server', clientId: fleet.clients.alpha.id })).toBeNull();
    expect(await fleet.services.fleet.listDevices(scope, { deviceType: 'server', siteId: fleet.sites.alphaHq.id })).toBeNull();
    expect(await fleet.services.fleet.device(scope, fleet.devices.alphaDc.id)).toBeNull();
    const tree = await fleet.services.fleet.tree(scope, fleet.clients.alpha.id);
    expect(tree.clients.map((c) => c.name)).toEqual(['Beta Logistics']);
    expect(tree.sites).toEqual([]);
  });

  it('reports failing checks, overdue and offline per device, and a client’s sites in the tree', async () => {
    const scope = { accountId: fleet.account.id, clientGroupId: null };
    const servers = await fleet.services.fleet.listDevices(scope, { deviceType: 'server', clientId: fleet.clients.alpha.id });
    expect(servers!.rows).toMatchObject([{ name: 'ALPHA-DC01', failing_checks: 1, total_checks: 2, overdue_since: null, offline_reason: null }]);
    const tree = await fleet.services.fleet.tree(scope, fleet.clients.alpha.id);
    expect(tree.sites.map((s) => s.name)).toEqual(['Branch ]]> Office', 'Head Office']);
    expect(tree.clients.find((c) => c.name === 'Alpha Dental & Co <Ltd>')).toMatchObject({ device_count: 3, failing_device_count: 1 });
    const detail = await fleet.services.fleet.device(scope, fleet.devices.alphaDc.id);
    expect(detail!.outages.map((o) => o.reason)).toEqual(['CHECK_FAILURE', 'DEVICE_OVERDUE']);
    expect(detail!.notes).toHaveLength(1);
  });
});
