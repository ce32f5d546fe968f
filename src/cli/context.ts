import { loadConfig, type Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { systemClock } from '../lib/clock.js';
import { createServices, type Services } from '../services.js';

/** Options every command takes. */
export type GlobalOptions = { db?: string };

export type CliContext = { config: Config; database: DatabaseHandle; services: Services };

/** Opens the database named by `--db` (or SIGHTLINE_DB / the default file), runs `work`, closes it. */
export async function withContext<T>(options: GlobalOptions, work: (ctx: CliContext) => Promise<T>, overrides: Partial<Config> = {}): Promise<T> {
  const config = loadConfig(process.env, { ...overrides, ...(options.db ? { db: options.db } : {}) });
  const database = await openDatabase(config.db, { sqliteSynchronous: config.sqliteSynchronous });
  try {
    return await work({ config, database, services: createServices({ config, database, clock: systemClock }) });
  } finally {
    await database.close();
  }
}

/** Thrown for a bad command line; printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Thrown when a command could not do its work (a tool failed, a check did not pass); printed as one line, exit code 1. */
export class CommandError extends Error {}

export function parsePositiveInt(name: string, max = 10_000_000) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`${name} must be a whole number from 0 to ${max}`);
    return Number(value);
  };
}
