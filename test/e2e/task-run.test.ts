import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freePort, lastLine, serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 250 ms until it answers something, or gives up after `ms`. */
async function eventually<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await sleep(250);
  }
}

// A real server, the package fetched through the API, the reference agent running (not --once) in the
// background: task_run_now reaches it over the long-poll, it runs the check, and list_checks shows the result.
describe.each(DIALECTS)('task_run_now on a running reference agent on %s', { timeout: 240_000 }, (dialect) => {
  let database: TestDatabase;
  let server: Server;
  let dir: string;
  let key: string;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const api = async (query: string) => (await fetch(`${server.url}/api/?apikey=${key}&${query}`)).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-task-run-'));
    database = await createTestDatabase(dialect);
    const seeded = await cli(['seed', '--db', database.url, '--account', 'tasks', '--clients', '1', '--devices', '2']);
    expect(seeded.code, seeded.stderr).toBe(0);
    key = lastLine((await cli(['apikey', 'regenerate', '--db', database.url, '--account', 'tasks'])).stdout);
    server = await serve(database.url, {}, await freePort());
  }, 240_000);
  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the agent runs the script check within seconds and its result is in list_checks; SIGTERM stops it', async () => {
    const clientId = Number(/<clientid>(\d+)<\/clientid>/.exec(await api('service=list_clients'))![1]);
    const siteId = Number(/<siteid>(\d+)<\/siteid>/.exec(await api(`service=list_sites&clientid=${clientId}`))![1]);
    const response = await fetch(`${server.url}/api/?apikey=${key}&service=get_site_installation_package&endcustomerid=${clientId}&siteid=${siteId}&type=remote_worker&os=linux`);
    expect(response.status).toBe(200);
    const packagePath = join(dir, 'package.tar.gz');
    writeFileSync(packagePath, Buffer.from(await response.arrayBuffer()));
    const install = join(dir, 'install');
    await run('mkdir', ['-p', install]);
    await run('tar', ['-xzf', packagePath, '-C', install]);

    agent = spawn(join(install, 'sightline-agent', 'bin', 'sightline-agent'), ['run'], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (chunk: Buffer) => (agentLog += chunk.toString()));
    agent.stderr!.on('data', (chunk: Buffer) => (agentLog += chunk.toString()));

    // The agent enrols and sends its first report: the machine is listed with its script check's result.
    const deviceId = await eventually(60_000, async () => {
      const listed = `${await api(`service=list_servers&siteid=${siteId}`)}${await api(`service=list_workstations&siteid=${siteId}`)}`;
      const item = listed.split(/<\/(?:server|workstation)>/).find((part) => part.includes(`<name><![CDATA[${hostname()}]]></name>`));
      return item ? Number(/<(?:serverid|workstationid)>(\d+)</.exec(item)![1]) : undefined;
    });
    expect(deviceId, agentLog).toBeDefined();
    const script = await database.db.selectFrom('checks').select('id').where('device_id', '=', deviceId!).where('kind', '=', 'script').executeTakeFirstOrThrow();
    const utcRunOf = async () => {
      const checks = await api(`service=list_checks&deviceid=${deviceId}`);
      const block = checks.split('</check>').find((part) => part.includes(`<checkid>${script.id}</checkid>`));
      return /<utc_run>([^<]*)<\/utc_run>/.exec(block ?? '')?.[1] || undefined;
    };
    const firstRun = await eventually(60_000, utcRunOf);
    expect(firstRun, agentLog).toBeDefined();

    // Results are stamped to the second: let one pass, so the task's run is told apart from the report's.
    await sleep(1500);
    const asked = Date.now();
    const answer = await api(`service=task_run_now&checkid=${script.id}`);
    expect(answer).toMatch(/status="OK"><message time="0">Task queued/);
    const secondRun = await eventually(15_000, async () => {
      const utcRun = await utcRunOf();
      return utcRun !== undefined && utcRun > firstRun! ? utcRun : undefined;
    });
    expect(secondRun, agentLog).toBeDefined();
    // Well before the agent's next scheduled report (minutes away): the long-poll brought the command.
    expect(Date.now() - asked).toBeLessThan(15_000);
    const command = await database.db.selectFrom('agent_commands').selectAll().where('device_id', '=', deviceId!).where('kind', '=', 'run_check').executeTakeFirstOrThrow();
    expect(command).toMatchObject({ status: 'acked', outcome: 'succeeded' });
    // The output of uptime ("… up …, load average …") is the check's output now.
    expect(await api(`service=get_formatted_check_output&checkid=${script.id}`)).toMatch(/load average/);

    agent.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => (agent!.exitCode !== null ? resolve(agent!.exitCode) : agent!.once('exit', (c) => resolve(c))));
    expect(code, agentLog).toBe(0);
  });
});
