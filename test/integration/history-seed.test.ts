import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/seed/demo-generator.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, NOW } from '../factories.js';

const HISTORY_TABLES = ['performance_monitors', 'performance_intervals', 'storage_monitors', 'storage_days', 'check_day_results', 'mob_sessions', 'av_definitions'] as const;

/** The order each table is dumped in (its key). */
const ORDER: Partial<Record<(typeof HISTORY_TABLES)[number], string[]>> = {
  av_definitions: ['product_id', 'version'],
  check_day_results: ['check_id', 'day'],
  performance_intervals: ['monitor_id', 'minutes', 'start', 'metric'],
  storage_days: ['monitor_id', 'day'],
};

async function seeded(dialect: (typeof DIALECTS)[number]) {
  const database = await createTestDatabase(dialect);
  const { account, apiKey, services } = await makeAccount(database, 'demo', 'Pacific/Auckland');
  await seedDemoData(services.seedRepository, { accountId: account.id, clients: 3, devices: 120, seed: 'history-test', now: NOW });
  return { database, apiKey };
}

async function dump(database: TestDatabase) {
  const out: Record<string, unknown[]> = {};
  for (const table of HISTORY_TABLES) {
    let query = database.db.selectFrom(table as any).selectAll();
    for (const column of ORDER[table] ?? ['id']) query = query.orderBy(column as any);
    out[table] = await query.execute();
  }
  return out;
}

describe.each(DIALECTS)('demo history on %s', (dialect) => {
  let first: { database: TestDatabase; apiKey: string };
  let second: { database: TestDatabase; apiKey: string };
  let t: TestApp;

  beforeAll(async () => {
    first = await seeded(dialect);
    second = await seeded(dialect);
    t = await buildTestApp(first.database);
  });
  afterAll(async () => {
    await t?.app.close();
    await first?.database.drop();
    await second?.database.drop();
  });

  it('is the same for the same seed', async () => {
    const a = await dump(first.database);
    expect(a.performance_monitors!.length).toBeGreaterThan(0);
    expect(a.performance_intervals!.length).toBeGreaterThan(0);
    expect(a.storage_days!.length).toBeGreaterThan(0);
    expect(await dump(second.database)).toEqual(a);
  });

  it('gives every history service something real to answer for the demo account', async () => {
    const db = first.database.db;
    const api = (service: string, params: Record<string, string | number>) => callApi(t.app, { apikey: first.apiKey, service, ...params }).then((r) => r.body);
    // A demo-sized run stores full history: 8 days of hours for a monitor older than that.
    const perf = await db.selectFrom('performance_monitors').select('device_id').where('kind', '=', 'cpu_queue').where('created_at', '<=', NOW - 8 * 86400).orderBy('id').executeTakeFirstOrThrow();
    const hours = await api('list_performance_history', { deviceid: perf.device_id, interval: 60 });
    expect(hours.match(/<cpu_queue>.*?<\/cpu_queue>/s)![0].match(/<data>/g)).toHaveLength(192);
    const drive = await db.selectFrom('storage_monitors').select('device_id').where('kind', '=', 'drive').orderBy('id').executeTakeFirstOrThrow();
    expect(await api('list_drive_space_history', { deviceid: drive.device_id, interval: 'MONTH' })).toMatch(/<drive><drive_letter>[A-Z]<\/drive_letter>.*<month>/s);
    const backup = await db.selectFrom('checks').select('device_id').where('check_type', '=', 1002).orderBy('id').executeTakeFirstOrThrow();
    expect((await api('list_backup_history', { deviceid: backup.device_id })).match(/<day>/g)).toHaveLength(60);
    const av = await db.selectFrom('checks').select('device_id').where('check_type', '=', 1005).orderBy('id').executeTakeFirstOrThrow();
    expect((await api('list_av_history', { deviceid: av.device_id })).match(/<day>/g)).toHaveLength(60);
    const mob = await db.selectFrom('mob_sessions').select('device_id').orderBy('id').executeTakeFirstOrThrow();
    expect(await api('list_mob_sessions', { deviceid: mob.device_id })).toMatch(/<session><session_id>/);
    expect(await api('mob/mob_list_selection_size', { deviceid: mob.device_id, year: 2026, month: 11 })).toMatch(/BackupPlugin>\d+</);
    expect((await api('list_av_definitions', { product: 'bitdefender' })).match(/<definition>/g)).toHaveLength(20);
    expect(await api('list_templates', {})).toMatch(/<installation_template>/);
    const stored = await db.selectFrom('check_day_results').select('result').distinct().execute();
    // Derived like ingestion's: days with a failure (CLEARED while cleared); a day not run is not stored.
    expect(stored.map((r) => r.result).sort()).toEqual(['CLEARED', 'FAIL']);
  });
});
