import type { Insertable } from 'kysely';
import type { CheckTable, DeviceTable, PerformanceIntervalTable, PerformanceMonitorTable, StorageMonitorTable } from '../db/schema.js';
import type { PerformanceKind } from '../history/performance-kind.js';
import { CheckStatus } from '../checks/check-status.js';
import { addDays, utcDate } from '../lib/dates.js';
import { UNUSED_PERFORMANCE_COLUMNS, UNUSED_STORAGE_COLUMNS } from '../history/history-writer.js';
import { DEFAULT_THRESHOLDS, MEMORY_TOTAL, perCpuMetric, RETENTION_SECONDS } from '../history/performance-metrics.js';
import { type FoldSample, foldSamples } from '../history/performance-intervals.js';
import { dayRows, type SizeSample } from '../history/storage-days.js';
import { Prng } from './prng.js';
import type { SeedOperations } from './seed.repository.js';

/**
 * Performance and drive-space history for one batch of freshly seeded devices. Performance samples and
 * drive and store sizes are generated here and stored as the history writer stores reported ones (the same
 * foldSamples and dayRows), so every read answers stored rows. (Check day results and Backup & Recovery
 * sessions are not made here: demo-generator.ts folds made-up results through ingestion's derivation,
 * check-history-generator.ts, and stores what that answers.)
 * It draws from its own generator, seeded from the batch, so it never shifts the rest of the demo data.
 *
 * Dense history is what makes seeding slow (8 days of hourly and a day of 15-minute intervals is 288
 * rows per metric; 50,000 devices would need 40 million rows), so only a run's first FULL_HISTORY_DEVICES
 * devices (all of the 400-device demo account) get history in full: 8 days of performance samples and
 * drive and store sizes back to each one's first day. Later devices (the 50,000-device bench account)
 * keep their performance monitors without samples, as a device whose agent has not reported them yet,
 * and the last SHORT_STORAGE_DAYS days of sizes.
 */
export type HistoryBatch = {
  seed: string;
  accountId: number;
  now: number;
  devices: ReadonlyMap<number, Insertable<DeviceTable>>;
  checks: readonly (Insertable<CheckTable> & { id: number })[];
  /** Whether this batch's devices get full performance and storage history (see above). */
  fullHistory: boolean;
};

/** Devices of a seeding run, counted from its start, whose batches get full history. */
export const FULL_HISTORY_DEVICES = 500;
const SHORT_STORAGE_DAYS = 8;
/**
 * Seconds between generated samples: an agent's five minutes (three per quarter, so quarters have distinct
 * extremes) over the last day, whose quarters are kept; fifteen before it, where only hours are kept.
 */
const SAMPLE_SECONDS = 300;
const OLD_SAMPLE_SECONDS = 900;
/** Rows of performance intervals collected before they are inserted (bounds the batch's memory). */
const INTERVAL_ROWS_PER_INSERT = 50_000;

/** Share of workstations whose performance and drive space checks keep history (every server's do). */
const WORKSTATION_HISTORY_SHARE = 0.15;

export async function seedHistory(ops: SeedOperations, batch: HistoryBatch): Promise<void> {
  const rng = new Prng(batch.seed);
  const performance: Insertable<PerformanceMonitorTable>[] = [];
  const storage: Insertable<StorageMonitorTable>[] = [];

  const keepsHistory = new Map<number, boolean>();
  for (const [id, d] of batch.devices) keepsHistory.set(id, d.device_type === 'server' || rng.chance(WORKSTATION_HISTORY_SHARE));

  for (const k of batch.checks) {
    const d = batch.devices.get(k.device_id)!;
    if (keepsHistory.get(k.device_id)) performance.push(...performanceMonitorsFor(rng, batch.now, k, d));
    if (k.check_type === 1003 && keepsHistory.get(k.device_id)) {
      const letter = /Drive ([A-Z]):/.exec(String(k.description))?.[1] ?? 'C';
      storage.push({
        account_id: batch.accountId, client_id: k.client_id, device_id: k.device_id, check_id: k.id, kind: 'drive', drive_letter: letter, mount_point: '',
        store_name: '', edb_file: '', slv_file: '', first_day: laterDay(String(d.install_date), utcDate(batch.now - rng.int(60, 400) * 86400)), ...UNUSED_STORAGE_COLUMNS,
      });
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
      first_day: laterDay(String(d.install_date), utcDate(batch.now - rng.int(90, 500) * 86400)), ...UNUSED_STORAGE_COLUMNS,
    });
  }

  const performanceIds = await ops.insertPerformanceMonitors(performance);
  await seedPerformanceSamples(ops, rng, batch, performance.map((m, i) => ({ ...m, id: performanceIds[i]! })));
  const storageIds = await ops.insertStorageMonitors(storage);
  await ops.insertStorageDays(dayRows(batch.accountId, storage.flatMap((m, i) => storageSizes(rng, batch, { ...m, id: storageIds[i]! }))));
}

const laterDay = (a: string, b: string) => (a > b ? a : b);

/** The performance sections a check collects: processor queue → cpu, disk; memory → memory, network; web page → bandwidth. */
function performanceMonitorsFor(rng: Prng, now: number, k: Insertable<CheckTable> & { id: number }, d: Insertable<DeviceTable>): Insertable<PerformanceMonitorTable>[] {
  const monitor = (kind: PerformanceKind, extra: Partial<Insertable<PerformanceMonitorTable>> = {}): Insertable<PerformanceMonitorTable> => ({
    account_id: k.account_id, client_id: k.client_id, device_id: k.device_id, check_id: k.id, kind, name: '', target: '',
    thresholds: JSON.stringify(DEFAULT_THRESHOLDS[kind]), created_at: now - rng.int(1, 30) * 86400, ...UNUSED_PERFORMANCE_COLUMNS, ...extra,
  });
  switch (k.check_type) {
    case 1009:
      return [
        monitor('cpu_queue'),
        // cpu_count here is what the generated samples use: that many processors reported one by one.
        monitor('cpu_load', { cpu_count: Math.min(4, Number(d.processor_count ?? 1)) }),
        monitor('disk_load', { target: 'C:' }),
      ];
    case 1010:
      return [
        monitor('memory_usage'),
        monitor('network_usage', { target: rng.pick(['Intel(R) Ethernet Connection I219-LM', 'Broadcom NetXtreme Gigabit Ethernet', 'vmxnet3 Ethernet Adapter']) }),
      ];
    case 1012: {
      const host = /https?:\/\/([^/]+)/.exec(String(k.description))?.[1] ?? 'intranet.local';
      return [monitor('bandwidth', { name: `${host} port 443`, target: host })];
    }
    default:
      return [];
  }
}

/** How a generated metric moves: a daily curve peaking mid-afternoon UTC plus noise, within [0, ceiling]. */
type SampleShape = { metric: string; base: number; swing: number; noise: number; ceiling?: number };
const shape = (metric: string, base: number, swing: number, noise: number, ceiling?: number): SampleShape => ({ metric, base, swing, noise, ceiling });

const SAMPLE_SHAPES: Record<PerformanceKind, readonly SampleShape[]> = {
  bandwidth: [shape('receive', 900, 700, 250), shape('transmit', 300, 220, 90)],
  cpu_load: [shape('load', 22, 15, 8, 100)],
  cpu_queue: [shape('queue', 0.8, 0.6, 0.4)],
  disk_load: [shape('disk_time', 12, 9, 5, 100), shape('read_queue', 0.3, 0.2, 0.15), shape('write_queue', 0.4, 0.3, 0.2)],
  network_usage: [shape('total', 9, 7, 3, 100), shape('transmit', 4, 3, 1.5, 100), shape('receive', 5, 4, 2, 100)],
  memory_usage: [
    shape('available', 5200, -1400, 500), shape('commit_charge', 61, 12, 5, 100), shape('page_faults', 340, 220, 120),
    shape('file_usage', 18, 6, 3, 100), shape('non_paged', 310, 20, 10),
  ],
};

/**
 * Samples of the last 8 days (or since the monitor's creation), folded and inserted monitor by monitor.
 * cpu_load reports each processor (`load.0`, …) when the device has several, memory_usage the device's
 * memory as `total`.
 */
async function seedPerformanceSamples(ops: SeedOperations, rng: Prng, batch: HistoryBatch, monitors: readonly (Insertable<PerformanceMonitorTable> & { id: number })[]): Promise<void> {
  if (!batch.fullHistory) return;
  let rows: Insertable<PerformanceIntervalTable>[] = [];
  for (const monitor of monitors) {
    const shapes = SAMPLE_SHAPES[monitor.kind];
    const cpus = monitor.kind === 'cpu_load' && monitor.cpu_count! > 1 ? monitor.cpu_count! : 0;
    const memoryMb = monitor.kind === 'memory_usage' ? Math.round(Number(batch.devices.get(monitor.device_id)!.total_memory) / 1024 ** 2) : 0;
    const samples: FoldSample[] = [];
    const first = Math.ceil(Math.max(batch.now - RETENTION_SECONDS[60], monitor.created_at) / OLD_SAMPLE_SECONDS) * OLD_SAMPLE_SECONDS;
    const lastDay = batch.now - RETENTION_SECONDS[15];
    for (let at = first; at < batch.now; at += at < lastDay ? OLD_SAMPLE_SECONDS : SAMPLE_SECONDS) {
      const curve = Math.sin((2 * Math.PI * ((at % 86400) / 3600 - 9)) / 24);
      const value = (s: SampleShape) => Math.min(s.ceiling ?? Infinity, Math.max(0, s.base + s.swing * curve + s.noise * (2 * rng.next() - 1)));
      const values: Record<string, number> = {};
      if (cpus > 0) for (let cpu = 0; cpu < cpus; cpu++) values[perCpuMetric(cpu)] = value(shapes[0]!);
      else for (const s of shapes) values[s.metric] = value(s);
      if (memoryMb > 0) values[MEMORY_TOTAL] = memoryMb;
      samples.push({ monitorId: monitor.id, at, values });
    }
    rows.push(...foldSamples(batch.accountId, samples));
    if (rows.length >= INTERVAL_ROWS_PER_INSERT) {
      await ops.insertPerformanceIntervals(rows);
      rows = [];
    }
  }
  await ops.insertPerformanceIntervals(rows);
}

/** A drive's or store's size each day (measured late in the day): linear growth plus a little churn. */
function storageSizes(rng: Prng, batch: HistoryBatch, monitor: Insertable<StorageMonitorTable> & { id: number }): SizeSample[] {
  const exchange = monitor.kind === 'exchange_store';
  const base = (exchange ? rng.int(20, 200) : rng.int(15, 400)) * 1024;
  const growth = exchange ? rng.int(10, 120) : rng.int(-20, 300);
  const today = utcDate(batch.now);
  const from = batch.fullHistory ? monitor.first_day : laterDay(monitor.first_day, addDays(today, 1 - SHORT_STORAGE_DAYS));
  const sizes: SizeSample[] = [];
  let day = from;
  for (let index = (Date.parse(from) - Date.parse(monitor.first_day)) / 86_400_000; day <= today; index++, day = addDays(day, 1)) {
    const churn = Math.max(20, base * 0.003) * (rng.next() - 0.5);
    const at = Math.min(Date.parse(`${day}T23:00:00Z`) / 1000, batch.now - 60);
    sizes.push({ monitorId: monitor.id, at, sizeMb: Math.max(0, Math.round(base + growth * index + churn)) });
  }
  return sizes;
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
