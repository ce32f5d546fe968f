// Load generator, run in its own process so it does not share an event loop with the bench or server.
// Usage: node --import tsx bench/load.ts '{"url":…,"connections":32,"seconds":5,"warmupSeconds":1}'
// Prints one JSON line: requests/s, latency percentiles (ms), errors and non-2xx counts, requests served.
import autocannon from 'autocannon';

/**
 * `rate`: requests per second in all (an open load, for latency at a given pace); absent: as fast as answered.
 * `paths`: request these in turn (all connections share one cycle) instead of `url`'s own path, so that
 * consecutive requests ask for different answers (the bench's cold measurements).
 */
type LoadOptions = { url: string; connections: number; seconds: number; warmupSeconds: number; rate?: number; paths?: string[] };
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
  autocannon({ url: options.url, connections: options.connections, duration: seconds, pipelining: 1, ...(options.rate ? { overallRate: options.rate } : {}), ...cycle });

const warmup = options.warmupSeconds > 0 ? await run(options.warmupSeconds) : undefined;
const result = await run(options.seconds);
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
  }) + '\n',
);
