// `npm run soak [-- --minutes 30] [--db postgres://…/sightline_bench_soak] [--load 0.5] [--agents 200]`: a long
// run of mixed load against a real server (dist/, `sightline serve`, in its own process), not part of CI.
// It seeds a fresh database, measures how much of each kind of load the server can take on its own (API
// calls, dashboard pages, agent reports from the fleet simulator), then drives all three together for
// --minutes at --load (half) of that capacity, and every minute prints and records the server's RSS and
// CPU, and per area the requests, errors and p50 / p99 latency. At the end it writes a markdown table to
// bench/results/soak-<dialect>-<minutes>min.md (and prints it) for docs/security.md "## Soak".
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simulateFleet, type SiteToken } from '../src/simulator/fleet-simulator.js';
import { browse, httpBrowser, logInOverHttp, type HttpBrowser } from '../test/support/http-browser.js';
import { freshDatabase } from './fixture.js';
import { cpuMsOf, memoryOf, ROOT, runCli, sleep, startProcess } from './processes.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    db: { type: 'string' },
    port: { type: 'string', default: '18530' },
    devices: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '200' },
    /** The fraction of the measured capacity the soak runs at. */
    load: { type: 'string', default: '0.5' },
    'capacity-seconds': { type: 'string', default: '10' },
  },
});
const minutes = Number(args.minutes);
const load = Number(args.load);
const capacitySeconds = Number(args['capacity-seconds']);
const agents = Number(args.agents);
if (!(minutes > 0) || !(load > 0 && load <= 1) || !(capacitySeconds > 0) || !(agents > 0)) throw new Error('--minutes, --capacity-seconds and --agents take positive numbers, --load a fraction up to 1');

type Area = 'api' | 'dashboard' | 'agent';
const AREAS: readonly Area[] = ['api', 'dashboard', 'agent'];
/**
 * How the server's time is shared between the areas during the soak: each runs at share × load × its
 * own measured capacity, so together they use `load` of the server (if their costs simply add up).
 */
const SHARE: Record<Area, number> = { api: 0.5, dashboard: 0.15, agent: 0.35 };
/** Requests in flight per area at most; beyond it a due request is skipped and counted (the server is behind). */
const MAX_IN_FLIGHT = 32;
/** One API call in this many uses a key that does not exist (answered errorcode 3, or 429 once the address is throttled). */
const BAD_KEY_EVERY = 20;
const ACCOUNT = 'soak';
const USER = 'soak@soak.test';

/** What one area did in one window: requests answered as expected, errors, requests skipped, latencies (ms). */
type Window = { requests: number; errors: number; skipped: number; latencies: number[]; lastError?: string };
const emptyWindow = (): Window => ({ requests: 0, errors: 0, skipped: 0, latencies: [] });
const emptyWindows = (): Record<Area, Window> => ({ api: emptyWindow(), dashboard: emptyWindow(), agent: emptyWindow() });
let windows = emptyWindows();

/** Times one request of an area: an answer that `expected` refuses, or a failure to answer, is an error. */
async function timed(area: Area, request: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  try {
    const expected = await request();
    windows[area].latencies.push(performance.now() - started);
    windows[area].requests++;
    if (!expected) windows[area].errors++;
  } catch (error) {
    windows[area].errors++;
    windows[area].lastError = error instanceof Error ? error.message : String(error);
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

// ---------------------------------------------------------------------------------------------------------
// The database, the server and what the load needs (keys, a dashboard user, site tokens)
// ---------------------------------------------------------------------------------------------------------
execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.mjs')], { stdio: 'inherit' });
// The soak writes (agents report, users log in): it always starts from a fresh database of its own.
const { db, postgres } = await freshDatabase(args.db, 'soak.db');
console.error(`soak: seeding ${args.devices} devices…`);
await runCli(['seed', '--db', db, '--account', ACCOUNT, '--clients', '20', '--devices', args.devices!]);
const lastLine = (text: string) => text.trim().split('\n').pop()!;
const accountKey = lastLine(await runCli(['apikey', 'regenerate', '--db', db, '--account', ACCOUNT]));
const password = `Soak-${randomBytes(8).toString('hex')}-9`;
await runCli(['user', 'add', '--db', db, '--account', ACCOUNT, '--email', USER, '--role', 'superuser', '--password', password]);
const personalKey = lastLine(await runCli(['keys', 'create', '--db', db, '--account', ACCOUNT, '--user', USER, '--name', 'soak']));

const base = `http://127.0.0.1:${args.port}`;
console.error('soak: starting the server…');
const server = await startProcess([join(ROOT, 'dist/cli/main.js'), 'serve', '--db', db, '--port', args.port!, '--host', '127.0.0.1'], { LOG_LEVEL: 'warn' }, `${base}/healthz`);

const api = (query: string, init: RequestInit = {}) => fetch(`${base}/api/?${query}`, init);
const firstIds = (xml: string, element: string, count: number) => [...xml.matchAll(new RegExp(`<${element}>(\\d+)</${element}>`, 'g'))].slice(0, count).map((m) => Number(m[1]));
const clientIds = firstIds(await (await api(`apikey=${accountKey}&service=list_clients`)).text(), 'clientid', 5);
const siteIds = firstIds(await (await api(`apikey=${accountKey}&service=list_sites&clientid=${clientIds[0]}`)).text(), 'siteid', 4);
const deviceIds = firstIds(await (await api(`apikey=${accountKey}&service=list_devices_at_client&clientid=${clientIds[0]}&devicetype=workstation`)).text(), 'id', 10);
if (!clientIds.length || !siteIds.length || !deviceIds.length) throw new Error('the seeded account has no clients, sites or workstations to load');
const sites: SiteToken[] = [];
for (const siteId of siteIds) sites.push({ siteId, token: lastLine(await runCli(['site-token', 'create', '--db', db, '--account', ACCOUNT, '--site', String(siteId)])) });

// ---------------------------------------------------------------------------------------------------------
// The three kinds of load
// ---------------------------------------------------------------------------------------------------------
const ok = async (response: Response) => (await response.text()).includes('status="OK"');
const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
/** API calls over several services, with the key in each place a key travels. */
const apiCalls: Array<() => Promise<boolean>> = [
  async () => ok(await api(`apikey=${accountKey}&service=list_clients`)),
  async () => ok(await api(`service=list_sites&clientid=${clientIds[1] ?? clientIds[0]}`, { headers: { 'x-api-key': personalKey } })),
  async () => ok(await api(`service=list_devices_at_client&clientid=${clientIds[2] ?? clientIds[0]}&devicetype=workstation`, { headers: { authorization: `Bearer ${personalKey}` } })),
  async () => ok(await api('', form(`apikey=${accountKey}&service=list_device_monitoring_details&deviceid=${deviceIds[3] ?? deviceIds[0]}`))),
  async () => ok(await api(`apikey=${accountKey}&service=list_checks&deviceid=${deviceIds[1] ?? deviceIds[0]}`)),
  async () => ok(await api(`apikey=${accountKey}&service=list_failing_checks&clientid=${clientIds[0]}`)),
  async () => ok(await api(`apikey=${accountKey}&service=list_outages&deviceid=${deviceIds[2] ?? deviceIds[0]}`)),
];
let apiTurn = 0;
function nextApiCall(): () => Promise<boolean> {
  apiTurn++;
  if (apiTurn % BAD_KEY_EVERY === 0) {
    return async () => {
      const response = await api(`apikey=${randomBytes(16).toString('hex')}&service=list_clients`);
      return response.status === 429 || (await response.text()).includes('<errorcode>3</errorcode>');
    };
  }
  return apiCalls[apiTurn % apiCalls.length]!;
}

/** Signed-in browsers the page views take turns on; each log-in runs scrypt, so there are few. */
const browsers: HttpBrowser[] = [];
for (let i = 0; i < 3; i++) {
  const browser = httpBrowser(base);
  if ((await logInOverHttp(browser, USER, password)).status !== 303) throw new Error(`${USER} could not log in`);
  browsers.push(browser);
}
const pages = ['/', '/settings/general/api', `/devices/${deviceIds[0]}`, '/settings/users', `/sites/${siteIds[0]}`, '/settings/account', `/devices/${deviceIds[1] ?? deviceIds[0]}`];
let pageTurn = 0;
const nextPageView = () => {
  const turn = pageTurn++;
  return async () => (await browse(browsers[turn % browsers.length]!, 'GET', pages[turn % pages.length]!)).status === 200;
};
/** Once a minute: a whole log-in and log-out, and a wrong password for a user that does not exist (refused 401, or 429 once limited). */
async function logInAndOut(): Promise<void> {
  await timed('dashboard', async () => {
    const browser = httpBrowser(base);
    const login = await logInOverHttp(browser, USER, password);
    return login.status === 303 && (await browse(browser, 'POST', '/logout', {})).status === 303;
  });
  await timed('dashboard', async () => {
    const browser = httpBrowser(base);
    await browse(browser, 'GET', '/login');
    const status = (await browse(browser, 'POST', '/login', { email: 'nobody@soak.test', password: 'Wrong-Password-1' })).status;
    return status === 401 || status === 429;
  });
}

/**
 * The fleet simulator calls the global fetch: timing it here measures the agents' requests (enrolment,
 * config, reports, acknowledgements) without changing the simulator. Command long-polls wait on purpose
 * and are not timed.
 */
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.includes('/agent/v1/') || url.includes('/commands?')) return realFetch(input, init);
  let response: Response | undefined;
  await timed('agent', async () => {
    response = await realFetch(input, init);
    return response.ok;
  });
  if (!response) throw new Error(windows.agent.lastError ?? 'agent request failed');
  return response;
};

/** Runs `next()` requests at `rate` per second until `signal` aborts, at most MAX_IN_FLIGHT at once. */
async function paced(area: Area, rate: number, next: () => () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (!signal.aborted) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
    for (let i = 0; i < due; i++) {
      sent++;
      if (inFlight.size >= MAX_IN_FLIGHT) {
        windows[area].skipped++;
        continue;
      }
      const task = timed(area, next()).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await sleep(5);
  }
  await Promise.allSettled(inFlight);
}

/**
 * An area's capacity on its own: `workers` loops send requests as fast as they are answered for `seconds`.
 * The soak runs at a fraction of the requests per second answered here and now, on the machine as loaded
 * as it is (it must leave room to others); the server's CPU ms per request, which barely moves with other
 * work on the machine, is recorded beside it.
 */
type Capacity = { perSecond: number; cpuMs: number };
const capacityOf = (requests: number, seconds: number, cpuMs: number): Capacity => ({ perSecond: requests / seconds, cpuMs: cpuMs / requests });

async function flatOut(area: Area, workers: number, seconds: number, next: () => () => Promise<boolean>): Promise<Capacity> {
  windows[area] = emptyWindow();
  const cpuBefore = cpuMsOf(server.pid);
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (performance.now() < until) await timed(area, next());
  }));
  const { requests, errors } = windows[area];
  if (errors > 0) console.error(`soak: ${errors} errors while measuring ${area} (last: ${windows[area].lastError})`);
  return capacityOf(requests, seconds, cpuMsOf(server.pid) - cpuBefore);
}

/** The agents' capacity: the simulator reports as fast as it is answered; counted from the end of enrolment. */
async function agentCapacity(seconds: number): Promise<Capacity> {
  let from: { reports: number; cpuMs: number; at: number } | undefined;
  const measured = await simulateFleet({
    url: base, sites, devices: agents, durationSeconds: seconds, rate: 1e6, concurrency: 8, maxPolls: 0, seed: 'soak-capacity',
    onProgress: (progress) => {
      if (progress.phase === 'reporting' && !from) from = { reports: progress.reports, cpuMs: cpuMsOf(server.pid), at: performance.now() };
    },
  });
  if (measured.errors > 0) console.error(`soak: ${measured.errors} errors while measuring agents (last: ${measured.lastError})`);
  if (!from) throw new Error('the simulator never reached its reporting phase');
  return capacityOf(measured.reports - from.reports, (performance.now() - from.at) / 1000, cpuMsOf(server.pid) - from.cpuMs);
}

// ---------------------------------------------------------------------------------------------------------
// Capacity, then the soak
// ---------------------------------------------------------------------------------------------------------
const loadAtStart = loadavg()[0]!;
console.error(`soak: measuring capacity, ${capacitySeconds} s per area (load average ${loadAtStart.toFixed(1)})…`);
await flatOut('api', 8, 2, nextApiCall); // warm-up
const capacity: Record<Area, Capacity> = {
  api: await flatOut('api', 8, capacitySeconds, nextApiCall),
  dashboard: await flatOut('dashboard', 4, capacitySeconds, nextPageView),
  agent: await agentCapacity(capacitySeconds),
};
const rates = Object.fromEntries(AREAS.map((area) => [area, capacity[area].perSecond * SHARE[area] * load])) as Record<Area, number>;
const perSecond = (r: number) => r.toFixed(1);
const describeCapacity = (area: Area) => `${perSecond(capacity[area].perSecond)}/s (${capacity[area].cpuMs.toFixed(2)} server CPU ms each)`;
console.error(`soak: capacity: API ${describeCapacity('api')}, dashboard ${describeCapacity('dashboard')}, agent reports ${describeCapacity('agent')}`);
console.error(`soak: driving API ${perSecond(rates.api)}/s, dashboard ${perSecond(rates.dashboard)}/s, agent reports ${perSecond(rates.agent)}/s (${load} of capacity) for ${minutes} min…`);

type Row = { minute: number; loadAverage: number; rssMb: number; serverCpuPercent: number; driverCpuPercent: number } & Record<Area, { requests: number; errors: number; skipped: number; p50: number; p99: number }>;
const rows: Row[] = [];
const stop = new AbortController();
windows = emptyWindows();
let lastCpuMs = cpuMsOf(server.pid);
let lastDriverCpu = process.cpuUsage();
let lastSample = performance.now();
let agentReports = 0;

/** Closes the window of the minute just ended: one row, printed and kept. */
function sample(): void {
  const now = performance.now();
  const elapsedMs = now - lastSample;
  const cpuMs = cpuMsOf(server.pid);
  const driver = process.cpuUsage(lastDriverCpu);
  const closed = windows;
  windows = emptyWindows();
  const row = {
    minute: rows.length + 1,
    loadAverage: loadavg()[0]!,
    rssMb: memoryOf(server.pid).rssMb,
    serverCpuPercent: ((cpuMs - lastCpuMs) / elapsedMs) * 100,
    driverCpuPercent: ((driver.user + driver.system) / 1000 / elapsedMs) * 100,
  } as Row;
  for (const area of AREAS) {
    const sorted = closed[area].latencies.sort((a, b) => a - b);
    row[area] = { requests: closed[area].requests, errors: closed[area].errors, skipped: closed[area].skipped, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    if (closed[area].lastError) console.error(`soak: ${area}: last error: ${closed[area].lastError}`);
  }
  [lastCpuMs, lastDriverCpu, lastSample] = [cpuMs, process.cpuUsage(), now];
  rows.push(row);
  console.error(`soak: ${formatRow(row)}`);
}

const formatArea = (a: Row[Area]) => `${a.requests} (${a.errors}${a.skipped ? `, ${a.skipped} skipped` : ''}) ${a.p50.toFixed(1)} / ${a.p99.toFixed(1)}`;
function formatRow(r: Row): string {
  return `| ${r.minute} | ${r.loadAverage.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${r.serverCpuPercent.toFixed(0)} | ${r.driverCpuPercent.toFixed(0)} | ${AREAS.map((area) => formatArea(r[area])).join(' | ')} |`;
}

try {
  const agentsDone = simulateFleet({
    url: base, sites, devices: agents, durationSeconds: minutes * 60 + 3600, rate: rates.agent, concurrency: 16, maxPolls: Math.floor(agents / 2), seed: 'soak', signal: stop.signal,
    onProgress: (progress) => (agentReports = progress.reports),
  });
  const loops = [paced('api', rates.api, nextApiCall, stop.signal), paced('dashboard', rates.dashboard, nextPageView, stop.signal)];
  for (let minute = 0; minute < minutes; minute++) {
    const minuteEnds = lastSample + 60_000;
    // The log-in cycle comes a few seconds into each minute, so the sample never splits it.
    await sleep(5_000);
    await logInAndOut();
    await sleep(Math.max(0, minuteEnds - performance.now()));
    sample();
  }
  stop.abort();
  await Promise.all([...loops, agentsDone]);
} finally {
  stop.abort();
  await server.stop();
}

// ---------------------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------------------
const sum = (area: Area, field: 'requests' | 'errors' | 'skipped') => rows.reduce((n, r) => n + r[area][field], 0);
const first = rows[0]!;
const last = rows.at(-1)!;
const lines = [
  `Soak, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${minutes} min on ${postgres ? 'PostgreSQL' : 'SQLite'}, ${args.devices} seeded devices + ${agents} simulated agents; ` +
    `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`,
  '',
  `Capacity of each area on its own (${capacitySeconds} s flat out): API ${describeCapacity('api')} with 8 connections, ` +
    `dashboard pages ${describeCapacity('dashboard')} with 4, agent reports ${describeCapacity('agent')} with 8. ` +
    `Driven together at ${load} of it (shares ${AREAS.map((a) => `${a} ${SHARE[a]}`).join(', ')}): API ${perSecond(rates.api)}/s (1 in ${BAD_KEY_EVERY} with a bad key), dashboard ${perSecond(rates.dashboard)} pages/s ` +
    `(+ a log-in, log-out and wrong password a minute), agents ${perSecond(rates.agent)} reports/s (half of them holding a command long-poll).`,
  '',
  '| min | load avg | server RSS MB | server CPU % | driver CPU % | API calls (errors) p50 / p99 ms | dashboard (errors) p50 / p99 ms | agent requests (errors) p50 / p99 ms |',
  '|---:|---:|---:|---:|---:|---|---|---|',
  ...rows.map(formatRow),
  '',
  `Totals: API ${sum('api', 'requests')} calls, ${sum('api', 'errors')} errors; dashboard ${sum('dashboard', 'requests')} requests, ${sum('dashboard', 'errors')} errors; ` +
    `agents ${sum('agent', 'requests')} requests, ${sum('agent', 'errors')} errors; ${AREAS.reduce((n, a) => n + sum(a, 'skipped'), 0)} requests skipped (the server behind). ` +
    `Server RSS ${first.rssMb.toFixed(0)} MB after the first minute, ${last.rssMb.toFixed(0)} MB after the last; ${agentReports} agent reports in all.`,
];
const report = lines.join('\n');
const resultsDir = join(ROOT, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const name = `soak-${postgres ? 'postgres' : 'sqlite'}-${minutes}min`;
writeFileSync(join(resultsDir, `${name}.md`), report + '\n');
writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify({ minutes, load, loadAtStart, capacity, rates, rows }, null, 2) + '\n');
console.log(report);
