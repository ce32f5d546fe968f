import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { trustedProxies } from './lib/networks.js';
import { MAX_COMMAND_WAIT_SECONDS } from './agent-protocol/protocol.schema.js';
import { createAddressLimiter } from './throttle/address-limiter.js';
import { createServices } from './services.js';
import type { Mailer } from './mail/mailer.js';
import { registerDeapi } from './deapi/deapi.routes.js';
import { registerDashboard } from './dashboard/dashboard.plugin.js';
import { registerAccountRoutes } from './dashboard/account.routes.js';
import { registerSettingsRoutes } from './dashboard/settings.routes.js';
import { registerUsersRoutes } from './dashboard/users.routes.js';
import { registerSiteRoutes } from './dashboard/site.routes.js';
import { registerDeviceMavRoutes } from './dashboard/device-mav.routes.js';
import { registerDevicePatchRoutes } from './dashboard/device-patches.routes.js';
import { registerAgentProtocol } from './agent-protocol/agent.plugin.js';
import { createAgentService } from './agent-protocol/agent.service.js';
import { registerSweeper } from './agent-protocol/sweeper.js';
import { createCommandEffects } from './commands/command-effects.js';
import { registerDeviceChecksRoutes } from './dashboard/device-checks.routes.js';
import { SERVICES } from './deapi/registry.js';
import { registerMetrics } from './metrics/metrics.plugin.js';
import { createRequestMetrics } from './metrics/request-metrics.js';
import { createMetricsRepository } from './metrics/metrics.repository.js';
import { countedIngest } from './metrics/counted-ingest.js';
import { registerHealth } from './health/health.routes.js';
import { createHealthCheck } from './health/health.service.js';
import { createHealthRepository } from './health/health.repository.js';

/**
 * How long a client may take, so slow or idle connections cannot pin sockets (Node's request timeout is
 * off by default). The idle timeout outlasts the longest command long-poll; keep-alive outlasts the 60 s
 * idle timeout common in load balancers, so they never reuse a connection the server is closing.
 */
export const HTTP_TIMEOUTS = {
  /** Request line and headers. */
  headersMs: 15_000,
  /** The whole request, body included (bodies are at most 1 MB). */
  requestMs: 60_000,
  /** A socket with no traffic either way. */
  idleMs: (MAX_COMMAND_WAIT_SECONDS + 30) * 1000,
  /** An idle kept-alive connection between requests. */
  keepAliveMs: 65_000,
} as const;

export type AppDeps = {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  /** Mail edge; tests pass a capturing or real-SMTP mailer. Default: SMTP if configured, else the outbox. */
  mailer?: Mailer;
};

/**
 * The composition root: repositories, then services, then routes, wired in plain code.
 * It does not listen; src/main.ts and the CLI's `serve` do.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, clock, logger } = deps;
  const services = createServices({ config, database, clock, mailer: deps.mailer });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // X-Forwarded-For is believed only from SIGHTLINE_TRUSTED_PROXIES; without it request.ip is the peer.
    trustProxy: trustedProxies(config.trustedProxies),
    bodyLimit: 1024 * 1024,
    requestTimeout: HTTP_TIMEOUTS.requestMs,
    connectionTimeout: HTTP_TIMEOUTS.idleMs,
    keepAliveTimeout: HTTP_TIMEOUTS.keepAliveMs,
    // Node checks the header and request timeouts on this interval (30 s by default).
    http: { headersTimeout: HTTP_TIMEOUTS.headersMs, connectionsCheckingInterval: 5_000 },
  });
  // First: its counting hook must be on the root before any plugin is registered, to reach their routes.
  const metrics = createRequestMetrics(SERVICES.map((spec) => spec.name));
  const passwordTries = createAddressLimiter({ clock, perMinute: config.passwordTriesPerMinute });
  registerMetrics(app, {
    metrics, repo: createMetricsRepository(database.db), clock, passwordTries,
    badKeyLimit: config.badKeyLimit, badKeyWindowSeconds: config.badKeyWindowSeconds, token: config.metricsToken,
  });
  await app.register(formbody);

  await registerDeapi(app, {
    apiKeys: services.apiAuthenticator,
    calls: services.apiCalls,
    clock,
    hostname: config.hostname,
    publicUrl: config.publicUrl,
    unknownServiceCode: config.unknownServiceCode,
  });

  await registerDashboard(app, {
    sessions: services.sessions,
    fleet: services.fleet,
    passwordTries,
    cookieSecret: config.cookieSecret,
    publicUrl: config.publicUrl,
  }, [
    registerAccountRoutes(services.myAccount),
    registerSettingsRoutes({ apiPanel: services.apiPanel, apiKeys: services.apiKeys }),
    registerUsersRoutes({ page: services.usersPage, sessions: services.sessions, users: services.users, clientGroups: services.clientGroups, roles: services.roles }),
    registerSiteRoutes({ sitePage: services.sitePage }),
    registerDeviceMavRoutes({ deviceMav: services.deviceMav }),
    registerDevicePatchRoutes({ devicePatches: services.devicePatches }),
    registerDeviceChecksRoutes({ fleet: services.fleet, deviceChecks: services.deviceChecks }),
  ]);

  const ingest = countedIngest(services.ingest, metrics);
  await registerAgentProtocol(app, {
    agents: createAgentService({
      ingest, siteTokens: services.siteTokens, credentials: services.repos.deviceCredentials, devices: services.repos.devices,
      checks: services.repos.checks, accounts: services.repos.accounts, commands: services.commands,
      effects: createCommandEffects(services.repos, clock), clock, publicUrl: config.publicUrl,
    }),
    commands: services.commands,
  });
  registerSweeper(app, { ingest, commands: services.commands, claims: services.repos.sweepClaims, clock, intervalSeconds: config.sweepSeconds });

  // Fastify's own 404 logs "Route GET:<raw url> not found" and echoes the URL in its body: a key sent
  // under a path the router does not know (`/api/%3Fapikey=KEY`) would reach the log unredacted.
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'Not found' }));

  registerHealth(app, createHealthCheck({ repo: createHealthRepository(database.db), log: (error) => app.log.warn({ err: error }, 'health check failed') }));
  return app;
}
