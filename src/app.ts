import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { trustedProxies } from './lib/networks.js';
import { createServices } from './services.js';
import type { Mailer } from './mail/mailer.js';
import { registerDeapiRoutes } from './deapi/deapi.routes.js';
import { registerDashboard } from './dashboard/dashboard.plugin.js';
import { registerSettingsRoutes } from './dashboard/settings.routes.js';
import { registerUsersRoutes } from './dashboard/users.routes.js';

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
  });
  await app.register(formbody);

  registerDeapiRoutes(app, {
    apiKeys: services.apiAuthenticator,
    repos: services.repos,
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
  ]);

  app.get('/healthz', async () => ({ ok: true }));
  return app;
}
