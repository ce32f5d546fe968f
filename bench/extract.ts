// A full-account extract, as an integration would do it: list_clients → list_sites → list_servers and
// list_workstations per site → list_checks per device, with a fixed number of requests in flight.
// Usage: node --import tsx bench/extract.ts BASE_URL APIKEY CONCURRENCY LIMIT_SECONDS EXPECTED_DEVICES
// Prints one JSON line. Past LIMIT_SECONDS it stops starting calls and reports the time projected for
// the whole account from the share of list_checks calls done (they are 96% of the calls). Ids are taken from the XML with regular expressions (the cheapest honest parse:
// the bench must not steal the server's CPU on a 2-core machine).
import { Agent, request } from 'node:http';

const [base, apikey, concurrencyArg, limitArg, expectedArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const deadline = performance.now() + Number(limitArg) * 1000;
const expectedDevices = Number(expectedArg);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

let calls = 0;
let bytes = 0;

function call(service: string, params: Record<string, string | number> = {}): Promise<string> {
  const query = new URLSearchParams({ apikey: apikey!, service, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  return new Promise((resolve, reject) => {
    request(`${base}/api/?${query}`, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        calls++;
        bytes += Buffer.byteLength(body);
        if (!body.includes('status="OK"')) reject(new Error(`${service} ${JSON.stringify(params)} failed: ${body.slice(0, 300)}`));
        else resolve(body);
      });
    })
      .on('error', reject)
      .end();
  });
}

const ids = (body: string, element: string) => [...body.matchAll(new RegExp(`<${element}>(\\d+)</${element}>`, 'g'))].map((m) => Number(m[1]));

/** Runs tasks with at most `limit` in flight; tasks may add more; `finished` settles when none is left. */
function createPool(limit: number) {
  const queue: Array<() => Promise<void>> = [];
  let active = 0;
  let resolveFinished!: () => void;
  let rejectFinished!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((resolveFinished = resolve), (rejectFinished = reject)));
  const pump = () => {
    if (performance.now() > deadline) queue.length = 0;
    while (active < limit && queue.length > 0) {
      // Newest first (depth first): a site's list_checks run soon after its device list, so the share of
      // devices checked when the time limit stops the walk is a fair basis for the projection.
      const task = queue.pop()!;
      active++;
      task().then(() => {
        active--;
        pump();
        if (active === 0 && queue.length === 0) resolveFinished();
      }, rejectFinished);
    }
  };
  return {
    add(task: () => Promise<void>) {
      queue.push(task);
      pump();
    },
    finished,
  };
}

const started = performance.now();
let devices = 0;
let checked = 0;
const clients = ids(await call('list_clients'), 'clientid');
const pool = createPool(concurrency);
for (const clientid of clients) {
  pool.add(async () => {
    for (const siteid of ids(await call('list_sites', { clientid }), 'siteid')) {
      for (const [service, idElement] of [['list_servers', 'serverid'], ['list_workstations', 'workstationid']] as const) {
        pool.add(async () => {
          for (const deviceid of ids(await call(service, { siteid }), idElement)) {
            devices++;
            pool.add(async () => {
              await call('list_checks', { deviceid });
              checked++;
            });
          }
        });
      }
    }
  });
}
await pool.finished;
const seconds = (performance.now() - started) / 1000;
agent.destroy();
const complete = checked === expectedDevices;
const projectedSeconds = complete ? seconds : checked > 0 ? (seconds * expectedDevices) / checked : null;
process.stdout.write(JSON.stringify({ clients: clients.length, devices: checked, complete, calls, seconds, projectedSeconds, callsPerSec: calls / seconds, mb: bytes / 1e6 }) + '\n');
