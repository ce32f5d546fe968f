import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySqliteDatabase, isSqliteOpenElsewhere, type CopyProgress } from '../../src/db/sqlite-backup.js';

/** SQLite's online backup as `sightline backup` drives it, against a second connection writing all the time. */
describe('copying a live SQLite database with the online backup API', () => {
  let dir: string;
  let path: string;
  let writer: SQLite.Database;
  const INITIAL_ROWS = 20_000;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-sqlite-backup-'));
    path = join(dir, 'live.db');
    writer = new SQLite(path);
    writer.pragma('journal_mode = WAL');
    writer.exec('create table rows (id integer primary key, body text not null)');
    const insert = writer.prepare('insert into rows (body) values (?)');
    writer.transaction(() => {
      for (let i = 0; i < INITIAL_ROWS; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
    })();
  });
  afterAll(() => {
    writer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowsIn = (file: string) => {
    const copy = new SQLite(file, { readonly: true });
    try {
      return { rows: copy.prepare('select count(*) from rows').pluck().get() as number, integrity: copy.pragma('integrity_check', { simple: true }) };
    } finally {
      copy.close();
    }
  };

  it('copies step by step, reporting progress, when nobody writes', async () => {
    const source = new SQLite(path, { readonly: true });
    const seen: CopyProgress[] = [];
    const { totalPages, restarts } = await copySqliteDatabase(source, join(dir, 'quiet.db'), { pagesPerStep: 100, onProgress: (p) => seen.push(p) });
    source.close();
    expect(restarts).toBe(0);
    expect(totalPages).toBeGreaterThan(1000);
    // One report per step of 100 pages, remaining going down to 0.
    expect(seen.length).toBeGreaterThan(totalPages / 100);
    expect(seen.at(-1)).toEqual({ totalPages, remainingPages: 0, restarts: 0 });
    expect(rowsIn(join(dir, 'quiet.db'))).toEqual({ rows: INITIAL_ROWS, integrity: 'ok' });
  });

  it('finishes with a consistent copy although another connection commits between every two steps', async () => {
    const source = new SQLite(path, { readonly: true });
    const insert = writer.prepare('insert into rows (body) values (?)');
    let committed = 0;
    const { restarts } = await copySqliteDatabase(source, join(dir, 'busy.db'), {
      pagesPerStep: 100,
      onProgress: () => {
        insert.run(`written during the copy ${committed++}`);
      },
    });
    source.close();
    // SQLite restarted the copy after the writes; the copier then took the rest in one step instead of restarting for ever.
    expect(restarts).toBeGreaterThanOrEqual(2);
    const copy = rowsIn(join(dir, 'busy.db'));
    expect(copy.integrity).toBe('ok');
    // Every row committed before the copy began is there, and the copy is a snapshot from some moment of it.
    expect(copy.rows).toBeGreaterThanOrEqual(INITIAL_ROWS);
    expect(copy.rows).toBeLessThanOrEqual(INITIAL_ROWS + committed);
  });

  it('tells a database another process has open (idle) from one nobody has open', async () => {
    writer.close();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const script = `const D = require(${JSON.stringify(driver)}); const db = new D(${JSON.stringify(path)}); db.prepare('select 1').get(); console.log('open'); setInterval(() => {}, 1000);`;
    const holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      expect(isSqliteOpenElsewhere(path)).toBe(true);
    } finally {
      holder.kill();
    }
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(isSqliteOpenElsewhere(path)).toBe(false);
    writer = new SQLite(path);
  });
});
