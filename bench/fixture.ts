import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT, runCli } from './processes.js';

export type FixtureOptions = { db?: string; devices: number; clients: number; largeDevices: number; seed: string };

export type Fixture = {
  db: string;
  dialect: 'sqlite' | 'postgres';
  fingerprint: string;
  /** Seconds spent seeding in this run; 0 when an existing fixture was reused. */
  seedSeconds: number;
  mainKey: string;
  largeKey: string;
};

/**
 * The benchmark data, keyed by a fingerprint of its sizes, its seed and the code that shapes it (seed
 * generator, the history folding it stores with, and migrations): the same fingerprint reuses what is
 * there, a new one seeds afresh.
 * Two accounts: the main one (`devices` over `clients`) and one with a single `largeDevices` client.
 */
export async function ensureFixture(options: FixtureOptions): Promise<Fixture> {
  const fingerprint = fingerprintOf(options);
  const names = { main: `bench-${fingerprint}`, large: `bench-large-${fingerprint}` };
  const postgres = options.db !== undefined && /^postgres(ql)?:\/\//.test(options.db);
  const db = options.db ?? join(ROOT, 'bench', 'data', `bench-${options.devices}-${fingerprint}.db`);

  let seedSeconds = 0;
  if (!(await accountsExist(db, names))) {
    const started = performance.now();
    if (postgres) await recreatePostgresDatabase(db);
    // SQLite: seed into a side file and rename it when complete, so an interrupted seed is never reused.
    const target = postgres ? db : `${db}.partial`;
    if (!postgres) {
      mkdirSync(join(db, '..'), { recursive: true });
      for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true });
    }
    console.error(`bench: seeding ${options.largeDevices} + ${options.devices} devices into ${postgres ? 'PostgreSQL' : target} (fingerprint ${fingerprint})…`);
    await runCli(['seed', '--db', target, '--account', names.large, '--clients', '1', '--devices', String(options.largeDevices), '--seed', `${options.seed}-large`]);
    await runCli(['seed', '--db', target, '--account', names.main, '--clients', String(options.clients), '--devices', String(options.devices), '--seed', options.seed]);
    if (!postgres) {
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, db + suffix);
    }
    seedSeconds = (performance.now() - started) / 1000;
  }
  return {
    db,
    dialect: postgres ? 'postgres' : 'sqlite',
    fingerprint,
    seedSeconds,
    mainKey: await regenerateKey(db, names.main),
    largeKey: await regenerateKey(db, names.large),
  };
}

function fingerprintOf(options: FixtureOptions): string {
  const hash = createHash('sha256').update(JSON.stringify({ ...options, db: undefined }));
  // src/history: the seeder stores its samples with the history writer's folding.
  for (const dir of ['src/seed', 'src/history', 'src/db/migrations']) {
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      if (file.endsWith('.ts') && !file.endsWith('.test.ts')) hash.update(file).update(readFileSync(join(ROOT, dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 12);
}

async function accountsExist(db: string, names: { main: string; large: string }): Promise<boolean> {
  if (!/^postgres(ql)?:\/\//.test(db) && !existsSync(db)) return false;
  try {
    await regenerateKey(db, names.main);
    await regenerateKey(db, names.large);
    return true;
  } catch {
    return false;
  }
}

/** Keys are stored hashed, so each run makes fresh ones (the last line `apikey regenerate` prints). */
async function regenerateKey(db: string, account: string): Promise<string> {
  const out = await runCli(['apikey', 'regenerate', '--db', db, '--account', account]);
  return out.trim().split('\n').pop()!;
}

/**
 * An empty database for a run that writes (ingestion, the soak): the PostgreSQL URL given, dropped and
 * created again, or `bench/data/<sqliteFile>` removed with its -wal and -shm.
 */
export async function freshDatabase(url: string | undefined, sqliteFile: string): Promise<{ db: string; postgres: boolean }> {
  const postgres = url !== undefined && /^postgres(ql)?:\/\//.test(url);
  const db = postgres ? url : join(ROOT, 'bench', 'data', sqliteFile);
  if (postgres) await recreatePostgresDatabase(db);
  else {
    mkdirSync(join(db, '..'), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  }
  return { db, postgres };
}

/** Drops and creates a bench database (only one named sightline_bench*, so no other database is ever dropped). */
export async function recreatePostgresDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  if (!/^sightline_bench\w*$/.test(name)) throw new Error(`refusing to recreate PostgreSQL database "${name}": the bench only drops databases named sightline_bench*`);
  parsed.pathname = '/postgres';
  await withPostgres(parsed.toString(), async (admin) => {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  });
}

async function withPostgres(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
