import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';

// SQLite's `synchronous` (docs/security.md, "Crash safety"): NORMAL unless the deployment asks for FULL.
describe('SIGHTLINE_SQLITE_SYNCHRONOUS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-synchronous-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is NORMAL by default, takes FULL in any case, and refuses anything else', () => {
    expect(loadConfig({}).sqliteSynchronous).toBe('NORMAL');
    expect(loadConfig({ SIGHTLINE_SQLITE_SYNCHRONOUS: 'full' }).sqliteSynchronous).toBe('FULL');
    // OFF (no fsync at all) can corrupt the database on a power cut: not offered.
    expect(() => loadConfig({ SIGHTLINE_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(ConfigError);
  });

  it('is what the connection runs with (PRAGMA synchronous: 1 = NORMAL, 2 = FULL), in WAL mode', async () => {
    for (const [setting, expected] of [[undefined, 1], ['NORMAL', 1], ['FULL', 2]] as const) {
      const database = await openDatabase(join(dir, `${setting ?? 'default'}.db`), { sqliteSynchronous: setting });
      try {
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
        expect(rows[0]!.synchronous, String(setting)).toBe(expected);
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
        expect(mode.rows[0]!.journal_mode).toBe('wal');
      } finally {
        await database.close();
      }
    }
  });
});
