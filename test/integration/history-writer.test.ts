import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerformanceSample } from '../../src/agent-protocol/protocol.schema.js';
import type { DeviceRef } from '../../src/ingest/ingest.contract.js';
import { createHistoryWriter } from '../../src/history/history-writer.js';
import { foldSamples } from '../../src/history/performance-intervals.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount, makeCheck, makeClient, makeDevice, makeSite, NOW } from '../factories.js';

/** 2026-11-26 13:00 UTC: an hour before the fixed clock's 14:30 minus the running half hour. */
const T = NOW - 5400;
const at = (minutes: number) => T + minutes * 60;

describe.each(DIALECTS)('the history writer on %s', (dialect) => {
  let database: TestDatabase;
  let t: TestApp;
  let apiKey: string;
  let site: { accountId: number; clientId: number; siteId: number };
  let devices = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const acct = await makeAccount(database, 'writer');
    apiKey = acct.apiKey;
    const client = await makeClient(database, acct.account.id, 'Client');
    const s = await makeSite(database, acct.account.id, client.id, 'Site');
    site = { accountId: acct.account.id, clientId: client.id, siteId: s.id };
    t = await buildTestApp(database);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  /** A new server with checks of these types (description, type). */
  async function device(checks: [string, number][]): Promise<DeviceRef & { checkIds: number[] }> {
    const d = await makeDevice(database, site, 'server', `SRV-${++devices}`);
    const ref = { ...site, deviceId: d.id };
    const checkIds: number[] = [];
    for (const [description, check_type] of checks) checkIds.push((await makeCheck(database, ref, description, { check_type })).id);
    return { ...ref, checkIds };
  }
  const api = (service: string, params: Record<string, string | number>) => callApi(t.app, { apikey: apiKey, service, ...params }).then((r) => r.body);
  const intervals = (monitorId: number, minutes: 15 | 60) =>
    database.db.selectFrom('performance_intervals').select(['start', 'metric', 'total', 'samples', 'max_value', 'min_value', 'last_at'])
      .where('monitor_id', '=', monitorId).where('minutes', '=', minutes).orderBy('start').orderBy('metric').execute();
  const monitorsOf = (deviceId: number) => database.db.selectFrom('performance_monitors').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
  const queue = (minutes: number, value: number): PerformanceSample => ({ kind: 'cpu_queue', target: '', at: at(minutes), values: { queue: value } });

  it('folds samples sent in several reports into their quarter and hour, counting a re-sent sample once', async () => {
    const d = await device([['Performance Monitoring Check - Processor Queue Length', 1009]]);
    const writer = createHistoryWriter(database.db);
    await writer.recordPerformance(d, [queue(0, 1), queue(5, 4)]);
    await writer.recordPerformance(d, [queue(10, 2), queue(20, 9)]);
    // A retry of both reports, then a report repeating the last sample with a new one: only 35' is new.
    await writer.recordPerformance(d, [queue(0, 1), queue(5, 4)]);
    await writer.recordPerformance(d, [queue(10, 2), queue(20, 9)]);
    await writer.recordPerformance(d, [queue(20, 9), queue(35, 3)]);
    const [monitor] = await monitorsOf(d.deviceId);
    expect(monitor).toMatchObject({ kind: 'cpu_queue', check_id: d.checkIds[0] });
    expect(await intervals(monitor!.id, 15)).toEqual([
      { start: T, metric: 'queue', total: 7, samples: 3, max_value: 4, min_value: 1, last_at: at(10) },
      { start: at(15), metric: 'queue', total: 9, samples: 1, max_value: 9, min_value: 9, last_at: at(20) },
      { start: at(30), metric: 'queue', total: 3, samples: 1, max_value: 3, min_value: 3, last_at: at(35) },
    ]);
    expect(await intervals(monitor!.id, 60)).toEqual([{ start: T, metric: 'queue', total: 19, samples: 5, max_value: 9, min_value: 1, last_at: at(35) }]);

    const quarters = await api('list_performance_history', { deviceid: d.deviceId, interval: 15 });
    expect(quarters).toContain('<start>2026-11-26 13:00:00</start><end>2026-11-26 13:14:59</end><queue_average>2.33</queue_average><queue_max>4.00</queue_max>');
    const hours = await api('list_performance_history', { deviceid: d.deviceId, interval: 60 });
    expect(hours).toContain('<start>2026-11-26 13:00:00</start><end>2026-11-26 13:59:59</end><queue_average>3.80</queue_average><queue_max>9.00</queue_max>');
  });

  it('stores what one report at a time stores as foldSamples does for all of them at once (what the seeder inserts)', async () => {
    const d = await device([['Performance Monitoring Check - Memory Usage', 1010]]);
    const samples: PerformanceSample[] = Array.from({ length: 36 }, (_, i) => ({
      kind: 'memory_usage', target: '', at: at(-90 + i * 5), values: { available: 4000 + ((i * 7) % 13) * 50, commit_charge: 50 + (i % 9), total: 8192 },
    }));
    const writer = createHistoryWriter(database.db);
    for (let i = 0; i < samples.length; i += 4) await writer.recordPerformance(d, samples.slice(i, i + 4));
    const [monitor] = await monitorsOf(d.deviceId);
    const expected = foldSamples(d.accountId, samples.map((s) => ({ monitorId: monitor!.id, at: s.at, values: s.values })));
    const stored = await database.db.selectFrom('performance_intervals').selectAll().where('monitor_id', '=', monitor!.id).execute();
    const key = (r: { minutes: number; start: number; metric: string }) => `${r.minutes}|${r.start}|${r.metric}`;
    expect(stored.map(key).sort()).toEqual(expected.map(key).sort());
    for (const row of stored) {
      const want = expected.find((e) => key(e) === key(row))!;
      expect({ ...row, total: 0 }).toEqual({ ...want, total: 0 });
      expect(row.total).toBeCloseTo(want.total, 9);
    }
  });

  it('prunes quarters past 24 hours and hours past 8 days when a new interval opens', async () => {
    const d = await device([['Performance Monitoring Check - Processor Queue Length', 1009]]);
    const writer = createHistoryWriter(database.db);
    const day = 24 * 60;
    await writer.recordPerformance(d, [queue(-10 * day, 1), queue(-3 * day, 2), queue(-day - 20, 3)]);
    const [monitor] = await monitorsOf(d.deviceId);
    // Folded relative to the newest sample: only its own day's quarter, every hour within 8 days of it.
    expect((await intervals(monitor!.id, 15)).map((r) => r.start)).toEqual([at(-day - 30)]);
    expect((await intervals(monitor!.id, 60)).map((r) => r.start)).toEqual([at(-3 * day), at(-day - 60)]);
    await writer.recordPerformance(d, [queue(5, 4)]);
    expect((await intervals(monitor!.id, 15)).map((r) => r.start)).toEqual([T]);
    expect((await intervals(monitor!.id, 60)).map((r) => r.start)).toEqual([at(-3 * day), at(-day - 60), T]);
    await writer.recordPerformance(d, [queue(6 * day + 60, 5)]);
    expect((await intervals(monitor!.id, 60)).map((r) => r.start)).toEqual([at(-day - 60), T, at(6 * day + 60)]);
  });

  it('hangs new monitors off the kind\'s check, skips kinds without one and metrics a kind does not have', async () => {
    const d = await device([['Performance Monitoring Check - Memory Usage', 1010], ['Performance Monitoring Check - Processor Queue Length', 1009]]);
    const writer = createHistoryWriter(database.db);
    await writer.recordPerformance(d, [
      { kind: 'memory_usage', target: 'ignored', at: at(0), values: { available: 1000, bogus: 5 } },
      { kind: 'cpu_load', target: '', at: at(0), values: { 'load.0': 10, 'load.1': 30 } },
      { kind: 'bandwidth', target: 'example.com', at: at(0), values: { receive: 100, transmit: 50 } },
      { kind: 'network_usage', target: 'eth0', at: at(0), values: { bogus: 1 } },
    ]);
    const monitors = await monitorsOf(d.deviceId);
    expect(monitors.map((m) => [m.kind, m.target, m.check_id, m.name])).toEqual([
      ['memory_usage', '', d.checkIds[0], ''],
      ['cpu_load', '', d.checkIds[1], ''],
      // No Web Page check: bandwidth falls back to the first performance check.
      ['bandwidth', 'example.com', d.checkIds[1], 'example.com'],
    ]);
    expect((await intervals(monitors[0]!.id, 15)).map((r) => r.metric)).toEqual(['available']);
    const body = await api('list_performance_history', { deviceid: d.deviceId, interval: 15 });
    expect(body).toContain('<cpu><cpu_id>0</cpu_id><load_average>10</load_average><load_max>10</load_max></cpu><cpu><cpu_id>1</cpu_id><load_average>30</load_average><load_max>30</load_max></cpu>');
    expect(body).toContain('<available_average>1000</available_average><available_min>1000</available_min><commit_charge_average></commit_charge_average>');
    expect(body).toContain('<average_load>90</average_load>');

    const bare = await device([['Disk Space Check - Drive C:', 1003]]);
    await writer.recordPerformance(bare, [queue(0, 1)]);
    expect(await monitorsOf(bare.deviceId)).toEqual([]);
  });

  it('keeps the last size of each day and answers days, weeks and months from the stored days', async () => {
    const d = await device([['Disk Space Check - Drive C:', 1003], ['Disk Space Check - Drive D:', 1003]]);
    const writer = createHistoryWriter(database.db);
    const noon = (day: string) => Date.parse(`${day}T12:00:00Z`) / 1000;
    const entry = (drive: string, day: string, usedMb: number, hour = 0) => ({ drive, at: noon(day) + hour * 3600, totalMb: 100000, usedMb });
    // 2026W47 is 16–22 November, 2026W48 23–29 November.
    await writer.recordDriveSpace(d, [
      entry('D:', '2026-10-30', 900), entry('D:', '2026-11-16', 1000), entry('D:', '2026-11-17', 1100), entry('D:', '2026-11-17', 1150, 6),
      entry('D:', '2026-11-24', 1300), entry('/data', '2026-11-25', 70),
    ]);
    // A later report: an earlier measurement of the 17th changes nothing, a later one of the 24th replaces it.
    await writer.recordDriveSpace(d, [entry('D:', '2026-11-17', 5000, -2), entry('D:', '2026-11-24', 1401, 1), entry('D:', '2026-11-26', 1500)]);
    const storage = await database.db.selectFrom('storage_monitors').select(['drive_letter', 'mount_point', 'check_id', 'first_day']).where('device_id', '=', d.deviceId).orderBy('id').execute();
    expect(storage).toEqual([
      { drive_letter: 'D', mount_point: '', check_id: d.checkIds[1], first_day: '2026-10-30' },
      // No check names /data: the device's first drive space check collects it.
      { drive_letter: '', mount_point: '/data', check_id: d.checkIds[0], first_day: '2026-11-25' },
    ]);
    const sizes = async (interval: string, since?: string) => {
      const body = await api('list_drive_space_history', { deviceid: d.deviceId, interval, ...(since ? { since } : {}) });
      return [...body.match(/<drive><drive_letter>D<\/drive_letter>.*?<\/drive>/s)![0].matchAll(/<data><\w+>([^<]+)<\/\w+><space_used>(\d+)<\/space_used><\/data>/g)].map((m) => [m[1], Number(m[2])]);
    };
    expect(await sizes('DAY')).toEqual([['2026-10-30', 900], ['2026-11-16', 1000], ['2026-11-17', 1150], ['2026-11-24', 1401], ['2026-11-26', 1500]]);
    expect(await sizes('WEEK')).toEqual([['2026W44', 900], ['2026W47', 1075], ['2026W48', 1451]]);
    expect(await sizes('WEEK', '2026W47')).toEqual([['2026W47', 1075], ['2026W48', 1451]]);
    expect(await sizes('MONTH')).toEqual([['2026-10', 900], ['2026-11', 1263]]);
    expect(await sizes('DAY', '2026-11-24')).toEqual([['2026-11-24', 1401], ['2026-11-26', 1500]]);

    const bare = await device([['Performance Monitoring Check - Memory Usage', 1010]]);
    await writer.recordDriveSpace(bare, [entry('C:', '2026-11-26', 10)]);
    expect(await api('list_drive_space_history', { deviceid: bare.deviceId, interval: 'DAY' })).toMatch(/status="OK"><\/result>$/);
  });

  it('writes inside the caller\'s transaction: a refused report stores nothing', async () => {
    const d = await device([['Performance Monitoring Check - Processor Queue Length', 1009], ['Disk Space Check - Drive C:', 1003]]);
    await expect(
      database.db.transaction().execute(async (trx) => {
        const writer = createHistoryWriter(trx);
        await writer.recordPerformance(d, [queue(0, 1)]);
        await writer.recordDriveSpace(d, [{ drive: 'C:', at: at(0), totalMb: 10, usedMb: 5 }]);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await monitorsOf(d.deviceId)).toEqual([]);
    expect(await database.db.selectFrom('storage_monitors').select('id').where('device_id', '=', d.deviceId).execute()).toEqual([]);
  });
});
