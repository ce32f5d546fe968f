// Load generator, run in its own process so it does not share an event loop with the bench or server.
// Usage: node --import tsx bench/load.ts '{"url":…,"connections":32,"seconds":5,"warmupSeconds":1}'
// Prints one JSON line: requests/s, latency percentiles (ms), errors and non-2xx counts, requests served
// and, when asked (`cpuOf`), the CPU ms per request of the measured run, warm-up excluded.
import autocannon from 'autocannon';
import { cpuMsOf, postgresCpuMeter } from './processes.js';

/**
 * `rate`: requests per second in all (an open load, for latency at a given pace); absent: as fast as answered.
 * `paths`: request these in turn (all connections share one cycle) instead of `url`'s own path, so that
 * consecutive requests ask for different answers (the bench's cold measurements).
 * `url`: several (server processes on different ports) share the connections round-robin.
 * `cpuOf`: the server processes and the PostgreSQL database (null: SQLite) whose CPU the requests cost.
 */
type LoadOptions = {
  url: string | string[]; connections: number; seconds: number; warmupSeconds: number; rate?: number; paths?: string[];
  cpuOf?: { pids: number[]; postgres: string | null };
};
const options = JSON.parse(process.argv[2]!) as LoadOptions;

let next = 0;
const paths = options.paths;
const cycle = paths?.length
  ? {
      requests: [
        {
          setupRequest: (request: { path?: string }) => {
            request.path = paths[next++ % paths.length];
            return request;
          },
        },
      ],
    }
  : {};

const run = (seconds: number) =>
  // autocannon takes an array of URLs too, which its types do not say.
  autocannon({ url: options.url as string, connections: options.connections, duration: seconds, pipelining: 1, ...(options.rate ? { overallRate: options.rate } : {}), ...cycle });

const warmup = options.warmupSeconds > 0 ? await run(options.warmupSeconds) : undefined;
// Measured after the warm-up, so a process's first requests (JIT, its pool's new connections) do not count.
const cpuBefore = options.cpuOf?.pids.map(cpuMsOf);
const postgres = options.cpuOf ? postgresCpuMeter(options.cpuOf.postgres) : undefined;
const result = await run(options.seconds);
const cpu = options.cpuOf && {
  serverCpuMs: options.cpuOf.pids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - cpuBefore![i]!, 0) / result.requests.total,
  postgresCpuMs: postgres!.elapsed() / result.requests.total,
};
process.stdout.write(
  JSON.stringify({
    rps: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mbPerSec: result.throughput.average / 1e6,
    // Every request the server answered, warm-up included (for its CPU time per request).
    served: (warmup?.requests.total ?? 0) + result.requests.total,
    ...(cpu ? { cpu } : {}),
  }) + '\n',
);
