import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { epochSeconds, type Clock } from '../lib/clock.js';
import { isAddressAllowed } from '../lib/networks.js';
import { constantTimeEqual, sha256Hex } from '../lib/secrets.js';
import type { AddressLimiter } from '../throttle/address-limiter.js';
import type { MetricsRepository } from './metrics.repository.js';
import { createExposition, PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';
import { Area, type AreaIndex, type RequestMetrics } from './request-metrics.js';

export type MetricsDeps = {
  metrics: RequestMetrics;
  repo: MetricsRepository;
  clock: Clock;
  /** The dashboard's per-address password limiter (this process's). */
  passwordTries: Pick<AddressLimiter, 'limitedCount'>;
  badKeyLimit: number;
  badKeyWindowSeconds: number;
  /** SIGHTLINE_METRICS_TOKEN: a scraper elsewhere presents it as `Authorization: Bearer …`. */
  token: string | undefined;
};

const LOOPBACK = '127.0.0.0/8,::1/128';
const SLASH = 47;
const QUESTION = 63;

/**
 * `/metrics` and the hook that feeds it. Register it first in the composition root: a root hook added
 * after a child plugin was registered does not reach that plugin's routes.
 *
 * Access: a request from a loopback address (`request.ip`, which believes X-Forwarded-For only from
 * SIGHTLINE_TRUSTED_PROXIES) that no proxy forwarded, or one presenting SIGHTLINE_METRICS_TOKEN as a
 * bearer token; anyone else gets 403. A proxy's own address is not enough: it forwards the internet, and
 * a reverse proxy on the same host would otherwise make every request look local.
 */
export function registerMetrics(app: FastifyInstance, deps: MetricsDeps): void {
  const { metrics } = deps;
  const tokenDigest = deps.token ? sha256Hex(deps.token) : undefined;

  app.addHook('onResponse', (request, reply, done) => {
    const area = areaOf(request);
    const status = reply.statusCode;
    metrics.request(area, status, reply.elapsedTime / 1000);
    // Null when fastify refused the request before it became an API call (a body it could not parse).
    const call = area === Area.api ? request.deapi : null;
    if (call) metrics.apiCall(call.raw.service, status, call.errorCode);
    done();
  });

  const allowed = (request: FastifyRequest): boolean => {
    if (isAddressAllowed(LOOPBACK, request.ip) && !forwarded(request)) return true;
    const auth = request.headers.authorization;
    return tokenDigest !== undefined && auth?.startsWith('Bearer ') === true && constantTimeEqual(sha256Hex(auth.slice(7).trim()), tokenDigest);
  };

  app.get('/metrics', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!allowed(request)) {
      return reply.code(403).type('text/plain; charset=utf-8').send('Metrics are served to loopback addresses, or with the SIGHTLINE_METRICS_TOKEN bearer token.\n');
    }
    const out = createExposition();
    metrics.write(out);
    const [commands, badKeys] = await Promise.all([
      deps.repo.pendingCommands(),
      deps.repo.addressesOverBadKeyLimit(epochSeconds(deps.clock), deps.badKeyLimit, deps.badKeyWindowSeconds),
    ]);
    out.family('sightline_agent_commands_pending', 'gauge', 'Agent commands neither acknowledged nor expired, by status (all server processes).');
    out.sample('sightline_agent_commands_pending', { status: 'queued' }, commands.queued);
    out.sample('sightline_agent_commands_pending', { status: 'delivered' }, commands.delivered);
    out.family('sightline_throttled_addresses', 'gauge', 'Addresses refused right now: over the bad API key limit (all processes) or out of password tries (this process).');
    out.sample('sightline_throttled_addresses', { limiter: 'bad_api_key' }, badKeys);
    out.sample('sightline_throttled_addresses', { limiter: 'password' }, deps.passwordTries.limitedCount());
    writeProcessMetrics(out);
    return reply.type(PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store').send(out.text());
  });
}

/** Whether a proxy passed the request on (it names the client it forwarded for). */
function forwarded(request: FastifyRequest): boolean {
  const headers = request.headers;
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined || headers['x-real-ip'] !== undefined;
}

/** The area of a request, from its path, with no allocation (no routeOptions, no URL parsing). */
function areaOf(request: FastifyRequest): AreaIndex {
  if (request.is404) return Area.other;
  const url = request.url;
  if (url.startsWith('/api') && (url.length === 4 || url.charCodeAt(4) === SLASH || url.charCodeAt(4) === QUESTION)) return Area.api;
  if (url.startsWith('/agent/')) {
    const poll = request.method === 'GET' && url.startsWith('/agent/v1/commands') && (url.length === 18 || url.charCodeAt(18) === QUESTION);
    return poll ? Area.agentPoll : Area.agent;
  }
  if (url.startsWith('/healthz') || url.startsWith('/metrics')) return Area.other;
  return Area.dashboard;
}

const startedAt = Date.now() / 1000 - process.uptime();

function writeProcessMetrics(out: ReturnType<typeof createExposition>): void {
  const cpu = process.cpuUsage();
  out.family('process_cpu_seconds_total', 'counter', 'User and system CPU time spent by this process, in seconds.');
  out.sample('process_cpu_seconds_total', {}, (cpu.user + cpu.system) / 1e6);
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory of this process, in bytes.');
  out.sample('process_resident_memory_bytes', {}, process.memoryUsage.rss());
  out.family('process_start_time_seconds', 'gauge', 'When this process started, in seconds since the Unix epoch.');
  out.sample('process_start_time_seconds', {}, Math.round(startedAt));
  out.family('process_uptime_seconds', 'gauge', 'Seconds since this process started.');
  out.sample('process_uptime_seconds', {}, Math.round(process.uptime()));
}
