import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freePort, lastLine, serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const run = promisify(execFile);

/** The OS name the agent reads from /etc/os-release (what list_device_asset_details must then show). */
function osReleaseName(): string {
  const text = readFileSync('/etc/os-release', 'utf8');
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1];
  return field('NAME') ?? 'Linux';
}

// A real server process, the package fetched through the API, the real agent, the real simulator.
describe.each(DIALECTS)('agents end to end on %s', { timeout: 240_000 }, (dialect) => {
  let database: TestDatabase;
  let server: Server;
  let dir: string;
  let key: string;
  let clientId: number;
  let siteId: number;
  const api = async (query: string) => (await fetch(`${server.url}/api/?apikey=${key}&${query}`)).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-agents-'));
    database = await createTestDatabase(dialect);
    const seeded = await cli(['seed', '--db', database.url, '--account', 'agents', '--clients', '2', '--devices', '6']);
    expect(seeded.code, seeded.stderr).toBe(0);
    key = lastLine((await cli(['apikey', 'regenerate', '--db', database.url, '--account', 'agents'])).stdout);
    // A short overdue threshold and sweep interval, so a device that stops reporting is overdue within seconds.
    await database.db.updateTable('account_settings').set({ overdue_after_seconds: 3 }).execute();
    // A fixed port: the package's config names the server's public URL, so it must be known before listening.
    server = await serve(database.url, { SIGHTLINE_SWEEP_SECONDS: '1' }, await freePort());
    clientId = Number(/<clientid>(\d+)<\/clientid>/.exec(await api('service=list_clients'))![1]);
    siteId = Number(/<siteid>(\d+)<\/siteid>/.exec(await api(`service=list_sites&clientid=${clientId}`))![1]);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols the real agent from a package fetched through the API and shows this machine in the reads', async () => {
    const response = await fetch(`${server.url}/api/?apikey=${key}&service=get_site_installation_package&endcustomerid=${clientId}&siteid=${siteId}&type=remote_worker&os=linux`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?[^"]+\.tar\.gz"?$/);
    const packagePath = join(dir, 'package.tar.gz');
    writeFileSync(packagePath, Buffer.from(await response.arrayBuffer()));

    const install = join(dir, 'install');
    await run('mkdir', ['-p', install]);
    await run('tar', ['-xzf', packagePath, '-C', install]);
    const agent = join(install, 'sightline-agent', 'bin', 'sightline-agent');
    const result = await run(agent, ['run', '--once'], { timeout: 120_000 });
    const config = JSON.parse(readFileSync(join(install, 'sightline-agent', 'config.json'), 'utf8')) as { siteToken: string };
    expect(`${result.stdout}${result.stderr}`).not.toContain(config.siteToken);
    const stateFile = join(install, 'sightline-agent', 'state.json');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const secret = (JSON.parse(readFileSync(stateFile, 'utf8')) as { deviceSecret?: string; secret?: string });
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret.deviceSecret ?? secret.secret ?? 'no secret in the state file');

    // The machine is listed under its hostname in its site, as a server or a workstation.
    const listed = `${await api(`service=list_servers&siteid=${siteId}`)}${await api(`service=list_workstations&siteid=${siteId}`)}`;
    const item = listed.split(/<\/(?:server|workstation)>/).find((part) => part.includes(`<name><![CDATA[${hostname()}]]></name>`));
    expect(item, listed).toBeDefined();
    const deviceId = Number(/<(?:serverid|workstationid)>(\d+)</.exec(item!)![1]);

    const checks = await api(`service=list_checks&deviceid=${deviceId}`);
    expect(checks).toContain('status="OK"');
    expect(checks.match(/<check>/g)?.length ?? 0).toBeGreaterThan(0);
    // The agent ran them: each has a pass or a fail (statusid 0 or 1), not "not run yet" (3).
    expect(checks).toMatch(/<statusid>[01]<\/statusid>/);

    const asset = await api(`service=list_device_asset_details&deviceid=${deviceId}`);
    expect(asset).toContain('status="OK"');
    expect(asset).toContain(osReleaseName());
  });

  it('shows a simulated device whose check fails in list_failing_checks, and in list_outages once it stops reporting', async () => {
    const simulated = await cli(['simulate', '--db', database.url, '--account', 'agents', '--url', server.url, '--devices', '2', '--clients', '1', '--duration', '2', '--fail-rate', '1', '--json']);
    expect(simulated.code, simulated.stderr).toBe(0);
    const summary = JSON.parse(lastLine(simulated.stdout)) as { enrolled: number; reports: number; errors: number };
    expect(summary).toMatchObject({ enrolled: 2, errors: 0 });
    expect(summary.reports).toBeGreaterThan(0);

    const failing = await api(`service=list_failing_checks&clientid=${clientId}`);
    const simulatedIds = [...failing.matchAll(/<id>(\d+)<\/id><name><!\[CDATA\[(SIM-[^\]]+)\]\]><\/name>/g)].map((m) => Number(m[1]));
    expect(simulatedIds.length, failing).toBeGreaterThan(0);

    // The simulator has stopped: past the threshold, the sweeper marks the device overdue and opens an outage.
    const deviceId = simulatedIds[0]!;
    let outages = '';
    for (let attempt = 0; attempt < 40 && !outages.includes('<outage>'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      outages = await api(`service=list_outages&deviceid=${deviceId}`);
    }
    expect(outages).toContain('<outage>');
  });
});
