import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

/**
 * Two server processes on one database (two apps here, each with its own connection or pool and its own
 * memory): whatever one keeps in memory to save writes, together they must answer as one process would.
 */
describe.each(DIALECTS)('two processes on one database (%s)', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let apps: TestApp[];
  const handles: DatabaseHandle[] = [];
  const statements: string[] = [];
  const LIMIT = 10;

  const call = (app: FastifyInstance, params: Record<string, string>, from: string) =>
    app.inject({ method: 'GET', url: `/api/?${new URLSearchParams(params)}`, remoteAddress: from });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    apps = [];
    for (let i = 0; i < 2; i++) {
      const handle = await openDatabase(database.url, { migrate: false, onQuery: (event) => void statements.push(event.query.sql) });
      handles.push(handle);
      apps.push(await buildTestApp(handle, { badKeyLimit: LIMIT }));
    }
  });
  afterAll(async () => {
    for (const t of apps ?? []) await t.app.close();
    for (const handle of handles) await handle.close();
    await database?.drop();
  });
  const writesTo = (table: string) => statements.filter((text) => text.startsWith(`insert into "${table}"`)).length;

  it('let exactly the limit of bad keys from one address through, however many arrive at once on both', async () => {
    const from = '198.51.100.40';
    statements.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => call(apps[i % 2]!.app, { apikey: 'd'.repeat(32), service: 'list_clients' }, from)),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - LIMIT);
    for (const a of answers.filter((x) => x.statusCode === 200)) expect(a.body).toContain('<errorcode>3</errorcode>');
    // Keys arriving together were counted together: far fewer writes than keys.
    expect(writesTo('api_auth_failures')).toBeLessThan(30);
    // And afterwards both refuse the address, from memory or from the count.
    for (const t of apps) expect((await call(t.app, { apikey: 'd'.repeat(32), service: 'list_clients' }, from)).statusCode).toBe(429);
  });

  it('count every call of a personal key made at once through both', async () => {
    const system = fleet.services.access.systemActor(fleet.account.id);
    const owner = await fleet.services.users.add(system, '192.0.2.1', { email: 'script@acme.test', role: 'administrator' });
    const { key } = await fleet.services.personalKeys.create(system, '192.0.2.1', owner, { name: 'parallel' });
    statements.length = 0;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => call(apps[i % 2]!.app, { apikey: key, service: 'list_clients' }, '192.0.2.2')));
    for (const a of answers) expect(a.body).toContain('status="OK"');
    const usage = await database.db.selectFrom('personal_api_key_usage').select(['service', 'calls']).execute();
    expect(usage.map((u) => [u.service, Number(u.calls)])).toEqual([['list_clients', 40]]);
    expect(writesTo('personal_api_key_usage')).toBeLessThan(20);
  });

  it('sweep once per interval between them, not once each', async () => {
    // Two more processes sweeping every second, on the fixed clock of tests: the interval never passes, so
    // after the first sweep neither may sweep again, whichever ticks first.
    const sweepers = [await buildTestApp(handles[0]!, { sweepSeconds: 1 }), await buildTestApp(handles[1]!, { sweepSeconds: 1 })];
    statements.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 2600));
    for (const t of sweepers) await t.app.close();
    const sweeps = statements.filter((text) => text.includes('"overdue_after_seconds"')).length;
    expect(sweeps).toBe(1);
    expect(statements.filter((text) => text.startsWith('insert into "sweep_claims"')).length).toBeGreaterThanOrEqual(4);
  });

  it('refuse a regenerated account key at the very next request in each', async () => {
    const old = await fleet.services.apiKeys.regenerate(fleet.account.id, null);
    for (const t of apps) expect((await call(t.app, { apikey: old, service: 'list_clients' }, '192.0.2.3')).body).toContain('status="OK"');
    const current = await fleet.services.apiKeys.regenerate(fleet.account.id, null);
    for (const t of apps) {
      expect((await call(t.app, { apikey: old, service: 'list_clients' }, '192.0.2.3')).body).toContain('<errorcode>3</errorcode>');
      expect((await call(t.app, { apikey: current, service: 'list_clients' }, '192.0.2.3')).body).toContain('status="OK"');
    }
  });
});
