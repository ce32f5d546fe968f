import { createExposition } from './prometheus-text.js';

type Exposition = ReturnType<typeof createExposition>;

/**
 * Where a request went. `agent_poll` is an agent's command long-poll, kept apart because it lasts up to
 * its wait (tens of seconds) by design and would swamp the agent latency it is not part of; `other` is
 * /healthz, /metrics and paths no route answers.
 */
export const AREAS = ['api', 'dashboard', 'agent', 'agent_poll', 'other'] as const;
export type AreaIndex = number;
export const Area = { api: 0, dashboard: 1, agent: 2, agentPoll: 3, other: 4 } as const satisfies Record<string, AreaIndex>;

/** Latency buckets in seconds: most calls land in the first few; 30 and 60 hold the long-polls. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** Error codes run 1–99 (src/errors.ts): one slot each. */
const ERROR_CODES = 100;
const UNKNOWN_SERVICE = 'unknown';

/** The counters of one API service. */
type ServiceCounters = { ok: number; throttled: number; errors: Float64Array };

/**
 * In-memory request counters, updated once per response. Recording allocates nothing (typed arrays and
 * counters made up front, one Map lookup by service name), so it costs the API's hot path a few
 * nanoseconds; all formatting happens when /metrics is scraped.
 */
export function createRequestMetrics(serviceNames: readonly string[]) {
  const requests = new Float64Array(AREAS.length * STATUS_CLASSES.length);
  const bucketCounts = new Float64Array(AREAS.length * (LATENCY_BUCKETS.length + 1));
  const latencySums = new Float64Array(AREAS.length);
  // Only the registry's names become labels, so a caller cannot add series by inventing services.
  const services = new Map<string, ServiceCounters>();
  for (const name of [...serviceNames, UNKNOWN_SERVICE]) services.set(name, { ok: 0, throttled: 0, errors: new Float64Array(ERROR_CODES) });
  const unknown = services.get(UNKNOWN_SERVICE)!;
  const ingestion = { reports: 0, checkResults: 0 };

  return {
    /** One finished HTTP request of `area`, its status and how long it took. */
    request(area: AreaIndex, status: number, seconds: number): void {
      const statusClass = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
      requests[area * STATUS_CLASSES.length + statusClass]! += 1;
      let bucket = 0;
      while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
      bucketCounts[area * (LATENCY_BUCKETS.length + 1) + bucket]! += 1;
      latencySums[area]! += seconds;
    },

    /** One Data Extraction API call: answered (errorCode 0), refused with an error code, or throttled (HTTP 429). */
    apiCall(service: string | undefined, status: number, errorCode: number): void {
      const counters = (service !== undefined && services.get(service)) || unknown;
      if (status === 429) counters.throttled++;
      else if (errorCode > 0) counters.errors[Math.min(errorCode, ERROR_CODES - 1)]! += 1;
      else counters.ok++;
    },

    /** A report batch ingestion applied (a retried batch id is not applied twice, nor counted). */
    reportApplied(checkResults: number): void {
      ingestion.reports++;
      ingestion.checkResults += checkResults;
    },

    /** A check result applied outside a report (a command's outcome). */
    checkResultApplied(): void {
      ingestion.checkResults++;
    },

    /** Writes the counter families into an exposition. */
    write(out: Exposition): void {
      out.family('sightline_http_requests_total', 'counter', 'HTTP requests answered, by area and status class.');
      for (const [a, area] of AREAS.entries()) {
        for (const [c, statusClass] of STATUS_CLASSES.entries()) {
          const value = requests[a * STATUS_CLASSES.length + c]!;
          if (value > 0 || statusClass === '2xx') out.sample('sightline_http_requests_total', { area, status: statusClass }, value);
        }
      }
      out.family('sightline_http_request_duration_seconds', 'histogram', 'Time from receiving a request to the end of its answer, by area.');
      const width = LATENCY_BUCKETS.length + 1;
      for (const [a, area] of AREAS.entries()) {
        out.histogram('sightline_http_request_duration_seconds', { area }, LATENCY_BUCKETS, bucketCounts.subarray(a * width, (a + 1) * width), latencySums[a]!);
      }
      out.family('sightline_api_requests_total', 'counter', 'Data Extraction API calls by service and outcome: ok, error (with its error code) or throttled (HTTP 429).');
      for (const [service, counters] of services) {
        if (counters.ok > 0) out.sample('sightline_api_requests_total', { service, outcome: 'ok' }, counters.ok);
        for (let code = 1; code < ERROR_CODES; code++) {
          const value = counters.errors[code]!;
          if (value > 0) out.sample('sightline_api_requests_total', { service, outcome: 'error', code: String(code) }, value);
        }
        if (counters.throttled > 0) out.sample('sightline_api_requests_total', { service, outcome: 'throttled' }, counters.throttled);
      }
      out.family('sightline_agent_reports_applied_total', 'counter', 'Agent report batches applied by ingestion (a retried batch counts once).');
      out.sample('sightline_agent_reports_applied_total', {}, ingestion.reports);
      out.family('sightline_agent_check_results_applied_total', 'counter', 'Check results applied by ingestion, from reports and command outcomes.');
      out.sample('sightline_agent_check_results_applied_total', {}, ingestion.checkResults);
    },
  };
}

export type RequestMetrics = ReturnType<typeof createRequestMetrics>;
