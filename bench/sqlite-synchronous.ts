// `npx tsx bench/sqlite-synchronous.ts [--commits 1000] [--rounds 2]`: what SQLite's `synchronous = FULL`
// costs against `NORMAL` (both in WAL mode) for the two writes the crash test makes: an add_client call (its
// transaction with its audit entry) and an agent report batch (one check result per check of the device).
// One commit at a time, in this process, on a fresh database file in bench/data/ (the disk the server's
// database would be on); rounds alternate the two modes so a change in the machine's load hits both.
// Prints wall ms and CPU ms (user + system, so fsync's kernel work counts) per commit.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { addClient } from '../src/deapi/services/clients/add-client.service.js';
import { systemClock } from '../src/lib/clock.js';
import { createServices } from '../src/services.js';
import { ROOT } from './processes.js';

const { values: args } = parseArgs({ options: { commits: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '2' } } });
const COMMITS = Number(args.commits);
const MODES = ['NORMAL', 'FULL'] as const;
type Mode = (typeof MODES)[number];
type Figures = { wallMs: number; cpuMs: number };

const FACTS = {
  hostname: 'SYNC-BENCH', deviceType: 'server' as const, os: { name: 'Debian GNU/Linux 12', version: '12', family: 'linux' as const }, manufacturer: '', model: '',
  serialNumber: '', cpu: { model: 'x', count: 2 }, memoryMb: 4096, bootedAt: null, ipAddresses: [], macAddresses: [], username: '', domain: '', agentVersion: '1.0.0',
};

/** Runs `work` COMMITS times and answers the mean wall and CPU time of one. */
async function timed(work: (i: number) => Promise<unknown>): Promise<Figures> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < COMMITS; i++) await work(i);
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - started) / COMMITS, cpuMs: (used.user + used.system) / 1000 / COMMITS };
}

async function measure(mode: Mode, round: number): Promise<{ addClient: Figures; report: Figures; checks: number }> {
  const dir = join(ROOT, 'bench', 'data', `synchronous-${mode}-${round}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const database = await openDatabase(join(dir, 'bench.db'));
  try {
    // One connection: the pragma holds for every statement below (openDatabase sets the shipped default first).
    await sql.raw(`pragma synchronous = ${mode}`).execute(database.db);
    const services = createServices({ config: loadConfig({}), database, clock: systemClock });
    const { account } = await services.accounts.findOrCreate('synchronous-bench', { timezone: 'UTC' });
    const caller = (await services.apiKeys.authenticate(await services.apiKeys.regenerate(account.id, null), '127.0.0.1'))!;
    const addClients = await timed((i) => services.apiCalls.call(caller, addClient, { name: `client ${i}` }));

    const client = await database.db.selectFrom('clients').select('id').where('account_id', '=', account.id).orderBy('id').executeTakeFirstOrThrow();
    const site = await database.db.insertInto('sites').values({ account_id: account.id, client_id: client.id, name: 'Site', creation_date: '2026-01-01', primary_router: '' })
      .returning('id').executeTakeFirstOrThrow();
    const { deviceId } = await services.ingest.enrolDevice({ accountId: account.id, siteId: site.id }, 'synchronous-bench-machine', FACTS, 'http://127.0.0.1');
    const device = { accountId: account.id, clientId: client.id, siteId: site.id, deviceId };
    const checkIds = (await database.db.selectFrom('checks').select('id').where('device_id', '=', deviceId).execute()).map((c) => c.id);
    const start = Math.floor(Date.now() / 1000) - 10 * COMMITS;
    const reports = await timed((i) =>
      services.ingest.applyReport(device, {
        batchId: `batch-${i}-of-synchronous-bench`, sentAt: start + i,
        checkResults: checkIds.map((checkId) => ({ checkId, at: start + i, status: i % 2 ? 'pass' : 'fail', output: `result ${i}` })),
        performance: [], driveSpace: [], mavScans: [], backupSessions: [],
      }),
    );
    return { addClient: addClients, report: reports, checks: checkIds.length };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Record<Mode, { addClient: Figures[]; report: Figures[] }> = { NORMAL: { addClient: [], report: [] }, FULL: { addClient: [], report: [] } };
let checks = 0;
for (let round = 0; round < Number(args.rounds); round++) {
  for (const mode of round % 2 ? [...MODES].reverse() : MODES) {
    const result = await measure(mode, round);
    runs[mode].addClient.push(result.addClient);
    runs[mode].report.push(result.report);
    checks = result.checks;
    console.error(`round ${round} ${mode}: add_client ${result.addClient.wallMs.toFixed(2)} ms wall / ${result.addClient.cpuMs.toFixed(2)} ms CPU, report ${result.report.wallMs.toFixed(2)} ms wall / ${result.report.cpuMs.toFixed(2)} ms CPU`);
  }
}
const mean = (list: Figures[], key: keyof Figures) => list.reduce((sum, f) => sum + f[key], 0) / list.length;
console.log(`SQLite WAL, ${COMMITS} commits of each kind per round, ${args.rounds} rounds, one at a time (report = ${checks} check results)`);
console.log('synchronous  add_client wall / CPU ms   report wall / CPU ms   commits/s (wall, report)');
for (const mode of MODES) {
  const r = runs[mode];
  console.log(
    `${mode.padEnd(11)}  ${mean(r.addClient, 'wallMs').toFixed(2).padStart(6)} / ${mean(r.addClient, 'cpuMs').toFixed(2).padStart(5)}        ` +
      `${mean(r.report, 'wallMs').toFixed(2).padStart(6)} / ${mean(r.report, 'cpuMs').toFixed(2).padStart(5)}      ${Math.round(1000 / mean(r.report, 'wallMs'))}`,
  );
}
