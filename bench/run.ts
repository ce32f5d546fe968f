// `npm run bench [-- --db postgres://… --devices 5000 --profile --processes 2]`: measures Sightline against
// the machine's own ceiling. Loopback only; the server, the ceiling server and the load generator each run
// in their own process. Prints a table and writes the same figures to bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureFixture } from './fixture.js';
import { benchIngest } from './ingest.js';
import { cliEntry, cpuMsOf, drainTimed, fetchTimed, memoryOf, postgresCpuMeter, ROOT, runTs, startProcess, withRssSampling, type Server } from './processes.js';
import { formatReport, targetsOf, type BenchResult, type CpuCost, type LoadResult } from './report.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    devices: { type: 'string', default: '50000' },
    clients: { type: 'string', default: '200' },
    large: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    port: { type: 'string', default: '18510' },
    profile: { type: 'boolean', default: false },
    'extract-limit': { type: 'string', default: '180' },
    ingest: { type: 'boolean', default: false },
    'ingest-devices': { type: 'string', default: '1000' },
    rate: { type: 'string', default: '250' },
    processes: { type: 'string', default: '1' },
  },
});
const devices = Number(args.devices);
const clients = Number(args.clients);
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const port = Number(args.port);
const processes = Number(args.processes);
if (!(processes >= 1)) throw new Error('--processes must be 1 or more');
const resultsDir = join(ROOT, 'bench', 'results');
const loadAtStart = loadavg()[0]!;
mkdirSync(resultsDir, { recursive: true });

// The server runs from dist/: compile it first when the sources changed.
execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.mjs')], { stdio: 'inherit' });
if (args.ingest) {
  await benchIngest({ db: args.db, devices: Number(args['ingest-devices']), rate: Number(args.rate), seconds: Math.max(30, seconds), port, connections: 8 });
  process.exit(0);
}
const fixture = await ensureFixture({ db: args.db, devices, clients, largeDevices: Number(args.large), seed: 'bench' });

const base = `http://127.0.0.1:${port}`;
const api = (key: string, service: string, params: Record<string, string | number> = {}) =>
  `${base}/api/?${new URLSearchParams({ apikey: key, service, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) })}`;

// PostgreSQL's backends share the machine's cores: their CPU is measured and counted with the server's.
const postgresUrl = fixture.dialect === 'postgres' ? fixture.db : null;
const serverArgs = (onPort: number) => [
  ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, 'profiles')}`] : []),
  cliEntry(), 'serve', '--db', fixture.db, '--port', String(onPort), '--host', '127.0.0.1',
];
// With --processes N, the others listen on the ports after the ceiling's (port + 1): separate ports, the
// load split between them round-robin by connection, as a load balancer in front of N processes would.
const extraPorts = Array.from({ length: processes - 1 }, (_, i) => port + 2 + i);
// The bench hammers the API with a bad key on purpose; the throttle must not turn that into 429s.
// The fixture is a snapshot no agent feeds: without the sweep its devices stay as seeded, run after run.
const serverEnv = { LOG_LEVEL: 'warn', SIGHTLINE_BAD_KEY_LIMIT: '1000000000', SIGHTLINE_SWEEP_SECONDS: '0' };
console.error('bench: starting the server…');
const server = await startProcess(serverArgs(port), serverEnv, api(fixture.mainKey, 'list_clients'));
let ceiling: Server | undefined;
const others: Server[] = [];
try {
  for (const onPort of extraPorts) others.push(await startProcess(serverArgs(onPort), serverEnv, `http://127.0.0.1:${onPort}/healthz`));
  // The account as list_clients sees it; pick the client nearest 250 workstations for the small calls.
  const clientList = (await fetchTimed(api(fixture.mainKey, 'list_clients'))).body.toString();
  const counted = [...clientList.matchAll(/<clientid>(\d+)<\/clientid>.*?<workstation_count>(\d+)<\/workstation_count>.*?<device_count>(\d+)<\/device_count>/gs)].map(
    (m) => ({ id: Number(m[1]), workstations: Number(m[2]), devices: Number(m[3]) }),
  );
  const total = counted.reduce((sum, c) => sum + c.devices, 0);
  if (counted.length !== clients || total !== devices) {
    throw new Error(`the benchmark account has ${counted.length} clients and ${total} devices, not ${clients} and ${devices}: delete the fixture and run again`);
  }
  const target = counted.reduce((best, c) => (Math.abs(c.workstations - 250) < Math.abs(best.workstations - 250) ? c : best));
  const devicesAtClient = await fetchTimed(api(fixture.mainKey, 'list_devices_at_client', { clientid: target.id, devicetype: 'workstation' }));
  const deviceid = Number(/<workstation><id>(\d+)<\/id>/.exec(devicesAtClient.body.toString())![1]);
  const largeClientId = Number(/<clientid>(\d+)<\/clientid>/.exec((await fetchTimed(api(fixture.largeKey, 'list_clients'))).body.toString())![1]);

  // The ~100 KB lists are measured cold: each request asks for the next client's answer, through all of
  // the account's clients in turn, so no answer repeats before every other has been read (nothing caches
  // answers; this keeps one client's rows from staying hot in SQLite's and the CPU's caches). They are also
  // measured hot, the same client's answer every time, as the first bench did: the difference is what
  // caches below the API (SQLite's pages, the CPU's) give. list_clients has one answer per key: every
  // request computes it afresh.
  const everyClient = (service: string, params: Record<string, string> = {}) => counted.map((c) => api(fixture.mainKey, service, { clientid: c.id, ...params }));
  const smallCalls: Array<{ name: string; urls: string[]; expect: string }> = [
    { name: 'list_clients', urls: [api(fixture.mainKey, 'list_clients')], expect: 'status="OK"' },
    { name: 'list_sites', urls: [api(fixture.mainKey, 'list_sites', { clientid: target.id })], expect: 'status="OK"' },
    { name: `list_devices_at_client (${clients} clients, cold)`, urls: everyClient('list_devices_at_client', { devicetype: 'workstation' }), expect: 'status="OK"' },
    { name: `list_devices_at_client (${target.workstations}, hot)`, urls: [api(fixture.mainKey, 'list_devices_at_client', { clientid: target.id, devicetype: 'workstation' })], expect: 'status="OK"' },
    { name: 'list_device_monitoring_details', urls: [api(fixture.mainKey, 'list_device_monitoring_details', { deviceid })], expect: 'status="OK"' },
    { name: 'list_checks', urls: [api(fixture.mainKey, 'list_checks', { deviceid })], expect: 'status="OK"' },
    { name: `list_failing_checks (${clients} clients, cold)`, urls: everyClient('list_failing_checks'), expect: 'status="OK"' },
    { name: 'list_failing_checks (one client, hot)', urls: [api(fixture.mainKey, 'list_failing_checks', { clientid: target.id })], expect: 'status="OK"' },
    { name: 'bad key (errorcode 3)', urls: [api('0'.repeat(32), 'list_clients')], expect: '<errorcode>3</errorcode>' },
  ];

  // The ceiling answers exactly the bytes Sightline sent for list_devices_at_client, from memory.
  const ceilingFile = join(resultsDir, 'ceiling-body.xml');
  writeFileSync(ceilingFile, devicesAtClient.body);
  ceiling = await startProcess(['--import', 'tsx', join(ROOT, 'bench/ceiling-server.ts'), ceilingFile, String(port + 1)], {}, `http://127.0.0.1:${port + 1}/`);
  console.error('bench: ceiling…');
  const ceilingLoad = await measuredLoad(`http://127.0.0.1:${port + 1}/`, [ceiling]);
  const ceilingCpuMs = ceilingLoad.serverCpuMs;
  await ceiling.stop();
  ceiling = undefined;

  const calls: BenchResult['calls'] = [];
  const spread: NonNullable<BenchResult['processes']>['calls'] = [];
  for (const call of smallCalls) {
    // Every answer of a cycle is read once first: checked, and its size averaged for the table.
    let bytes = 0;
    for (const url of call.urls) {
      const sample = await fetchTimed(url);
      if (!sample.body.toString().includes(call.expect)) throw new Error(`${call.name} answered unexpectedly: ${sample.body.toString().slice(0, 300)}`);
      bytes += sample.body.length / call.urls.length;
    }
    console.error(`bench: ${call.name}…`);
    const paths = call.urls.length > 1 ? call.urls.map((url) => url.slice(base.length)) : undefined;
    const one = await measuredLoad(call.urls[0]!, [server], paths);
    calls.push({ name: call.name, bytes, ...one, ratio: one.rps / ceilingLoad.rps, cpuRatio: ceilingCpuMs / one.serverCpuMs });
    if (others.length > 0) {
      // Right after the one-process load, so both see the same machine. Each process gets as many
      // connections as the one process had: N processes serving N times the clients, each as busy as
      // the one was, so what they cost per request compares (a process less busy batches less: fewer
      // requests per event-loop turn, fewer queries per packet to PostgreSQL).
      console.error(`bench: ${call.name} over ${processes} processes…`);
      const urls = [call.urls[0]!, ...extraPorts.map((p) => call.urls[0]!.replace(`:${port}/`, `:${p}/`))];
      spread.push({ name: call.name, one, all: await measuredLoad(urls, [server, ...others], paths, connections * processes) });
    }
  }

  const large: BenchResult['large'] = [];
  for (const [name, url] of [
    ['list_failing_checks (whole account)', api(fixture.mainKey, 'list_failing_checks')],
    [`list_devices_at_client (${Number(args.large)}-device client, workstations)`, api(fixture.largeKey, 'list_devices_at_client', { clientid: largeClientId, devicetype: 'workstation' })],
  ] as const) {
    console.error(`bench: ${name}…`);
    // The first answer of its kind since the server started (its code not yet optimised by V8, its
    // statements not yet prepared), then three more: the figure judged is their median, the steady
    // rate of a server that has answered it before; the first is reported beside it.
    const { value: runs, maxRssMb, peakMb } = await withRssSampling(server.pid, async () => {
      const all = [];
      for (let i = 0; i < 4; i++) all.push(await drainTimed(url));
      return all;
    });
    for (const run of runs) {
      if (!run.head.includes('status="OK"') || !run.tail.trimEnd().endsWith('</result>')) throw new Error(`${name} did not answer a complete document`);
    }
    const mbPerSec = (run: (typeof runs)[number]) => run.bytes / 1e6 / (run.totalMs / 1000);
    const median = runs.slice(1).sort((a, b) => a.totalMs - b.totalMs)[1]!;
    large.push({ name, bytes: median.bytes, ttfbMs: median.ttfbMs, seconds: median.totalMs / 1000, mbPerSec: mbPerSec(median), firstMbPerSec: mbPerSec(runs[0]!), maxRssMb, peakRssMb: peakMb });
  }

  console.error('bench: full-account extract…');
  const extractCpu = cpuMeter([server]);
  const extractRun = JSON.parse(await runTs('extract.ts', [base, fixture.mainKey, '8', args['extract-limit']!, String(devices)])) as Omit<BenchResult['extract'], keyof CpuCost>;
  const extract = { ...extractRun, ...extractCpu.perRequest(extractRun.calls) };

  const result: BenchResult = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage: [loadAtStart, loadavg()[0]!] },
    dialect: fixture.dialect,
    devices,
    clients,
    fingerprint: fixture.fingerprint,
    seedSeconds: fixture.seedSeconds,
    connections,
    secondsPerCall: seconds,
    startupMs: server.startMs,
    ceiling: { bytes: devicesAtClient.body.length, ...ceilingLoad, serverCpuMs: ceilingCpuMs },
    calls,
    extract,
    large,
    serverPeakRssMb: memoryOf(server.pid).peakMb,
    ...(others.length > 0 ? { processes: { count: processes, calls: spread } } : {}),
    targets: [],
  };
  result.targets = targetsOf(result);
  const json = JSON.stringify(result, null, 2) + '\n';
  writeFileSync(join(resultsDir, 'latest.json'), json);
  writeFileSync(join(resultsDir, `${fixture.dialect}-${devices}.json`), json);
  console.log(formatReport(result));
} finally {
  await ceiling?.stop();
  for (const other of others) await other.stop();
  await server.stop();
}

/**
 * One load (load.ts, its own process) against one or more servers. `paths`: request these in turn (a cold
 * measurement) on the servers' own host and port. `cpuOf`: the servers whose CPU, and PostgreSQL's, it costs.
 */
async function load(url: string | string[], cpuOf?: Server[], paths?: string[], withConnections = connections): Promise<LoadResult & { cpu?: CpuCost }> {
  const options = { url, connections: withConnections, seconds, warmupSeconds: 1, paths, ...(cpuOf ? { cpuOf: { pids: cpuOf.map((s) => s.pid), postgres: postgresUrl } } : {}) };
  return JSON.parse(await runTs('load.ts', [JSON.stringify(options)])) as LoadResult & { cpu?: CpuCost };
}

/** A load against one or more servers, with the CPU per request they and PostgreSQL spent on it (after its warm-up). */
async function measuredLoad(url: string | string[], servers: Server[], paths?: string[], withConnections = connections): Promise<LoadResult & CpuCost> {
  const { cpu, ...result } = await load(url, servers, paths, withConnections);
  return { ...result, ...cpu! };
}

/** Measures the CPU the servers and PostgreSQL's backends spend from now on; `perRequest` divides it by the requests served. */
function cpuMeter(servers: Server[]) {
  const before = servers.map((s) => cpuMsOf(s.pid));
  const postgres = postgresCpuMeter(postgresUrl);
  return {
    perRequest(served: number): CpuCost {
      const serverMs = servers.reduce((sum, s, i) => sum + cpuMsOf(s.pid) - before[i]!, 0);
      return { serverCpuMs: serverMs / served, postgresCpuMs: postgres.elapsed() / served };
    },
  };
}
