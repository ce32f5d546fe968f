// `npx tsx bench/call-cost.ts --db URL [--calls 400] [--concurrency 8]`: the cost of each small call of
// `npm run bench`, in-process (app.inject, no sockets), over a database the bench has seeded: database
// round trips per call, the Node process's CPU ms per call and, on PostgreSQL, its backends' CPU ms per
// call. CPU time barely moves when other work shares the machine, so before/after comparisons of one
// change hold on a busy machine where req/s does not.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { dialectNameOf } from '../src/db/dialect.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { createServices } from '../src/services.js';
import { postgresCpuMeter } from './processes.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    calls: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
  },
});
const url = args.db!;
const postgres = dialectNameOf(url) === 'postgres' ? url : null;
let queries = 0;
const database = await openDatabase(url, { migrate: false, onQuery: () => void queries++ });
// As in the bench: the bad-key throttle never answers 429, and no sweep runs.
const config = loadConfig({}, { db: url, logLevel: 'warn', sweepSeconds: 0, badKeyLimit: 1_000_000_000 });
const app = await buildApp({ config, database, clock: systemClock, logger: createLogger('warn') });
await app.ready();

// The bench's main account (the one with 200 clients), with a fresh key.
const account = await database.db.selectFrom('accounts').select(['id', 'name']).where('name', 'like', 'bench-%').where('name', 'not like', 'bench-large-%').executeTakeFirstOrThrow();
const large = await database.db.selectFrom('accounts').select(['id']).where('name', 'like', 'bench-large-%').executeTakeFirstOrThrow();
const services = createServices({ config, database, clock: systemClock });
const key = await services.apiKeys.regenerate(account.id, null);
const largeKey = await services.apiKeys.regenerate(large.id, null);
const get = async (params: Record<string, string | number>) => {
  const response = await app.inject({ method: 'GET', url: `/api/?${new URLSearchParams({ apikey: key, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) })}` });
  return response.body;
};

// The same calls as the bench: the client nearest 250 workstations, its first workstation.
const clients = [...(await get({ service: 'list_clients' })).matchAll(/<clientid>(\d+)<\/clientid>.*?<workstation_count>(\d+)<\/workstation_count>/gs)].map((m) => ({ id: Number(m[1]), workstations: Number(m[2]) }));
const target = clients.reduce((best, c) => (Math.abs(c.workstations - 250) < Math.abs(best.workstations - 250) ? c : best));
const deviceid = Number(/<workstation><id>(\d+)<\/id>/.exec(await get({ service: 'list_devices_at_client', clientid: target.id, devicetype: 'workstation' }))![1]);
const largeClientId = Number(/<clientid>(\d+)<\/clientid>/.exec(await get({ service: 'list_clients', apikey: largeKey }))![1]);
// The large answers last (and called fewer times): by then PostgreSQL has settled on its plans for the small ones.
const calls: Array<[string, Record<string, string | number>, string, number?]> = [
  ['list_clients', { service: 'list_clients' }, 'status="OK"'],
  ['list_sites', { service: 'list_sites', clientid: target.id }, 'status="OK"'],
  [`list_devices_at_client (${target.workstations})`, { service: 'list_devices_at_client', clientid: target.id, devicetype: 'workstation' }, 'status="OK"'],
  ['list_device_monitoring_details', { service: 'list_device_monitoring_details', deviceid }, 'status="OK"'],
  ['list_checks', { service: 'list_checks', deviceid }, 'status="OK"'],
  ['list_failing_checks (one client)', { service: 'list_failing_checks', clientid: target.id }, 'status="OK"'],
  ['bad key (errorcode 3)', { service: 'list_clients', apikey: '0'.repeat(32) }, '<errorcode>3</errorcode>'],
  ['list_failing_checks (whole account)', { service: 'list_failing_checks' }, '</result>', 0.05],
  ['list_devices_at_client (large client)', { service: 'list_devices_at_client', apikey: largeKey, clientid: largeClientId, devicetype: 'workstation' }, '</result>', 0.01],
];

const concurrency = Number(args.concurrency);
console.log(`${database.dialect}, ${args.calls} calls each (fewer of the large ones), ${concurrency} at once, in-process`);
// On PostgreSQL, what this process reads from and writes to its database connections per call (its only
// I/O: requests are injected, so /proc/self/io counts the database's sockets).
const io = () => {
  const text = readFileSync('/proc/self/io', 'utf8');
  return { read: Number(/^rchar: (\d+)/m.exec(text)![1]), written: Number(/^wchar: (\d+)/m.exec(text)![1]) };
};
console.log(`${'call'.padEnd(36)}${'queries'.padStart(8)}${'node ms'.padStart(9)}${'pg ms'.padStart(8)}${'sum ms'.padStart(8)}${'wall ms'.padStart(9)}${postgres ? `${'from pg'.padStart(9)}${'to pg'.padStart(8)}` : ''}`);
for (const [name, params, expect, share = 1] of calls) {
  if (args.only && !name.startsWith(args.only)) continue;
  const total = Math.max(4, Math.round(Number(args.calls) * share));
  if (!(await get(params)).includes(expect)) throw new Error(`${name} answered unexpectedly`);
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < n) await get(params);
    }));
  };
  await run(Math.ceil(total / 4)); // warm-up: JIT, statement caches, the pool's connections
  queries = 0;
  const ioBefore = io();
  const cpu = process.cpuUsage();
  const pg = postgresCpuMeter(postgres);
  const started = performance.now();
  await run(total);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const nodeMs = (used.user + used.system) / 1000 / total;
  const pgMs = pg.elapsed() / total;
  const ioAfter = io();
  const kb = (bytes: number) => `${(bytes / total / 1024).toFixed(1)}K`;
  console.log(
    `${name.padEnd(36)}${(queries / total).toFixed(1).padStart(8)}${nodeMs.toFixed(2).padStart(9)}${pgMs.toFixed(2).padStart(8)}${(nodeMs + pgMs).toFixed(2).padStart(8)}${(wall / total).toFixed(2).padStart(9)}` +
      (postgres ? `${kb(ioAfter.read - ioBefore.read).padStart(9)}${kb(ioAfter.written - ioBefore.written).padStart(8)}` : ''),
  );
}
await app.close();
await database.close();
