import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a TypeScript file of bench/ in its own Node process (through tsx) and returns its stdout. */
export function runTs(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', file), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench/${file} exited with code ${code}`))));
  });
}

/** The built CLI as ./bin/sightline runs it: the one-file bundle when the build made one (scripts/bundle.mjs). */
export function cliEntry(): string {
  const bundle = join(ROOT, 'dist/sightline.mjs');
  return existsSync(bundle) ? bundle : join(ROOT, 'dist/cli/main.js');
}

/** Runs the Sightline CLI (the built dist/) to completion and returns its stdout. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry(), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`sightline ${args[0]} failed: ${err.trim().split('\n').pop()}`))));
  });
}

export type Server = { process: ChildProcess; pid: number; stop(): Promise<void> };

/** Starts a long-running Node process and resolves once `probeUrl` answers (or rejects when it exits first). */
export async function startProcess(command: string[], env: NodeJS.ProcessEnv, probeUrl: string): Promise<Server & { startMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${command.join(' ')} exited before answering`);
    if (await answers(probeUrl)) break;
    await sleep(5);
  }
  const startMs = performance.now() - started;
  return {
    process: child,
    pid: child.pid!,
    startMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a process's resident set (current and peak, VmRSS / VmHWM) in MB from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Samples VmRSS every few ms while `work` runs; returns the work's value and the highest RSS seen. */
export async function withRssSampling<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; maxRssMb: number; peakMb: number }> {
  let maxRssMb = memoryOf(pid).rssMb;
  const timer = setInterval(() => (maxRssMb = Math.max(maxRssMb, memoryOf(pid).rssMb)), 10);
  try {
    const value = await work();
    return { value, maxRssMb: Math.max(maxRssMb, memoryOf(pid).rssMb), peakMb: memoryOf(pid).peakMb };
  } finally {
    clearInterval(timer);
  }
}

/** GETs a URL and returns the body, timing the first byte and the whole transfer. */
export function fetchTimed(url: string): Promise<{ body: Buffer; ttfbMs: number; totalMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      let ttfbMs = 0;
      res.on('data', (chunk: Buffer) => {
        if (chunks.length === 0) ttfbMs = performance.now() - started;
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ body: Buffer.concat(chunks), ttfbMs, totalMs: performance.now() - started }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Like fetchTimed but counts the bytes without keeping them (large answers). */
export function drainTimed(url: string): Promise<{ bytes: number; ttfbMs: number; totalMs: number; head: string; tail: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      let ttfbMs = 0;
      let head = '';
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) {
          ttfbMs = performance.now() - started;
          head = chunk.subarray(0, 200).toString();
        }
        bytes += chunk.length;
        tail = chunk.subarray(Math.max(0, chunk.length - 200)).toString();
      });
      res.on('end', () => resolve({ bytes, ttfbMs, totalMs: performance.now() - started, head, tail }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** CPU time (user + system) a process has used so far, in ms: unlike latency, it barely moves when other work shares the machine. */
export function cpuMsOf(pid: number): number {
  // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name) are utime and stime in clock ticks (100 Hz).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * CPU ms of every PostgreSQL backend serving `database`, by pid. Backends are found by the process title
 * PostgreSQL gives them (`postgres: USER DATABASE HOST(PORT) STATE`), so other databases of a shared
 * server (test suites) are not counted. Needs read access to /proc of the server's processes (root, or
 * the same user); elsewhere it finds none.
 */
export function postgresBackendsCpu(database: string): Map<number, number> {
  const backends = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ')) continue;
      const [, , name] = title.split(/[\s\0]+/);
      if (name === database) backends.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return backends;
}

/**
 * Starts measuring PostgreSQL's CPU for one database (null for SQLite): `elapsed()` answers the CPU ms its
 * backends used since, those already there diffed and those started since counted whole. A backend that
 * ends before `elapsed()` is missed, so the server's pool must keep its connections through the load (it
 * does: connections are dropped only after seconds idle).
 */
export function postgresCpuMeter(url: string | null): { elapsed(): number } {
  if (url === null) return { elapsed: () => 0 };
  const database = new URL(url).pathname.slice(1);
  const before = postgresBackendsCpu(database);
  return {
    elapsed() {
      let total = 0;
      for (const [pid, ms] of postgresBackendsCpu(database)) total += ms - (before.get(pid) ?? 0);
      return total;
    },
  };
}

/**
 * Starts measuring the WAL PostgreSQL writes for one database: the records that touch its relations and
 * the commit records of their transactions, read back with pg_walinspect, so other databases of a shared
 * server do not count. The reading is done from a database of its own (`sightline_bench_wal`, created
 * with the extension when missing), so its CPU is not the measured database's; a temporary replication
 * slot keeps the WAL from being recycled until `bytes()` has read it (and goes with the session).
 * `fullPages` is the part that is full-page images (a page's first change after a checkpoint), which
 * shrinks as checkpoints are further apart.
 */
export async function postgresWalMeter(url: string): Promise<{ bytes(): Promise<{ total: number; fullPages: number }> }> {
  const target = new URL(url).pathname.slice(1);
  const inspectorUrl = new URL(url);
  inspectorUrl.pathname = '/sightline_bench_wal';
  await withClient(url, async (client) => {
    const { rows } = await client.query(`select 1 from pg_database where datname = 'sightline_bench_wal'`);
    if (rows.length === 0) await client.query('create database sightline_bench_wal');
  });
  const inspector = new pg.Client({ connectionString: inspectorUrl.toString() });
  await inspector.connect();
  await inspector.query('create extension if not exists pg_walinspect');
  const slot = `sightline_bench_wal_${process.pid}`;
  await inspector.query('select pg_create_physical_replication_slot($1, true, true)', [slot]);
  const { rows } = await inspector.query<{ lsn: string; oid: number }>(
    `select pg_current_wal_flush_lsn()::text as lsn, (select oid from pg_database where datname = $1)::int as oid`, [target],
  );
  const start = rows[0]!;
  return {
    async bytes() {
      try {
        const { rows: counted } = await inspector.query<{ total: string; full_pages: string }>(
          `with r as (select xid, record_length, fpi_length, block_ref from pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn())),
                ours as (select distinct xid from r where block_ref like $2 and xid <> '0')
           select coalesce(sum(record_length), 0)::bigint::text as total, coalesce(sum(fpi_length), 0)::bigint::text as full_pages
           from r where block_ref like $2 or xid in (select xid from ours)`,
          [start.lsn, `%rel %/${start.oid}/%`],
        );
        return { total: Number(counted[0]!.total), fullPages: Number(counted[0]!.full_pages) };
      } finally {
        await inspector.end();
      }
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
