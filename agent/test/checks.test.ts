import { spawn, type ChildProcess } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResult, type CheckConfig } from '../../src/agent-protocol/protocol.schema.js';
import { nextRunAt } from '../lib/agent.mjs';
import { findProcesses, runCheck } from '../lib/checks.mjs';
import { Sampler } from '../lib/collect/performance.mjs';

let nextId = 1;
const check = (kind: CheckConfig['kind'], settings: CheckConfig['settings']): CheckConfig => ({
  checkId: nextId++,
  checkType: 1017,
  kind,
  description: `${kind} check`,
  dsc247: 2,
  intervalSeconds: 300,
  settings,
});

/** Runs a check and holds its result to the protocol schema. */
async function run(config: CheckConfig, readings?: () => Sampler["latest"]) {
  const result = await runCheck(config, readings ? { readings } : {});
  expect(result).not.toBeNull();
  expect(CheckResult.parse(result)).toEqual(result);
  expect(result!.checkId).toBe(config.checkId);
  expect(Math.abs(result!.at - Date.now() / 1000)).toBeLessThan(5);
  return result!;
}

/** A port nothing listens on: one that was just listened on and closed. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('disk_space', () => {
  it('passes on / with its free space in words, the free percent as value', async () => {
    const result = await run(check('disk_space', { path: '/', minFreePercent: 0 }));
    expect(result.status).toBe('pass');
    expect(result.output).toMatch(/^\d+\.\d(GB|TB|MB) free \(\d+%\)$/);
    const stats = statfsSync('/');
    expect(result.value).toBeCloseTo((stats.bavail / stats.blocks) * 100, 0);
  });

  it('fails below the minimum and on a path that does not exist', async () => {
    const below = await run(check('disk_space', { path: '/', minFreePercent: 101 }));
    expect(below.status).toBe('fail');
    expect(below.output).toMatch(/free \(\d+%\), below the 101% minimum$/);
    const missing = await run(check('disk_space', { path: '/no/such/path', minFreePercent: 10 }));
    expect(missing).toMatchObject({ status: 'fail', output: expect.stringMatching(/^Cannot read \/no\/such\/path: .*ENOENT/) });
  });
});

describe('process', () => {
  let child: ChildProcess;
  beforeAll(() => {
    child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  });
  afterAll(() => {
    child.kill();
  });

  it("finds a running program by this process's name, with its pid", async () => {
    const name = basename(process.execPath);
    await expect.poll(() => findProcesses(name)).toContain(child.pid);
    const result = await run(check('process', { name }));
    expect(result.status).toBe('pass');
    expect(result.output).toMatch(new RegExp(`^${name} running \\((pid \\d+|\\d+ processes, pid \\d+)\\)$`));
    expect(result.value).toBeGreaterThanOrEqual(1);
  });

  it('does not count the agent itself', async () => {
    expect(await findProcesses(basename(process.execPath))).not.toContain(process.pid);
  });

  it('takes init to be pid 1, whatever its program', async () => {
    expect(await findProcesses('init')).toContain(1);
    expect(await run(check('process', { name: 'init' }))).toMatchObject({ status: 'pass', output: expect.stringMatching(/^init running \(.*pid 1\b/) });
  });

  it('fails when no process has the name', async () => {
    const result = await run(check('process', { name: 'no-such-program-xyz' }));
    expect(result).toMatchObject({ status: 'fail', output: 'no-such-program-xyz not running', value: 0 });
  });
});

describe('http', () => {
  let server: HttpServer;
  let base: string;
  beforeAll(async () => {
    server = createHttpServer((request, response) => {
      if (request.url === '/hang') return; // never answers
      response.writeHead(request.url === '/down' ? 503 : 200).end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes on the expected status, with the time to answer', async () => {
    const result = await run(check('http', { url: `${base}/`, timeoutSeconds: 5, expectStatus: 200 }));
    expect(result.status).toBe('pass');
    expect(result.output).toMatch(/^HTTP 200 in \d+ms$/);
    expect(result.value).toBeGreaterThanOrEqual(0);
  });

  it('fails on another status, on no answer in time, and on a refused connection', async () => {
    const down = await run(check('http', { url: `${base}/down`, timeoutSeconds: 5, expectStatus: 200 }));
    expect(down).toMatchObject({ status: 'fail', output: expect.stringMatching(/^HTTP 503 in \d+ms, expected 200$/) });
    const started = Date.now();
    const hang = await run(check('http', { url: `${base}/hang`, timeoutSeconds: 1, expectStatus: 200 }));
    expect(hang).toMatchObject({ status: 'fail', output: 'No answer within 1s' });
    expect(Date.now() - started).toBeLessThan(4000);
    const refused = await run(check('http', { url: `http://127.0.0.1:${await closedPort()}/`, timeoutSeconds: 5, expectStatus: 200 }));
    expect(refused).toMatchObject({ status: 'fail', output: expect.stringMatching(/^Request failed: connect ECONNREFUSED/) });
  });

  it('without an expected status, passes below 400', async () => {
    expect((await run(check('http', { url: `${base}/`, timeoutSeconds: 5 }))).status).toBe('pass');
    expect((await run(check('http', { url: `${base}/down`, timeoutSeconds: 5 }))).status).toBe('fail');
  });
});

describe('tcp_port', () => {
  let server: TcpServer;
  let port: number;
  beforeAll(async () => {
    server = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes on a listening port', async () => {
    const result = await run(check('tcp_port', { host: '127.0.0.1', port, timeoutSeconds: 5 }));
    expect(result.status).toBe('pass');
    expect(result.output).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} open \\(\\d+ms\\)$`));
  });

  it('fails on a closed port, naming the reason', async () => {
    const closed = await closedPort();
    const result = await run(check('tcp_port', { host: '127.0.0.1', port: closed, timeoutSeconds: 5 }));
    expect(result).toMatchObject({ status: 'fail', output: expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${closed} closed: connect ECONNREFUSED`)) });
  });

  it('fails without a valid port', async () => {
    expect((await run(check('tcp_port', { host: '127.0.0.1', port: 70000 }))).output).toBe('No valid port configured (70000)');
  });
});

describe('script', () => {
  it('fails on a non-zero exit, the exit code as value', async () => {
    const result = await run(check('script', { command: 'exit 3', timeoutSeconds: 10 }));
    expect(result).toMatchObject({ status: 'fail', output: 'Exit code 3', value: 3 });
  });

  it('passes on exit 0 with stdout and stderr as output', async () => {
    const result = await run(check('script', { command: 'echo to-stdout; echo to-stderr >&2', timeoutSeconds: 10 }));
    expect(result).toMatchObject({ status: 'pass', value: 0 });
    expect(result.output.split('\n').sort()).toEqual(['to-stderr', 'to-stdout']);
  });

  it('keeps the first 2000 characters of a long output', async () => {
    const result = await run(check('script', { command: "yes abcdefghi | head -c 10000; echo; exit 1", timeoutSeconds: 10 }));
    expect(result.status).toBe('fail');
    expect(result.output.length).toBe(2000);
    expect(result.output.startsWith('abcdefghi\nabcdefghi\n')).toBe(true);
  });

  it('stops a script past its timeout, children included', async () => {
    const started = Date.now();
    const result = await run(check('script', { command: 'echo started; sleep 30 & wait', timeoutSeconds: 1 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ status: 'fail', output: 'Timed out after 1s: started' });
    expect(result.value).toBeUndefined();
  });
});

describe('performance', () => {
  const sampler = new Sampler();
  beforeAll(() => {
    sampler.sample(Math.floor(Date.now() / 1000));
  });
  const readings = () => sampler.latest;

  it('compares the current sample with the threshold', async () => {
    const cpu = await run(check('performance', { counter: 'cpu_load', threshold: 101 }), readings);
    expect(cpu).toMatchObject({ status: 'pass', value: sampler.latest!.cpuLoad });
    expect(cpu.output).toBe(`CPU load ${sampler.latest!.cpuLoad}%`);
    const memory = await run(check('performance', { counter: 'Memory Usage', threshold: -1 }), readings);
    expect(memory).toMatchObject({ status: 'fail', output: `Memory usage ${sampler.latest!.memoryUsed}% > -1%`, value: sampler.latest!.memoryUsed });
    const queue = await run(check('performance', { counter: 'Processor Queue Length', threshold: 100000 }), readings);
    expect(queue).toMatchObject({ status: 'pass', value: sampler.latest!.cpuQueue });
  });

  it('fails on a counter it does not know', async () => {
    const result = await run(check('performance', { counter: 'Disk Reads/sec', threshold: 10 }), readings);
    expect(result).toMatchObject({ status: 'fail', output: 'Unknown performance counter "Disk Reads/sec"' });
  });
});

describe('other kinds and schedules', () => {
  it('does not run checks of kind other', async () => {
    expect(await runCheck(check('other', {}))).toBeNull();
  });

  it('runs 24x7 checks after their interval and Daily Safety Checks at the next dscHour', () => {
    const ranAt = new Date(2024, 4, 1, 10, 30).getTime();
    expect(nextRunAt({ ...check('script', {}), dsc247: 2, intervalSeconds: 600 }, ranAt, 3)).toBe(ranAt + 600_000);
    expect(nextRunAt({ ...check('script', {}), dsc247: 1 }, ranAt, 3)).toBe(new Date(2024, 4, 2, 3, 0).getTime());
    expect(nextRunAt({ ...check('script', {}), dsc247: 1 }, ranAt, 11)).toBe(new Date(2024, 4, 1, 11, 0).getTime());
  });
});
