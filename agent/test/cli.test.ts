import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandAck, EnrolRequest, ReportRequest } from '../../src/agent-protocol/protocol.schema.js';
import { ProtocolPeer } from './protocol-peer.js';

const AGENT_SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(os.tmpdir(), 'sightline-agent-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Run = { code: number | null; stdout: string; stderr: string };
/** Everything the agents printed in this file: no secret may appear in it. */
const printed: string[] = [];

/**
 * Installs the agent as the server ships it: agent/ as sightline-agent/ with a config.json, packed with
 * tar and unpacked into a fresh folder. Returns the folder the package was unpacked into.
 */
function install(config: Record<string, unknown>): string {
  const staging = mkdtempSync(join(work, 'staging-'));
  const packaged = join(staging, 'sightline-agent');
  cpSync(AGENT_SOURCE, packaged, { recursive: true, filter: (source) => !source.startsWith(join(AGENT_SOURCE, 'test')) && !/state\.json$|config\.json$/.test(source) });
  writeFileSync(join(packaged, 'config.json'), JSON.stringify(config));
  const archive = join(staging, 'package.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', staging, 'sightline-agent']);
  const dir = mkdtempSync(join(work, 'dir-'));
  execFileSync('tar', ['-xzf', archive, '-C', dir]);
  return dir;
}

/** Starts DIR/sightline-agent/bin/sightline-agent (through its #! line) with `args`. */
function start(dir: string, args: string[]) {
  const child = spawn(join(dir, 'sightline-agent', 'bin', 'sightline-agent'), args, {
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, exited };
}

const runOnce = (dir: string) => start(dir, ['run', '--once']).exited;
const statePath = (dir: string) => join(dir, 'sightline-agent', 'state.json');
const readState = (dir: string) => JSON.parse(readFileSync(statePath(dir), 'utf8'));

let peer: ProtocolPeer;
beforeEach(async () => {
  peer = await new ProtocolPeer().start();
  peer.checks = [
    { checkId: 11, checkType: 1003, kind: 'disk_space', description: 'Disk Space Check - /', dsc247: 2, intervalSeconds: 300, settings: { path: '/', minFreePercent: 1 } },
    { checkId: 12, checkType: 1017, kind: 'script', description: 'Script Check - exit 3', dsc247: 2, intervalSeconds: 300, settings: { command: 'exit 3', timeoutSeconds: 10 } },
    { checkId: 13, checkType: 1010, kind: 'performance', description: 'Performance Monitoring Check - Memory Usage', dsc247: 2, intervalSeconds: 300, settings: { counter: 'Memory Usage', threshold: 101 } },
    { checkId: 14, checkType: 1006, kind: 'other', description: 'Event Log Check - System', dsc247: 1, intervalSeconds: 86400, settings: {} },
  ];
});
/** Every site token and device secret of every test. */
const secrets: string[] = [];
afterEach(async () => {
  secrets.push(peer.siteToken, ...peer.secretsIssued);
  expect(peer.violations).toEqual([]);
  await peer.stop();
});
const configFor = (extra: Record<string, unknown> = {}) => ({ serverUrl: peer.url, siteToken: peer.siteToken, agentPath: '/agent/v1/', ...extra });

describe('sightline-agent run --once', () => {
  it('enrols, fetches its config, sends one full report of this machine, and exits 0', async () => {
    const dir = install(configFor());
    const result = await runOnce(dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    // Enrolment: the site token and this machine's facts, no Authorization header.
    const [enrolRequest] = peer.requests('/agent/v1/enrol');
    expect(enrolRequest.authorization).toBeUndefined();
    const enrol = EnrolRequest.parse(JSON.parse(enrolRequest.body));
    expect(enrol.siteToken).toBe(peer.siteToken);
    expect(enrol.facts.hostname).toBe(os.hostname());
    expect(enrol.facts.os.family).toBe('linux');

    // The state file: mode 0600, the machine id, device id and secret.
    expect(statSync(statePath(dir)).mode & 0o777).toBe(0o600);
    const state = readState(dir);
    expect(state).toMatchObject({ machineId: enrol.machineId, deviceId: 1000, deviceSecret: peer.secretsIssued[0], serverUrl: peer.url });

    // Config and report with the device secret.
    expect(peer.requests('/agent/v1/config').map((r) => r.authorization)).toEqual([`Bearer ${state.deviceSecret}`]);
    const [reportRequest] = peer.requests('/agent/v1/reports');
    expect(reportRequest.authorization).toBe(`Bearer ${state.deviceSecret}`);
    const report = ReportRequest.parse(JSON.parse(reportRequest.body));
    expect(peer.reports).toHaveLength(1);
    expect(report.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.facts?.hostname).toBe(os.hostname());
    expect(report.driveSpace.map((d) => d.drive)).toContain('/');
    expect(new Set(report.performance.map((p) => p.kind))).toEqual(new Set(['cpu_load', 'memory_usage', 'cpu_queue']));
    expect(report.hardware?.length).toBeGreaterThan(0);
    const dpkg = (() => {
      try {
        return execFileSync('dpkg-query', ['-W', '-f=${Package}\n'], { encoding: 'utf8' }).trim().split('\n');
      } catch {
        return [];
      }
    })();
    expect(report.software?.length).toBe(new Set(dpkg).size);

    // Every check but the `other` one, measured for real.
    const results = Object.fromEntries(report.checkResults.map((r) => [r.checkId, r]));
    expect(Object.keys(results).sort()).toEqual(['11', '12', '13']);
    expect(results[11]).toMatchObject({ status: 'pass', output: expect.stringMatching(/GB free \(\d+%\)$/) });
    expect(results[12]).toMatchObject({ status: 'fail', output: 'Exit code 3', value: 3 });
    expect(results[13]).toMatchObject({ status: 'pass', output: expect.stringMatching(/^Memory usage \d+(\.\d)?%$/) });
    expect(result.stdout).toMatch(/enrolled as device 1000 \(first run\)/);
    expect(result.stdout).toMatch(/report [0-9a-f-]{36} sent: 3 check results/);
  });

  it('reuses its state on a second run: no second enrolment, a new batch', async () => {
    const dir = install(configFor());
    expect((await runOnce(dir)).code).toBe(0);
    const second = await runOnce(dir);
    expect(second.code).toBe(0);
    expect(peer.enrolments).toHaveLength(1);
    expect(peer.reports).toHaveLength(2);
    expect(peer.reports[0].batchId).not.toBe(peer.reports[1].batchId);
    expect(second.stdout).not.toMatch(/enrolled/);
  });

  it('enrols again once when the server answers 401, as the same machine', async () => {
    const dir = install(configFor());
    expect((await runOnce(dir)).code).toBe(0);
    const before = readState(dir);
    peer.revokeSecrets();
    const second = await runOnce(dir);
    expect(second.code).toBe(0);
    expect(peer.enrolments).toHaveLength(2);
    expect(peer.enrolments[1].machineId).toBe(peer.enrolments[0].machineId);
    const after = readState(dir);
    expect(after).toMatchObject({ deviceId: before.deviceId, deviceSecret: peer.secretsIssued[1] });
    expect(statSync(statePath(dir)).mode & 0o777).toBe(0o600);
    expect(peer.reports).toHaveLength(2);
    expect(second.stderr).toBe('');
  });

  it('enrols again only once: a 401 to the new secret too ends the run with exit 4', async () => {
    peer.refuseAllSecrets = true;
    const dir = install(configFor());
    const result = await runOnce(dir);
    expect(result.code).toBe(4);
    expect(peer.enrolments).toHaveLength(2);
    expect(peer.requests('/agent/v1/config')).toHaveLength(2);
    expect(result.stderr).toMatch(/the server refused: 401 unauthorized/);
  });

  it('exits 4 without a state file when the site token is refused', async () => {
    const dir = install(configFor({ siteToken: 'site-token-that-is-wrong' }));
    const result = await runOnce(dir);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/the server refused: 401 invalid_site_token/);
    expect(existsSync(statePath(dir))).toBe(false);
    expect(`${result.stdout}${result.stderr}`).not.toContain('site-token-that-is-wrong');
  });

  it('retries a report on 5xx with the very same batch', async () => {
    peer.failReports = 2;
    const dir = install(configFor());
    const result = await runOnce(dir);
    expect(result.code).toBe(0);
    const posts = peer.requests('/agent/v1/reports');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.body)).size).toBe(1); // same batch id, same content
    expect(peer.reports).toHaveLength(1);
    expect(result.stderr).toMatch(/HTTP 503; trying again in \ds/);
  });

  it('exits 3 when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dir = install({ serverUrl: `http://127.0.0.1:${port}`, siteToken: peer.siteToken, agentPath: '/agent/v1/' });
    const result = await runOnce(dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the server could not be reached: POST \/agent\/v1\/enrol: connect ECONNREFUSED/);
  });

  it('exits 2 on a config.json without a site token', async () => {
    const dir = install({ serverUrl: peer.url });
    const result = await runOnce(dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config\.json: siteToken is missing/);
  });
});

describe('sightline-agent run', () => {
  it('reports, keeps a command long-poll open, acknowledges commands, and stops on SIGTERM with exit 0', async () => {
    const dir = install(configFor());
    const agent = start(dir, ['run']);
    await expect.poll(() => peer.reports.length, { timeout: 30_000 }).toBe(1);
    // The first report waits for the first run of every check (the performance one after the first sample).
    expect(peer.reports[0].checkResults.map((r) => r.checkId).sort()).toEqual([11, 12, 13]);
    expect(peer.reports[0].software?.length).toBeGreaterThan(0);
    await expect.poll(() => peer.requests('/agent/v1/commands').length, { timeout: 10_000 }).toBeGreaterThan(0);
    peer.queue({ id: 501, kind: 'run_check', params: { checkId: 12 } });
    peer.queue({ id: 502, kind: 'patch_retry', params: { patchId: 'KB123' } });
    await expect.poll(() => peer.acks.length, { timeout: 20_000 }).toBe(2);

    const acks = Object.fromEntries(peer.acks.map(({ id, ack }) => [id, CommandAck.parse(ack)]));
    expect(acks[501]).toMatchObject({ outcome: 'succeeded', message: 'Exit code 3', checkResult: { checkId: 12, status: 'fail', value: 3 } });
    expect(acks[502]).toMatchObject({ outcome: 'unsupported', message: 'patch_retry is not supported by the reference agent on linux' });
    const secret = readState(dir).deviceSecret;
    const polls = peer.requests('/agent/v1/commands');
    expect(polls.every((p) => p.authorization === `Bearer ${secret}`)).toBe(true);

    // Stopping while the server holds a long-poll open.
    await expect.poll(() => peer.heldPolls, { timeout: 10_000 }).toBe(1);
    const stoppedAt = Date.now();
    agent.child.kill('SIGTERM');
    const result = await agent.exited;
    expect(result.code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(result.stdout).toMatch(/SIGTERM received: stopping/);
    expect(result.stderr).toBe('');
    expect(peer.enrolments).toHaveLength(1);
  });

  it('reports again after reportIntervalSeconds with the samples taken meanwhile, and stops on SIGINT too', async () => {
    peer.reportIntervalSeconds = 10;
    peer.sampleIntervalSeconds = 5;
    const dir = install(configFor());
    const agent = start(dir, ['run']);
    await expect.poll(() => peer.reports.length, { timeout: 40_000, interval: 500 }).toBe(2);
    const [first, second] = peer.reports;
    expect(second.batchId).not.toBe(first.batchId);
    expect(second.sentAt - first.sentAt).toBeGreaterThanOrEqual(9);
    expect(second.performance.filter((p) => p.kind === 'cpu_load').length).toBeGreaterThanOrEqual(1);
    expect(second.checkResults).toEqual([]); // the checks run every 300 s
    expect(second.software).toBeUndefined(); // the inventory is sent when it changes
    expect(peer.requests('/agent/v1/config').length).toBeGreaterThanOrEqual(3); // at start and before each report
    agent.child.kill('SIGINT');
    expect((await agent.exited).code).toBe(0);
  });
});

describe('secrets', () => {
  it('never appear in what the agents printed', () => {
    expect(printed.length).toBeGreaterThan(0);
    const output = printed.join('\n');
    expect(output).toMatch(/report .* sent/); // the capture did capture the runs
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
