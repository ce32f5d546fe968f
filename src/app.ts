import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { createServices } from './services.js';
import type { Mailer } from './mail/mailer.js';
import { registerDeapi } from './deapi/deapi.routes.js';
import { registerDashboard } from './dashboard/dashboard.plugin.js';
import { registerSettingsRoutes } from './dashboard/settings.routes.js';
import { registerUsersRoutes } from './dashboard/users.routes.js';
import { registerSiteRoutes } from './dashboard/site.routes.js';
import { registerAgentProtocol } from './agent-protocol/agent.plugin.js';
import { createAgentService } from './agent-protocol/agent.service.js';
import { registerSweeper } from './agent-protocol/sweeper.js';
import { createCommandEffects } from './commands/command-effects.js';
import { registerDeviceChecksRoutes } from './dashboard/device-checks.routes.js';

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
    // Behind a reverse proxy set trustProxy through a future option; loopback installs see the peer address.
    trustProxy: false,
    bodyLimit: 1024 * 1024,
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
    cookieSecret: config.cookieSecret,
    publicUrl: config.publicUrl,
  }, [
    registerSettingsRoutes({ apiPanel: services.apiPanel, apiKeys: services.apiKeys }),
    registerUsersRoutes({ page: services.usersPage, sessions: services.sessions, users: services.users, clientGroups: services.clientGroups, roles: services.roles }),
    registerSiteRoutes({ sitePage: services.sitePage }),
    registerDeviceChecksRoutes({ fleet: services.fleet, deviceChecks: services.deviceChecks }),
  ]);

  const { ingest } = services;
  await registerAgentProtocol(app, {
    agents: createAgentService({
      ingest, siteTokens: services.siteTokens, credentials: services.repos.deviceCredentials, devices: services.repos.devices,
      checks: services.repos.checks, accounts: services.repos.accounts, commands: services.commands,
      effects: createCommandEffects(services.repos), clock, publicUrl: config.publicUrl,
    }),
    commands: services.commands,
  });
  registerSweeper(app, { ingest, commands: services.commands, intervalSeconds: config.sweepSeconds });

  app.get('/healthz', async () => ({ ok: true }));
  return app;
}
