import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freePort, lastLine, serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'sightline');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A real server process and the real fleet simulator running beside it; the scan is asked for through the API.
describe.each(DIALECTS)('MAV actions end to end on %s', { timeout: 240_000 }, (dialect) => {
  let database: TestDatabase;
  let server: Server;
  let simulator: ChildProcess | undefined;
  let simulatorOutput = '';
  let key: string;
  const api = async (query: string) => (await fetch(`${server.url}/api/?apikey=${key}&${query}`)).text();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const seeded = await cli(['seed', '--db', database.url, '--account', 'mav', '--clients', '1', '--devices', '2']);
    expect(seeded.code, seeded.stderr).toBe(0);
    key = lastLine((await cli(['apikey', 'regenerate', '--db', database.url, '--account', 'mav'])).stdout);
    server = await serve(database.url, {}, await freePort());
    // Long enough to outlive the test: stopped in afterAll.
    simulator = spawn(BIN, ['simulate', '--db', database.url, '--account', 'mav', '--url', server.url, '--devices', '2', '--clients', '1', '--duration', '180', '--json'], {
      env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    simulator.stdout!.on('data', (chunk) => (simulatorOutput += chunk));
    simulator.stderr!.on('data', (chunk) => (simulatorOutput += chunk));
  }, 240_000);
  afterAll(async () => {
    if (simulator && simulator.exitCode === null) {
      const exited = new Promise((resolve) => simulator!.once('exit', resolve));
      simulator.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    await database?.drop();
  });

  it('mav_scan_start on a simulated device: the simulator runs the scan and it appears in list_mav_scans within seconds', async () => {
    // The simulator's devices, once enrolled and reporting.
    let deviceId: number | undefined;
    for (let attempt = 0; attempt < 120 && deviceId === undefined; attempt++) {
      const row = await database.db.selectFrom('devices').select('id').where('name', 'like', 'SIM-%').where('last_response_at', 'is not', null).orderBy('id').executeTakeFirst();
      deviceId = row?.id;
      if (deviceId === undefined) await sleep(500);
    }
    expect(deviceId, simulatorOutput).toBeDefined();
    const scansOf = async () => (await api(`service=list_mav_scans&deviceid=${deviceId}&details=NO`)).match(/<scan>/g)?.length ?? 0;
    const before = await scansOf();

    const asked = Date.now();
    expect(await api(`service=mav_scan_start&deviceid=${deviceId}`)).toMatch(/status="OK"><msg><\/msg><\/result>$/);
    let after = before;
    while (after === before && Date.now() - asked < 10_000) {
      await sleep(200);
      after = await scansOf();
    }
    expect(after, simulatorOutput).toBe(before + 1);
    const command = await database.db.selectFrom('agent_commands').selectAll().where('device_id', '=', deviceId!).where('kind', '=', 'mav_scan_start').executeTakeFirstOrThrow();
    expect([command.status, command.outcome]).toEqual(['acked', 'succeeded']);
    expect(await api(`service=mav_scan_device_list&deviceid=${deviceId}`)).toContain('<scantype>Quick</scantype>');
  });
});
