// `npm run bench -- --ingest [--db postgres://…] [--ingest-devices 2000] [--rate 2000] [--seconds 30]`:
// sustained ingestion over HTTP. A fresh database with one account; the server in its own process; the
// fleet simulator (`sightline simulate`) in another, enrolling devices through the real protocol and then
// reporting at `--rate` reports per second; while it reports, a third process loads `list_checks` of one
// enrolled device and measures its latency. Prints check results per second (as acknowledged by the
// server), reports per second, the list_checks p99 and the server's CPU, and writes bench/results/ingest-*.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { freshDatabase, recreatePostgresDatabase } from './fixture.js';
import { cliEntry, cpuMsOf, fetchTimed, memoryOf, postgresCpuMeter, postgresWalMeter, ROOT, runCli, runTs, sleep, startProcess } from './processes.js';
import type { LoadResult } from './report.js';

/**
 * The fleet of the arithmetic: 20 checks a device, each run every minute (a report every five
 * minutes then carries five results of each). The account's templates are filled up to that many.
 */
const CHECKS_PER_DEVICE = 20;
const CHECK_INTERVAL_SECONDS = 60;
/** The read load whose latency is the target: tools polling list_checks steadily, not a saturating load. */
const LIST_CHECKS_PACE = 50;
/** Ingestion alone, before the reads start, for its cost per check result: seconds to settle, then to measure. */
const SETTLE_SECONDS = 3;
const COST_SECONDS = 8;

export type IngestOptions = { db?: string; devices: number; rate: number; seconds: number; port: number; connections: number };

export type IngestResult = {
  when: string;
  dialect: 'sqlite' | 'postgres';
  devices: number;
  enrolSeconds: number;
  reportsPerSecond: number;
  checkResultsPerSecond: number;
  errors: number;
  /** list_checks as fast as the server answers (8 connections): throughput, and latency when saturated. */
  listChecks: LoadResult;
  /** list_checks at a steady LIST_CHECKS_PACE requests a second: the latency a polling tool sees. */
  listChecksPaced: LoadResult;
  serverCpuPercent: number;
  serverPeakRssMb: number;
  /**
   * Ingestion alone (no reads), per check result: the server's and PostgreSQL's CPU µs, the database's
   * growth and (PostgreSQL) the WAL written for it, in bytes.
   */
  perResult: { results: number; reports: number; serverCpuUs: number; postgresCpuUs: number; storedBytes: number; walBytes: number | null; walFullPageBytes: number | null };
};

/** Runs the ingestion benchmark and returns (and prints) its figures. */
export async function benchIngest(options: IngestOptions): Promise<IngestResult> {
  const { db, postgres } = await freshDatabase(options.db, 'ingest.db');
  const account = 'ingest-bench';
  // A small demo account gives the clients, sites and templates the simulated devices enrol into.
  await runCli(['seed', '--db', db, '--account', account, '--clients', '20', '--devices', '20']);
  const key = (await runCli(['apikey', 'regenerate', '--db', db, '--account', account])).trim().split('\n').pop()!;
  await withChecksPerDevice(db, account, CHECKS_PER_DEVICE);
  const base = `http://127.0.0.1:${options.port}`;
  console.error('bench ingest: starting the server…');
  const server = await startProcess([cliEntry(), 'serve', '--db', db, '--port', String(options.port), '--host', '127.0.0.1'], { LOG_LEVEL: 'warn' }, `${base}/healthz`);
  try {
    console.error(`bench ingest: simulator (${options.devices} devices, ${options.rate} reports/s for ${options.seconds}s after enrolment)…`);
    const simulator = spawn(
      process.execPath,
      [cliEntry(), 'simulate', '--db', db, '--account', account, '--url', base, '--devices', String(options.devices), '--clients', '20', '--duration', String(options.seconds), '--rate', String(options.rate), '--json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let reporting = false;
    // Reports and check results the server has answered, from the simulator's progress line (each second).
    const soFar = { reports: 0, results: 0 };
    simulator.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    simulator.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('reporting')) reporting = true;
      for (const m of text.matchAll(/reporting .*?reports (\d+) \| check results (\d+)/g)) Object.assign(soFar, { reports: Number(m[1]), results: Number(m[2]) });
      process.stderr.write(text);
    });
    const exited = new Promise<number>((resolve) => simulator.on('exit', (code) => resolve(code ?? 1)));
    while (!reporting) await sleep(100);
    const perResult = await ingestionCost(db, postgres, server.pid, () => ({ ...soFar }));
    // One enrolled device's checks: the read the MSP's tools make while agents report.
    const devices = (await fetchTimed(`${base}/api/?apikey=${key}&service=list_devices_at_client&clientid=1&devicetype=workstation`)).body.toString();
    const deviceid = [...devices.matchAll(/<workstation><id>(\d+)<\/id><name><!\[CDATA\[SIM-/g)][0]?.[1] ?? /<workstation><id>(\d+)<\/id>/.exec(devices)?.[1];
    const url = `${base}/api/?apikey=${key}&service=list_checks&deviceid=${deviceid}`;
    const loadSeconds = Math.max(5, Math.floor((options.seconds - 10 - SETTLE_SECONDS - COST_SECONDS) / 2));
    const load = async (rate?: number) => JSON.parse(await runTs('load.ts', [JSON.stringify({ url, connections: options.connections, seconds: loadSeconds, warmupSeconds: 0, rate })])) as LoadResult;
    const listChecksPaced = await load(LIST_CHECKS_PACE);
    const cpuBefore = cpuMsOf(server.pid);
    const started = performance.now();
    const listChecks = await load();
    const serverCpuPercent = ((cpuMsOf(server.pid) - cpuBefore) / (performance.now() - started)) * 100;
    if ((await exited) !== 0) throw new Error('the simulator failed');
    const summary = JSON.parse(out.trim().split('\n').pop()!) as { enrolSeconds: number; reportSeconds: number; reports: number; checkResults: number; errors: number };
    const result: IngestResult = {
      when: new Date().toISOString(),
      dialect: postgres ? 'postgres' : 'sqlite',
      devices: options.devices,
      enrolSeconds: summary.enrolSeconds,
      reportsPerSecond: summary.reports / summary.reportSeconds,
      checkResultsPerSecond: summary.checkResults / summary.reportSeconds,
      errors: summary.errors,
      listChecks,
      listChecksPaced,
      serverCpuPercent,
      serverPeakRssMb: memoryOf(server.pid).peakMb,
      perResult,
    };
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `ingest-${result.dialect}.json`), JSON.stringify({ ...result, cpus: cpus().length }, null, 2) + '\n');
    console.log(formatIngest(result));
    return result;
  } finally {
    await server.stop();
  }
}

export function formatIngest(r: IngestResult): string {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  return [
    `Ingestion (${r.dialect}, ${f(r.devices)} simulated devices, enrolled in ${f(r.enrolSeconds, 1)} s)`,
    `  check results / s   ${f(r.checkResultsPerSecond)}   (target ≥ 20,000)`,
    `  reports / s         ${f(r.reportsPerSecond)}`,
    `  errors              ${f(r.errors)}`,
    `  list_checks during  at ${LIST_CHECKS_PACE} req/s: p50 ${f(r.listChecksPaced.p50, 1)} ms, p99 ${f(r.listChecksPaced.p99, 1)} ms (target < 50 ms)`,
    `                      flat out: ${f(r.listChecks.rps)} req/s, p50 ${f(r.listChecks.p50, 1)} ms, p99 ${f(r.listChecks.p99, 1)} ms`,
    `  server CPU          ${f(r.serverCpuPercent)} %, peak RSS ${f(r.serverPeakRssMb)} MB`,
    `  per check result    server ${f(r.perResult.serverCpuUs, 1)} µs CPU` +
      (r.dialect === 'postgres'
        ? `, PostgreSQL ${f(r.perResult.postgresCpuUs, 1)} µs CPU, ${f(r.perResult.walBytes ?? 0)} bytes of WAL (${f(r.perResult.walFullPageBytes ?? 0)} of them full-page images)`
        : '') +
      `, database +${f(r.perResult.storedBytes)} bytes (ingestion alone: ${f(r.perResult.results)} results in ${f(r.perResult.reports)} reports over ${COST_SECONDS} s)`,
  ].join('\n');
}

/**
 * The cost of ingestion alone, per check result, over COST_SECONDS once reporting has settled: CPU of
 * the server and of PostgreSQL's backends, the database's growth, and the WAL PostgreSQL wrote for it.
 */
async function ingestionCost(db: string, postgres: boolean, serverPid: number, soFar: () => { reports: number; results: number }): Promise<IngestResult['perResult']> {
  await sleep(SETTLE_SECONDS * 1000);
  const sizeOf = async () => (postgres ? postgresDatabaseBytes(db) : ['', '-wal'].reduce((sum, suffix) => sum + (existsSync(db + suffix) ? statSync(db + suffix).size : 0), 0));
  const sizeBefore = await sizeOf();
  const wal = postgres ? await postgresWalMeter(db) : undefined;
  const pgCpu = postgresCpuMeter(postgres ? db : null);
  const cpuBefore = cpuMsOf(serverPid);
  const before = soFar();
  await sleep(COST_SECONDS * 1000);
  const after = soFar();
  const results = Math.max(1, after.results - before.results);
  const serverMs = cpuMsOf(serverPid) - cpuBefore;
  const postgresMs = pgCpu.elapsed();
  const storedBytes = (await sizeOf()) - sizeBefore;
  const walBytes = wal ? await wal.bytes() : undefined;
  return {
    results,
    reports: after.reports - before.reports,
    serverCpuUs: (serverMs * 1000) / results,
    postgresCpuUs: (postgresMs * 1000) / results,
    storedBytes: storedBytes / results,
    walBytes: walBytes ? walBytes.total / results : null,
    walFullPageBytes: walBytes ? walBytes.fullPages / results : null,
  };
}

async function postgresDatabaseBytes(url: string): Promise<number> {
  const database = await openDatabase(url, { migrate: false });
  try {
    const { rows } = await sql<{ bytes: string }>`select pg_database_size(current_database())::text as bytes`.execute(database.db);
    return Number(rows[0]!.bytes);
  } finally {
    await database.close();
  }
}

/** Adds script checks to every template of the account until each has `count` (enrolled devices copy them). */
async function withChecksPerDevice(db: string, accountName: string, count: number): Promise<void> {
  const database = await openDatabase(db);
  try {
    const account = await database.db.selectFrom('accounts').select('id').where('name', '=', accountName).executeTakeFirstOrThrow();
    const templates = await database.db.selectFrom('installation_templates').select('id').where('account_id', '=', account.id).execute();
    for (const { id } of templates) {
      const { n } = await database.db.selectFrom('template_checks').select((eb) => eb.fn.countAll<number>().as('n')).where('template_id', '=', id).executeTakeFirstOrThrow();
      const missing = Array.from({ length: Math.max(0, count - Number(n)) }, (_, i) => ({
        account_id: account.id, template_id: id, check_type: 1017, kind: 'script', description: `Script Check - bench ${i + 1}`,
        dsc_247: 2, interval_seconds: CHECK_INTERVAL_SECONDS, settings: JSON.stringify({ command: 'true', timeoutSeconds: 10 }),
      }));
      if (missing.length > 0) await database.db.insertInto('template_checks').values(missing).execute();
    }
    await database.db.updateTable('template_checks').set({ interval_seconds: CHECK_INTERVAL_SECONDS }).where('account_id', '=', account.id).execute();
  } finally {
    await database.close();
  }
}
