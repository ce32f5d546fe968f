import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Server } from '../support/cli.js';
import { DIALECTS, PG_ADMIN_URL } from '../support/databases.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'sightline');
const run = promisify(execFile);
/** The environment of every command: no SIGHTLINE_DB from the developer's shell, so --db alone decides. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'SIGHTLINE_DB'));

type Result = { code: number; stdout: string; stderr: string };

/** Runs the real command line and returns its exit code and output (never throws on a non-zero exit). */
async function sightline(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(BIN, args, { cwd: ROOT, timeout: 120_000, env: ENV });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

const withoutCreated = (xml: string) => xml.replace(/ created="[^"]*"/, '');
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

// Each command starts a node process: allow for a busy CI machine.
describe('the command line and the server over real HTTP', { timeout: 180_000 }, () => {
  let dir: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    // Compile once up front, so no command below prints the first-run build notice.
    await run(process.execPath, [join(ROOT, 'scripts', 'build-if-needed.mjs')], { cwd: ROOT });
    dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help works on every command', async () => {
    const commands = [[], ['serve'], ['seed'], ['apikey'], ['apikey', 'regenerate']];
    const results = await Promise.all(commands.map((command) => sightline(...command, '--help')));
    for (const [i, command] of commands.entries()) {
      const result = results[i]!;
      expect(result.code, command.join(' ')).toBe(0);
      expect(result.stdout, command.join(' ')).toMatch(/^Usage: sightline/);
      if (command.length > 0 && command[0] !== 'apikey') expect(result.stdout).toContain('--db <path|url>');
    }
    expect((await sightline('apikey', 'regenerate', '--help')).stdout).toContain('--db <path|url>');
  });

  it('seeds, regenerates the key and answers the three key transports over HTTP', async () => {
    const db = join(dir, 'api.db');
    const seeded = await sightline('seed', '--db', db, '--account', 'e2e', '--clients', '3', '--devices', '30');
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded 3 clients, \d+ sites, 30 devices/);

    const regenerated = await sightline('apikey', 'regenerate', '--db', db, '--account', 'e2e');
    expect(regenerated.code, regenerated.stderr).toBe(0);
    const key = lastLine(regenerated.stdout);
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    const server = await serve(db);
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const api = `${server.url}/api/?service=list_clients`;
    const answers = [
      await fetch(`${api}&apikey=${key}`),
      await fetch(api, { headers: { 'X-API-Key': key } }),
      await fetch(api, { headers: { Authorization: `Bearer ${key}` } }),
      await fetch(`${server.url}/api/default.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `apikey=${key}&service=list_clients` }),
    ];
    const bodies = [];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
      bodies.push(withoutCreated(await res.text()));
    }
    expect(bodies[0]).toContain('status="OK"');
    expect(bodies[0]!.match(/<client>/g)).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);

    const wrong = await fetch(`${api}&apikey=${'0'.repeat(32)}`);
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('<errorcode>3</errorcode><message>Login failed</message>');

    // Regenerating while the server runs: the old key fails on the very next request.
    const again = lastLine((await sightline('apikey', 'regenerate', '--db', db, '--account', 'e2e')).stdout);
    expect(await (await fetch(`${api}&apikey=${key}`)).text()).toContain('<errorcode>3</errorcode>');
    expect(await (await fetch(`${api}&apikey=${again}`)).text()).toContain('status="OK"');
  });

  it('the same --seed gives the same data in two databases', async () => {
    const answers: string[][] = [];
    for (const name of ['one.db', 'two.db']) {
      const db = join(dir, name);
      expect((await sightline('seed', '--db', db, '--account', 'twin', '--clients', '4', '--devices', '80', '--seed', 'same-seed')).code).toBe(0);
      const key = lastLine((await sightline('apikey', 'regenerate', '--db', db, '--account', 'twin')).stdout);
      const server = await serve(db);
      servers.push(server);
      const get = async (query: string) => withoutCreated(await (await fetch(`${server.url}/api/?apikey=${key}&${query}`)).text());
      const clients = await get('service=list_clients');
      const ids = [...clients.matchAll(/<clientid>(\d+)<\/clientid>/g)].map((m) => m[1]);
      expect(ids).toHaveLength(4);
      const bodies = [clients];
      for (const id of ids) for (const type of ['server', 'workstation']) bodies.push(await get(`service=list_devices_at_client&clientid=${id}&devicetype=${type}`));
      answers.push(bodies);
      await server.stop();
    }
    expect(answers[0]!.join('')).toContain('<server>');
    expect(answers[0]!.join('')).toContain('<workstation>');
    expect(answers[1]).toEqual(answers[0]);
  });

  it('reports CLI errors as one line on stderr with a non-zero exit and no stack trace', async () => {
    const db = join(dir, 'errors.db');
    const cases = [
      ['apikey', 'regenerate', '--db', db, '--account', 'no-such-account'],
      ['seed', '--db', db, '--account', 'x', '--devices', 'lots'],
      ['seed', '--db', db, '--account', 'x', '--devices', '-5'],
    ];
    const results = await Promise.all(cases.map((args) => sightline(...args)));
    for (const [i, args] of cases.entries()) {
      const result = results[i]!;
      expect(result.code, args.join(' ')).not.toBe(0);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^sightline: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(results[0]!.stderr).toContain('no-such-account');
    expect(results[1]!.stderr).toContain('--devices');
  });

  it.runIf(DIALECTS.includes('postgres'))('seeds, regenerates and serves on PostgreSQL', async () => {
    const name = `sightline_e2e_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    try {
      const seeded = await sightline('seed', '--db', url, '--account', 'pg-e2e', '--clients', '2', '--devices', '20');
      expect(seeded.code, seeded.stderr).toBe(0);
      expect(seeded.stdout).toMatch(/Seeded 2 clients, \d+ sites, 20 devices/);
      const key = lastLine((await sightline('apikey', 'regenerate', '--db', url, '--account', 'pg-e2e')).stdout);
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      const server = await serve(url);
      try {
        const body = await (await fetch(`${server.url}/api/?service=list_clients`, { headers: { 'X-API-Key': key } })).text();
        expect(body.match(/<client>/g)).toHaveLength(2);
      } finally {
        await server.stop();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
