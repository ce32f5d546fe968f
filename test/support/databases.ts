import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import type { DialectName } from '../../src/db/dialect.js';

/**
 * The databases every integration test runs against: `DB_DIALECTS=sqlite` by default, `sqlite,postgres`
 * in CI. PostgreSQL comes from SIGHTLINE_TEST_PG_URL (a server .ci/run starts); each test file gets a
 * database of its own, dropped afterwards.
 */
export const DIALECTS: DialectName[] = (process.env.DB_DIALECTS ?? 'sqlite')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === 'sqlite' || d === 'postgres');

export const PG_ADMIN_URL = process.env.SIGHTLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres';

export type TestDatabase = DatabaseHandle & { url: string; drop(): Promise<void> };

/** A fresh database of the dialect: a SQLite file in a temporary folder, or a database on the PostgreSQL server of `pgAdminUrl`. */
export async function createTestDatabase(dialect: DialectName, pgAdminUrl = PG_ADMIN_URL): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-test-'));
    const url = join(dir, 'test.db');
    const handle = await openDatabase(url);
    return {
      ...handle,
      url,
      async drop() {
        await handle.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `sightline_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = pgAdminUrl.replace(/\/[^/]*$/, `/${name}`);
  const handle = await openDatabase(url);
  return {
    ...handle,
    url,
    async drop() {
      await handle.close().catch(() => {});
      const client = new pg.Client({ connectionString: pgAdminUrl });
      await client.connect();
      // pg-pool's end() resolves before its sockets have closed; a forced drop then kills connections
      // that are still ending, and pg raises that as an uncaught error. Wait for them first.
      for (let attempt = 0; attempt < 50; attempt++) {
        const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
