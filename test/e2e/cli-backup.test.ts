import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResponse, EnrolResponse } from '../../src/agent-protocol/protocol.schema.js';
import { Prng } from '../../src/seed/prng.js';
import { SimulatedDevice } from '../../src/simulator/simulated-device.js';
import { cli, lastLine, serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, PG_ADMIN_URL } from '../support/databases.js';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** An acknowledged write: a report batch the server answered 200, or a client add_client answered OK. */
type Ack = { at: number; kind: 'report' | 'client'; id: string };

const clientNames = (xml: string) => [...xml.matchAll(/<name><!\[CDATA\[([^\]]*)\]\]><\/name>/g)].map((m) => m[1]!);

describe('backup and restore of a SQLite database a server is writing to', { timeout: 300_000 }, () => {
  let dir: string;
  let db: string;
  let key: string;
  let siteId: number;
  let server: Server;
  const servers: Server[] = [];
  const api = async (base: string, query: string) => (await fetch(`${base}/api/?apikey=${key}&${query}`)).text();

  beforeAll(async () => {
    await run(process.execPath, [join(ROOT, 'scripts', 'build-if-needed.mjs')], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'sightline-backup-'));
    db = join(dir, 'live.db');
    // Large enough that the copy takes several steps of the backup API.
    const seeded = await cli(['seed', '--db', db, '--account', 'backup', '--clients', '3', '--devices', '1500']);
    expect(seeded.code, seeded.stderr).toBe(0);
    key = lastLine((await cli(['apikey', 'regenerate', '--db', db, '--account', 'backup'])).stdout);
    server = await serve(db);
    servers.push(server);
    const clientId = Number(/<clientid>(\d+)<\/clientid>/.exec(await api(server.url, 'service=list_clients'))![1]);
    siteId = Number(/<siteid>(\d+)<\/siteid>/.exec(await api(server.url, `service=list_sites&clientid=${clientId}`))![1]);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a backup during agent reports and add_client calls; the restored copy holds every write acknowledged before it began', async () => {
    const token = lastLine((await cli(['site-token', 'create', '--db', db, '--account', 'backup', '--site', String(siteId)])).stdout);
    const agent = `${server.url}/agent/v1`;
    const json = { 'content-type': 'application/json' };
    const rng = new Prng('backup-test');
    const devices = Array.from({ length: 6 }, (_, i) => new SimulatedDevice(rng, siteId, i + 1));
    for (const device of devices) {
      const enrolled = await fetch(`${agent}/enrol`, { method: 'POST', headers: json, body: JSON.stringify({ siteToken: token, machineId: device.machineId, facts: device.facts }) });
      expect(enrolled.status).toBe(200);
      device.secret = EnrolResponse.parse(await enrolled.json()).deviceSecret;
      device.checks = ConfigResponse.parse(await (await fetch(`${agent}/config`, { headers: { authorization: `Bearer ${device.secret}` } })).json()).checks;
    }

    const acks: Ack[] = [];
    const refused: string[] = [];
    let running = true;
    const reporting = async (device: SimulatedDevice) => {
      while (running) {
        const report = device.nextReport(Math.floor(Date.now() / 1000));
        const res = await fetch(`${agent}/reports`, { method: 'POST', headers: { ...json, authorization: `Bearer ${device.secret}` }, body: JSON.stringify(report) });
        const body = await res.text();
        if (res.status === 200) acks.push({ at: performance.now(), kind: 'report', id: report.batchId });
        else refused.push(body);
      }
    };
    const addingClients = async (worker: number) => {
      for (let n = 0; running; n++) {
        const name = `Backup client ${worker}-${n}`;
        const body = await api(server.url, `service=add_client&name=${encodeURIComponent(name)}`);
        if (body.includes('status="OK"')) acks.push({ at: performance.now(), kind: 'client', id: name });
        else refused.push(body);
      }
    };
    const load = Promise.all([...devices.map(reporting), addingClients(1), addingClients(2)]);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const backupFile = join(dir, 'during-load.db');
    const backupStarted = performance.now();
    const backup = await cli(['backup', '--db', db, '--to', backupFile]);
    const backupEnded = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await load;
    expect(refused).toEqual([]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/integrity ok, migrations current/);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);

    const before = acks.filter((a) => a.at < backupStarted);
    const during = acks.filter((a) => a.at >= backupStarted && a.at < backupEnded);
    expect(before.filter((a) => a.kind === 'report').length).toBeGreaterThan(10);
    expect(before.filter((a) => a.kind === 'client').length).toBeGreaterThan(5);
    expect(during.length, 'writes went on while the backup ran').toBeGreaterThan(0);

    const restored = join(dir, 'restored.db');
    const restore = await cli(['restore', '--from', backupFile, '--db', restored]);
    expect(restore.code, restore.stderr).toBe(0);
    const file = new SQLite(restored, { readonly: true });
    expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    const batches = new Set(file.prepare('select batch_id from agent_batches').pluck().all() as string[]);
    file.close();

    const copy = await serve(restored);
    servers.push(copy);
    expect((await fetch(`${copy.url}/healthz`)).status).toBe(200);
    const clients = new Set(clientNames(await api(copy.url, 'service=list_clients')));
    const missing = before.filter((a) => (a.kind === 'report' ? !batches.has(a.id) : !clients.has(a.id)));
    expect(missing).toEqual([]);
    const found = during.filter((a) => (a.kind === 'report' ? batches.has(a.id) : clients.has(a.id))).length;
    console.log(
      `backup during load: ${(statSync(db).size / 2 ** 20).toFixed(1)} MiB database, ${before.length} writes acknowledged before the backup began ` +
        `(all ${before.length} restored), ${during.length} acknowledged while it ran (${found} in the copy); ${lastLine(backup.stdout)}`,
    );
  });

  it('refuses a missing database, an existing target, a file that is not a Sightline database, a newer backup, and a database a server has open', async () => {
    const backupFile = join(dir, 'plain.db');
    expect((await cli(['backup', '--db', db, '--to', backupFile])).code).toBe(0);

    const existing = await cli(['backup', '--db', db, '--to', backupFile]);
    expect([existing.code, existing.stderr.trim()]).toEqual([2, `sightline: ${backupFile} exists: name a new file, or pass --force to replace it`]);
    expect((await cli(['backup', '--db', db, '--to', backupFile, '--force'])).code).toBe(0);

    const missing = await cli(['backup', '--db', join(dir, 'nothing-here.db'), '--to', join(dir, 'x.db')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, `sightline: no database at ${join(dir, 'nothing-here.db')}`]);

    const foreign = join(dir, 'foreign.db');
    const other = new SQLite(foreign);
    other.exec('create table notes (body text)');
    other.close();
    expect((await cli(['backup', '--db', foreign, '--to', join(dir, 'y.db')])).stderr).toContain('is not a Sightline database');
    expect((await cli(['restore', '--from', foreign, '--db', join(dir, 'z.db')])).stderr).toContain('is not a Sightline database');
    writeFileSync(join(dir, 'text.db'), 'not a database at all, just text '.repeat(200));
    expect((await cli(['restore', '--from', join(dir, 'text.db'), '--db', join(dir, 'z.db')])).stderr).toContain('is not a SQLite backup');

    const newer = join(dir, 'newer.db');
    copyFileSync(backupFile, newer);
    const editing = new SQLite(newer);
    editing.prepare('insert into sightline_migrations (name, timestamp) values (?, ?)').run('9999-from-the-future', new Date().toISOString());
    editing.close();
    const fromNewer = await cli(['restore', '--from', newer, '--db', join(dir, 'z.db')]);
    expect(fromNewer.code).toBe(2);
    expect(fromNewer.stderr).toContain('unknown migration(s) 9999-from-the-future');

    // The live database: its server has it open.
    const open = await cli(['restore', '--from', backupFile, '--db', db]);
    expect([open.code, open.stderr.trim()]).toEqual([2, `sightline: ${db} is open in another process (a running server?): stop it first, or pass --force to overwrite it in place`]);
    const closed = join(dir, 'closed.db');
    expect((await cli(['restore', '--from', backupFile, '--db', closed])).code).toBe(0);
    const again = await cli(['restore', '--from', backupFile, '--db', closed]);
    expect([again.code, again.stderr.trim()]).toEqual([2, `sightline: ${closed} exists: pass --force to replace it with the backup`]);
    expect((await cli(['restore', '--from', backupFile, '--db', closed, '--force'])).code).toBe(0);
  });

  it('serves a backup file as it is with `serve --db BACKUP`', async () => {
    const backupFile = join(dir, 'served.db');
    expect((await cli(['backup', '--db', db, '--to', backupFile])).code).toBe(0);
    const served = await serve(backupFile);
    servers.push(served);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(clientNames(await api(served.url, 'service=list_clients')).sort()).toEqual(clientNames(await api(server.url, 'service=list_clients')).sort());
  });
});

// Runs when the suite runs on PostgreSQL (DB_DIALECTS=sqlite,postgres).
describe.each(DIALECTS.filter((d) => d === 'postgres'))('backup and restore on %s (pg_dump, pg_restore)', { timeout: 300_000 }, () => {
  it('dumps a live database and restores it into an empty one, refusing to replace a Sightline database or one with sessions', async () => {
    const source = await createTestDatabase('postgres');
    const dir = mkdtempSync(join(tmpdir(), 'sightline-pg-backup-'));
    const targetName = `sightline_test_restore_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${targetName}`);
    const target = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${targetName}`);
    const servers: Server[] = [];
    try {
      expect((await cli(['seed', '--db', source.url, '--account', 'pgbackup', '--clients', '3', '--devices', '20'])).code).toBe(0);
      const key = lastLine((await cli(['apikey', 'regenerate', '--db', source.url, '--account', 'pgbackup'])).stdout);
      const dump = join(dir, 'sightline.dump');
      const backup = await cli(['backup', '--db', source.url, '--to', dump]);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toContain('pg_dump custom format, migrations current');

      const restore = await cli(['restore', '--from', dump, '--db', target]);
      expect(restore.code, restore.stderr).toBe(0);
      const again = await cli(['restore', '--from', dump, '--db', target]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already holds a Sightline database: pass --force to replace it');

      const copy = await serve(target);
      servers.push(copy);
      const original = await serve(source.url);
      servers.push(original);
      const list = async (url: string) => clientNames(await (await fetch(`${url}/api/?apikey=${key}&service=list_clients`)).text()).sort();
      expect(await list(copy.url)).toEqual(await list(original.url));
      expect((await list(copy.url)).length).toBe(3);
      // Its server is connected.
      const busy = await cli(['restore', '--from', dump, '--db', target]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(/other session\(s\)/);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await admin.query(`drop database if exists ${targetName} with (force)`);
      await admin.end();
      await source.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
