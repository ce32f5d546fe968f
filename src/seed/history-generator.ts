import type { Insertable } from 'kysely';
import type {
  CheckDayResultTable, CheckTable, DeviceTable, MobSessionTable, PerformanceMonitorTable, StorageMonitorTable,
} from '../db/schema.js';
import { CheckStatus } from '../checks/check-status.js';
import { DayResult } from '../history/day-result.js';
import { addDays, utcDate, zonedDate } from '../lib/dates.js';
import { AV_UPDATE_CHECK_TYPES, BACKUP_CHECK_TYPES } from '../history/check-day-history.js';
import { Prng } from './prng.js';
import type { SeedOperations } from './seed.repository.js';

/**
 * History for one batch of freshly seeded devices, kept cheap so 50,000 devices seed about as fast as
 * without it: performance and storage series are one monitor row each (the points are derived on read,
 * see src/history/*-series.ts), check day results are stored only for the odd day that was not a pass,
 * and Backup & Recovery sessions cover the last ten days of devices that have it.
 * It draws from its own generator, seeded from the batch, so it never shifts the rest of the demo data.
 */
export type HistoryBatch = {
  seed: string;
  accountId: number;
  /** The account's timezone: day results are stored as its calendar days. */
  timezone: string;
  now: number;
  devices: ReadonlyMap<number, Insertable<DeviceTable>>;
  checks: readonly (Insertable<CheckTable> & { id: number })[];
};

const SESSION_DAYS = 7;
/** Share of workstations whose performance and drive space checks keep history (every server's do). */
const WORKSTATION_HISTORY_SHARE = 0.15;

export async function seedHistory(ops: SeedOperations, batch: HistoryBatch): Promise<void> {
  const rng = new Prng(batch.seed);
  const performance: Insertable<PerformanceMonitorTable>[] = [];
  const storage: Insertable<StorageMonitorTable>[] = [];
  const dayResults: Insertable<CheckDayResultTable>[] = [];

  const today = zonedDate(batch.now, batch.timezone);
  const keepsHistory = new Map<number, boolean>();
  for (const [id, d] of batch.devices) keepsHistory.set(id, d.device_type === 'server' || rng.chance(WORKSTATION_HISTORY_SHARE));

  for (const k of batch.checks) {
    const d = batch.devices.get(k.device_id)!;
    const base = { account_id: batch.accountId, client_id: k.client_id, device_id: k.device_id, check_id: k.id };
    if (keepsHistory.get(k.device_id)) performance.push(...performanceMonitorsFor(rng, batch.now, k, d));
    if (k.check_type === 1003 && keepsHistory.get(k.device_id)) {
      const letter = /Drive ([A-Z]):/.exec(String(k.description))?.[1] ?? 'C';
      storage.push({
        ...base, kind: 'drive', drive_letter: letter, mount_point: '', store_name: '', edb_file: '', slv_file: '',
        first_day: laterDay(String(d.install_date), utcDate(batch.now - rng.int(60, 400) * 86400)),
        base_mb: rng.int(15, 400) * 1024, daily_growth_mb: rng.int(-20, 300), seed: rng.int(1, 2 ** 31 - 1),
      });
    }
    if ((BACKUP_CHECK_TYPES as readonly number[]).includes(k.check_type) || (AV_UPDATE_CHECK_TYPES as readonly number[]).includes(k.check_type)) {
      dayResults.push(...badDays(rng, batch.accountId, today, k));
    }
  }

  // Exchange servers get an Exchange Store Size Check and its store history.
  const exchangeServers = [...batch.devices].filter(([, d]) => d.device_type === 'server' && /-EXCH\d/.test(String(d.name)));
  const exchangeChecks = await ops.insertChecks(
    exchangeServers.map(([id, d]) => ({
      account_id: batch.accountId, client_id: d.client_id, site_id: d.site_id, device_id: id, uid: id * 100 + 99, sync_status: 1, check_type: 1025, is_task: 0,
      description: 'Exchange Store Size Check - Mailbox Database', dsc_247: 1, statusid: CheckStatus.pass, consecutive_fails: 0, last_run_at: batch.now - rng.int(1, 20) * 3600,
      email: 0, sms: 0, emailrecovery: 0, smsrecovery: 0, extra: 'Store size within limits', formatted_output: 'Store size within limits',
    })),
  );
  for (const k of exchangeChecks) {
    const d = batch.devices.get(k.device_id)!;
    const store = `Mailbox Database ${String(rng.int(1000, 9999))}`;
    storage.push({
      account_id: batch.accountId, client_id: d.client_id, device_id: k.device_id, check_id: k.id, kind: 'exchange_store', drive_letter: '', mount_point: '',
      store_name: store, edb_file: `E:\\Exchange Server\\Mailbox\\${store}\\${store}.edb`, slv_file: '',
      first_day: laterDay(String(d.install_date), utcDate(batch.now - rng.int(90, 500) * 86400)), base_mb: rng.int(20, 200) * 1024, daily_growth_mb: rng.int(10, 120), seed: rng.int(1, 2 ** 31 - 1),
    });
  }

  const sessions: Insertable<MobSessionTable>[] = [];
  for (const [id, d] of batch.devices) if (d.mob === 1) sessions.push(...mobSessions(rng, batch, id, d));

  await ops.insertPerformanceMonitors(performance);
  await ops.insertStorageMonitors(storage);
  await ops.insertDayResults(dayResults);
  await ops.insertMobSessions(sessions);
}

const laterDay = (a: string, b: string) => (a > b ? a : b);

/** The performance sections a check collects: processor queue → cpu, disk; memory → memory, network; web page → bandwidth. */
function performanceMonitorsFor(rng: Prng, now: number, k: Insertable<CheckTable> & { id: number }, d: Insertable<DeviceTable>): Insertable<PerformanceMonitorTable>[] {
  const monitor = (kind: PerformanceMonitorTable['kind'], thresholds: Record<string, string>, extra: Partial<Insertable<PerformanceMonitorTable>> = {}): Insertable<PerformanceMonitorTable> => ({
    account_id: k.account_id, client_id: k.client_id, device_id: k.device_id, check_id: k.id, kind, name: '', target: '',
    thresholds: JSON.stringify(thresholds), cpu_count: 1, seed: rng.int(1, 2 ** 31 - 1), created_at: now - rng.int(1, 30) * 86400, ...extra,
  });
  switch (k.check_type) {
    case 1009:
      return [
        monitor('cpu_queue', { average_length: '10' }),
        monitor('cpu_load', { average_load: '90' }, { cpu_count: Math.min(4, Number(d.processor_count ?? 1)) }),
        monitor('disk_load', { read_queue_length: '2', write_queue_length: '2', average_disk_time: '80' }, { target: 'C:' }),
      ];
    case 1010:
      return [
        monitor('memory_usage', { available_min: '512', average_pages: '1000', average_page_file: '70', non_paged_pool: '256', average_commit: '90' }),
        monitor('network_usage', { average_usage: '70' }, { target: rng.pick(['Intel(R) Ethernet Connection I219-LM', 'Broadcom NetXtreme Gigabit Ethernet', 'vmxnet3 Ethernet Adapter']) }),
      ];
    case 1012: {
      const host = /https?:\/\/([^/]+)/.exec(String(k.description))?.[1] ?? 'intranet.local';
      return [monitor('bandwidth', { receive: '10000', transmit: '5000' }, { name: `${host} port 443`, target: host })];
    }
    default:
      return [];
  }
}

/** A third of backup and antivirus checks had a bad spell: a few failed days, perhaps cleared, perhaps a day not run. */
function badDays(rng: Prng, accountId: number, today: string, k: Insertable<CheckTable> & { id: number }): Insertable<CheckDayResultTable>[] {
  if (k.last_run_at == null || !rng.chance(0.33)) return [];
  const start = rng.int(3, 55);
  const length = rng.int(1, 4);
  const rows: Insertable<CheckDayResultTable>[] = [];
  for (let i = 0; i < length; i++) {
    const result = i === length - 1 && rng.chance(0.4) ? DayResult.cleared : rng.chance(0.2) ? DayResult.inactive : DayResult.fail;
    rows.push({ account_id: accountId, client_id: k.client_id, device_id: k.device_id, check_id: k.id, day: addDays(today, -(start - i)), result });
  }
  return rows;
}

/** Nightly file-system backups for the last days, a weekly system-state one on servers, the odd failure. */
function mobSessions(rng: Prng, batch: HistoryBatch, deviceId: number, d: Insertable<DeviceTable>): Insertable<MobSessionTable>[] {
  const rows: Insertable<MobSessionTable>[] = [];
  const midnight = Math.floor(batch.now / 86400) * 86400;
  const storageAccount = `sa-${rng.hex(8)}`;
  const plugins: [string, number, number][] = [['FILE_SYSTEM', 1, rng.int(5, 400) * 1024 ** 3]];
  if (d.device_type === 'server') plugins.push(['SYSTEM_STATE', 2, rng.int(8, 30) * 1024 ** 3]);
  for (const [plugin, slot, baseSize] of plugins) {
    let previous = baseSize;
    for (let day = SESSION_DAYS; day >= 1; day--) {
      if (plugin === 'SYSTEM_STATE' && day % 7 !== 0) continue;
      const start = midnight - day * 86400 + 22 * 3600 + rng.int(0, 3600);
      const size = Math.max(0, previous + rng.int(-50, 200) * 1024 ** 2);
      const roll = rng.next();
      const status = roll < 0.03 ? 'FAILED' : roll < 0.08 ? 'COMPLETED_WITH_ERRORS' : roll < 0.1 ? 'INTERRUPTED' : 'COMPLETED';
      const items = Math.round(size / 2 ** 20);
      rows.push({
        account_id: batch.accountId, client_id: d.client_id, site_id: d.site_id, device_id: deviceId, storage_account_id: storageAccount, slot_id: slot, type: 'BACKUP', plugin,
        started_at: start, ended_at: start + rng.int(300, 7200), selection_size: size, selection_item_count: items, size_change: Math.abs(size - previous),
        item_count_change: Math.abs(items - Math.round(previous / 2 ** 20)), removed_item_count: rng.int(0, 50), processed_size: status === 'FAILED' ? 0 : rng.int(1, 2000) * 1024 ** 2,
        processed_item_count: rng.int(0, 5000), transferred_size: status === 'FAILED' ? 0 : rng.int(1, 500) * 1024 ** 2, error_count: status === 'COMPLETED' ? 0 : rng.int(1, 20), status,
      });
      previous = size;
    }
  }
  return rows;
}

/** Days of definition releases the demo catalogue gets. */
const DEFINITION_DAYS = 30;

/**
 * One definition release a day per product for the last month, at a product-specific hour, numbered
 * from the day so versions only grow: e.g. bitdefender `7.20418`.
 */
export function avDefinitionRows(productIds: readonly string[], now: number): Insertable<import('../db/schema.js').AvDefinitionTable>[] {
  const today = Math.floor(now / 86400);
  return productIds.flatMap((product_id, p) =>
    Array.from({ length: DEFINITION_DAYS }, (_, i) => {
      const day = today - i;
      return { product_id, version: `${(p % 9) + 1}.${day}`, released_at: day * 86400 + ((p * 5) % 24) * 3600 };
    }).filter((d) => d.released_at <= now),
  );
}
