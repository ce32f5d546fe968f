import type { Insertable } from 'kysely';
import type { PerformanceSample } from '../src/agent-protocol/protocol.schema.js';
import type { DatabaseHandle } from '../src/db/database.js';
import { CheckStatus } from '../src/checks/check-status.js';
import type { PerformanceMonitorTable, StorageMonitorTable } from '../src/db/schema.js';
import type { PerformanceKind } from '../src/history/performance-kind.js';
import { createHistoryRepository } from '../src/history/history.repository.js';
import { createHistoryWriter } from '../src/history/history-writer.js';
import { dayRows } from '../src/history/storage-days.js';
import { makeCheck, makeFleet, NOW, type Fleet } from './factories.js';

/**
 * History fixtures over makeFleet: performance samples and drive and store sizes, backup and antivirus day results,
 * Backup & Recovery sessions, templates and AV definitions. Every value a golden file shows is set here.
 */
export async function makeHistoryFleet(database: DatabaseHandle) {
  const fleet = await makeFleet(database);
  const history = await addHistory(database, fleet);
  await addAvDefinitions(database);
  return { ...fleet, history };
}

export type HistoryFleet = Awaited<ReturnType<typeof makeHistoryFleet>>;

/** The history fixtures of makeHistoryFleet on any fleet of makeFleet (several accounts may have them). */
export async function addHistory(database: DatabaseHandle, fleet: Fleet) {
  const db = database.db;
  const a = fleet.account.id;
  const { alpha } = fleet.clients;
  const { alphaHq } = fleet.sites;
  const { alphaDc, alphaWs } = fleet.devices;
  const on = (device: { id: number }) => ({ accountId: a, clientId: alpha.id, siteId: alphaHq.id, deviceId: device.id });
  const dc = on(alphaDc);

  await db.insertInto('installation_templates').values([
    { account_id: a, name: 'Default Server Template', device_type: 'server', created_at: NOW },
    { account_id: a, name: 'Laptops & <Remote> Workers', device_type: 'workstation', created_at: NOW },
  ]).execute();

  // Performance: one monitor per section; the agent reported every five minutes for the last two hours
  // (12:30 … 14:25), through the history writer as ingestion does. Each value follows a short cycle of
  // its sample number, so quarters and hours differ and every interval has distinct extremes.
  const perfCheck = await makeCheck(database, dc, 'Performance Monitoring Check - Processor Queue Length', { check_type: 1009 });
  const memCheck = await makeCheck(database, dc, 'Performance Monitoring Check - Memory Usage', { check_type: 1010 });
  const perf = (kind: PerformanceKind, extra: Partial<Insertable<PerformanceMonitorTable>>): Insertable<PerformanceMonitorTable> => ({
    account_id: a, client_id: alpha.id, device_id: alphaDc.id, check_id: perfCheck.id, kind, name: '', target: '',
    thresholds: '{}', cpu_count: 1, seed: 0, created_at: NOW - 7200, ...extra,
  });
  await db.insertInto('performance_monitors').values([
    perf('bandwidth', { name: 'example.com port 12345', target: 'example.com', thresholds: '{"receive":"1000","transmit":"500"}' }),
    perf('cpu_load', { thresholds: '{"average_load":"90"}', cpu_count: 2 }),
    perf('cpu_queue', { thresholds: '{"average_length":"10"}' }),
    perf('disk_load', { target: 'C:', thresholds: '{"read_queue_length":"2","write_queue_length":"2","average_disk_time":"80"}' }),
    perf('network_usage', { target: 'Intel(R) Ethernet Connection I219-LM', thresholds: '{"average_usage":"70"}' }),
    perf('memory_usage', { check_id: memCheck.id, thresholds: '{"available_min":"512","average_pages":"1000","average_page_file":"70","non_paged_pool":"256","average_commit":"90"}' }),
  ]).execute();
  const writer = createHistoryWriter(db);
  const samples: PerformanceSample[] = [];
  for (let i = 0; i < 24; i++) {
    const at = NOW - 7200 + i * 300;
    const cycle = (length: number, step: number) => (i % length) * step;
    samples.push(
      { kind: 'bandwidth', target: 'example.com', at, values: { receive: 1300 + cycle(7, 61), transmit: 480 + cycle(5, 23) } },
      { kind: 'cpu_load', target: '', at, values: { 'load.0': 28 + cycle(5, 6), 'load.1': 22 + cycle(4, 9) } },
      { kind: 'cpu_queue', target: '', at, values: { queue: 1.1 + cycle(6, 0.17) } },
      { kind: 'disk_load', target: 'C:', at, values: { disk_time: 12 + cycle(7, 3), read_queue: 0.2 + cycle(3, 0.11), write_queue: 0.35 + cycle(4, 0.09) } },
      { kind: 'network_usage', target: 'Intel(R) Ethernet Connection I219-LM', at, values: { total: 8 + cycle(5, 2), transmit: 3 + cycle(4, 1), receive: 5 + cycle(3, 1) } },
      {
        kind: 'memory_usage', target: '', at,
        values: { available: 5200 - cycle(6, 150), commit_charge: 60 + cycle(5, 2), page_faults: 300 + cycle(7, 40), file_usage: 17 + cycle(3, 2), non_paged: 305 + cycle(4, 3), total: 16384 },
      },
    );
  }
  await writer.recordPerformance(dc, samples);

  // Storage: drive C: for 40 days, a Linux mount point since the 20th, one Exchange store since 28 September,
  // one size a day (reported at noon), growing with a little churn.
  const driveCheck = fleet.checks.disk;
  const storage = (extra: Partial<Insertable<StorageMonitorTable>>): Insertable<StorageMonitorTable> => ({
    account_id: a, client_id: alpha.id, device_id: alphaDc.id, check_id: driveCheck.id, kind: 'drive', drive_letter: '', mount_point: '',
    store_name: '', edb_file: '', slv_file: '', first_day: '2026-10-18', base_mb: 0, daily_growth_mb: 0, seed: 0, ...extra,
  });
  const exchangeCheck = await makeCheck(database, dc, 'Exchange Store Size Check - Mailbox Database', { check_type: 1025 });
  const [, , store] = await db.insertInto('storage_monitors').values([
    storage({ drive_letter: 'C' }),
    storage({ mount_point: '/var', first_day: '2026-11-20' }),
    storage({ kind: 'exchange_store', check_id: exchangeCheck.id, store_name: 'Mailbox Database 0192', edb_file: 'E:\\Exchange\\Mailbox Database 0192.edb', slv_file: '', first_day: '2026-09-28' }),
  ]).returning('id').execute();
  const daily = (from: string, size: (day: number) => number) => {
    const first = Date.parse(`${from}T12:00:00Z`) / 1000;
    return Array.from({ length: Math.floor((NOW - first) / 86400) + 1 }, (_, day) => ({ at: first + day * 86400, sizeMb: size(day) }));
  };
  const churn = (day: number) => ((day * 37) % 11) * 4 - 20;
  await writer.recordDriveSpace(dc, [
    ...daily('2026-10-18', (day) => 40000 + 150 * day + churn(day)).map(({ at, sizeMb }) => ({ drive: 'C:', at, totalMb: 120000, usedMb: sizeMb })),
    ...daily('2026-11-20', (day) => 8000 - 20 * day + churn(day)).map(({ at, sizeMb }) => ({ drive: '/var', at, totalMb: 20000, usedMb: sizeMb })),
  ]);
  // The protocol has no Exchange store sizes yet: stored with the writer's own day rows.
  const storeSizes = daily('2026-09-28', (day) => 51200 + 35 * day + churn(day)).map(({ at, sizeMb }) => ({ monitorId: store!.id, at, sizeMb }));
  await createHistoryRepository(db).upsertStorageDays(dayRows(a, storeSizes));

  // Backup: the fleet's passing backup check with a failure, a clearance and a day it did not run; a second one never ran.
  const backup = fleet.checks.backup;
  const neverRun = await makeCheck(database, dc, 'Backup Check - Windows Server Backup', { check_type: 1002, dsc_247: 1, statusid: CheckStatus.notRun, last_run_at: null });
  const dayResult = (checkId: number, deviceId: number, day: string, result: 'FAIL' | 'CLEARED' | 'INACTIVE' | 'PASS') => ({ account_id: a, client_id: alpha.id, device_id: deviceId, check_id: checkId, day, result });
  await db.insertInto('check_day_results').values([
    dayResult(backup.id, alphaDc.id, '2026-11-20', 'FAIL'),
    dayResult(backup.id, alphaDc.id, '2026-11-21', 'CLEARED'),
    dayResult(backup.id, alphaDc.id, '2026-11-22', 'INACTIVE'),
  ]).execute();

  // Antivirus update: the workstation's check failed three days ago and has not run since.
  const av = await makeCheck(database, on(alphaWs), 'Antivirus Update Check - Managed Antivirus', { check_type: 1005, dsc_247: 1, statusid: CheckStatus.fail, last_run_at: NOW - 3 * 86400 });
  await db.insertInto('check_day_results').values([dayResult(av.id, alphaWs.id, '2026-11-10', 'FAIL'), dayResult(av.id, alphaWs.id, '2026-11-11', 'INACTIVE')]).execute();

  // Backup & Recovery sessions: October and November.
  await db.updateTable('devices').set({ mob: 1 }).where('id', '=', alphaDc.id).execute();
  const session = (start: string, plugin: string, slot: number, size: number, extra: Record<string, unknown> = {}) => {
    const started = Date.parse(start) / 1000;
    return {
      account_id: a, client_id: alpha.id, site_id: alphaHq.id, device_id: alphaDc.id, storage_account_id: 'sa-7f3e', slot_id: slot, type: 'BACKUP' as const,
      plugin, started_at: started, ended_at: started + 1800, selection_size: size, selection_item_count: 1200, size_change: 1048576, item_count_change: 12,
      removed_item_count: 2, processed_size: 52428800, processed_item_count: 40, transferred_size: 10485760, error_count: 0, status: 'COMPLETED', ...extra,
    };
  };
  await db.insertInto('mob_sessions').values([
    session('2026-10-30T22:00:00Z', 'FILE_SYSTEM', 1, 1000000000),
    session('2026-11-24T22:00:00Z', 'FILE_SYSTEM', 1, 1073741824),
    session('2026-11-24T22:30:00Z', 'SYSTEM_STATE', 2, 8589934592, { status: 'COMPLETED_WITH_ERRORS', error_count: 3 }),
    session('2026-11-25T22:00:00Z', 'FILE_SYSTEM', 1, 1074790400),
    session('2026-11-25T23:00:00Z', 'FILE_SYSTEM', 1, 0, { type: 'RESTORE', status: 'CANCELED' }),
  ]).execute();

  return { perfCheck, memCheck, exchangeCheck, neverRun, av };
}

/** Antivirus definitions: a catalog shared by every account, so added once per database. */
export async function addAvDefinitions(database: DatabaseHandle) {
  await database.db.insertInto('av_definitions').values([
    { product_id: 'bitdefender', version: '7.98765', released_at: NOW - 3600 },
    { product_id: 'bitdefender', version: '7.98764', released_at: NOW - 2 * 86400 },
    { product_id: 'bitdefender', version: '7.98763', released_at: NOW - 3 * 86400 },
    { product_id: 'sophos', version: '5.92', released_at: NOW - 86400 },
  ]).execute();
}

/**
 * Limits the account key to a new client group holding only these clients (the key's user is the Agent
 * Key user); returns the group it was in, to put it back.
 */
export async function restrictAgentKey(database: DatabaseHandle, accountId: number, clientIds: number[]) {
  const { client_group_id: former } = await database.db
    .selectFrom('users').select('client_group_id').where('account_id', '=', accountId).where('is_agent_key', '=', 1).executeTakeFirstOrThrow();
  const group = await database.db.insertInto('client_groups').values({ account_id: accountId, name: `Only ${clientIds.join(',')}`, is_all_clients: 0 }).returning('id').executeTakeFirstOrThrow();
  if (clientIds.length > 0) await database.db.insertInto('client_group_members').values(clientIds.map((client_id) => ({ account_id: accountId, client_group_id: group.id, client_id }))).execute();
  await database.db.updateTable('users').set({ client_group_id: group.id }).where('account_id', '=', accountId).where('is_agent_key', '=', 1).execute();
  return former;
}
