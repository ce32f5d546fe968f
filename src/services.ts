import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { createRepositories } from './repositories.js';
import { createAccountService } from './accounts/account.service.js';
import { createApiKeyService } from './api-keys/api-key.service.js';
import { createAccessService } from './access/access.service.js';
import { createRoleService } from './access/role.service.js';
import { createAuditService } from './audit/audit.service.js';
import { auditedWrites } from './audit/audited-write.js';
import { createClientGroupService } from './client-groups/client-group.service.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './mail/mailer.js';
import { createUserService } from './users/user.service.js';
import { createLoginService } from './users/login.service.js';
import { createPersonalKeyService } from './personal-keys/personal-key.service.js';
import { createApiKeyThrottle, createLoginAttempts } from './throttle/throttle.service.js';
import { createApiAuthenticator } from './api-keys/api-authenticator.js';
import { createSeedRepository } from './seed/seed.repository.js';
import { createSessionService } from './dashboard/session.service.js';
import { createFleetService } from './dashboard/fleet.service.js';
import { createApiPanelService } from './dashboard/api-panel.service.js';
import { createMyAccountService } from './dashboard/my-account.service.js';
import { createUsersPageService } from './dashboard/users-page.service.js';
import { createSitePageService } from './dashboard/site-page.service.js';
import { createDeviceMavService } from './dashboard/device-mav.service.js';
import { createSiteTokenService } from './sites/site-token.service.js';
import { createDevicePatchesService } from './dashboard/device-patches.service.js';
import { type CommandQueue, createCommandService } from './commands/command.service.js';
import { createDeviceChecksService } from './dashboard/device-checks.service.js';
import { createInstallationPackageService } from './agent-protocol/installation-package.service.js';
import { createApiCallService, type WriteUnit } from './deapi/api-call.service.js';
import { createDeapiDomain } from './deapi/deapi.services.js';
import { createIngestService } from './ingest/ingest.service.js';

export type ServiceDeps = {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  /** Where mail goes; by default SMTP when SIGHTLINE_SMTP_URL is set, else the outbox table. */
  mailer?: Mailer;
};

/** Repositories and the services over them: shared by the HTTP app, the dashboard and the CLI. */
export function createServices(deps: ServiceDeps) {
  const repos = createRepositories(deps.database.db);
  const { clock, config } = deps;
  const mailer = deps.mailer ?? (config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createOutboxMailer(repos.outbox, clock));
  const access = createAccessService({ roles: repos.roles });
  const audit = createAuditService({ audit: repos.audit, clock });
  /** The one way a change is made with its audit entry: both in one transaction (audit/audited-write.ts). */
  const write = auditedWrites(deps.database.db, clock);
  const apiKeys = createApiKeyService({ apiKeys: repos.apiKeys, accounts: repos.accounts, access, write, mailer, clock, publicUrl: config.publicUrl });
  const personalKeys = createPersonalKeyService({ keys: repos.personalKeys, access, write, clock });
  const loginAttempts = createLoginAttempts({ throttle: repos.throttle, clock });
  const throttle = createApiKeyThrottle({ throttle: repos.throttle, clock, limit: config.badKeyLimit, windowSeconds: config.badKeyWindowSeconds });
  const login = createLoginService({ users: repos.users, access, write, loginAttempts });
  const clientGroups = createClientGroupService({ groups: repos.clientGroups, access, write });
  const users = createUserService({ users: repos.users, groups: repos.clientGroups, clientGroups, roles: repos.roles, access, write, clock, login });
  const roles = createRoleService({ roles: repos.roles, access, write, clock });
  const siteTokens = createSiteTokenService({ tokens: repos.siteTokens, sites: repos.sites, access, write, clock });
  const commands = createCommandService({ commands: repos.commands, clock });
  const apiAuthenticator = createApiAuthenticator({ apiKeys, personalKeys, throttle });
  const domainDeps = { access, clock, agentDir: config.agentDir, publicUrl: config.publicUrl };
  /**
   * Runs a write over the domain of one audited write, so the write and its audit entries commit together;
   * the commands it queued are delivered once it has committed (a long-poll woken earlier would not see them).
   */
  const inWriteUnit = async <T>(work: (unit: WriteUnit) => Promise<T>): Promise<T> => {
    let queue: CommandQueue | undefined;
    const result = await write(({ repos: txRepos, audit: txAudit }) => {
      queue = commands.within(txRepos.commands);
      return work({ domain: createDeapiDomain(txRepos, { ...domainDeps, commands: queue, audit: txAudit }), audit: txAudit });
    });
    queue?.wake();
    return result;
  };
  const apiCalls = createApiCallService({
    access,
    keys: apiAuthenticator,
    domain: createDeapiDomain(repos, domainDeps),
    inTransaction: inWriteUnit,
    clock,
    publicUrl: config.publicUrl,
  });
  const installationPackages = createInstallationPackageService({ siteTokens, users: repos.users, accounts: repos.accounts, access, clock, agentDir: config.agentDir, publicUrl: config.publicUrl });
  const fleet = createFleetService({ repos, clock, access });
  const myAccount = createMyAccountService({ repos, users, personalKeys });
  return {
    repos,
    mailer,
    access,
    audit,
    accounts: createAccountService({ accounts: repos.accounts, clock }),
    apiKeys,
    personalKeys,
    apiAuthenticator,
    apiCalls,
    loginAttempts,
    login,
    users,
    clientGroups,
    roles,
    seedRepository: createSeedRepository(deps.database.db, deps.database.bulkInsert),
    sessions: createSessionService({ sessions: repos.sessions, users: repos.users, access, clock, login }),
    fleet,
    apiPanel: createApiPanelService({ repos, apiKeys, myAccount, access }),
    myAccount,
    usersPage: createUsersPageService({ repos, users, clientGroups, roles, access }),
    siteTokens,
    installationPackages,
    sitePage: createSitePageService({ repos, siteTokens, installationPackages, fleet, access }),
    commands,
    deviceMav: createDeviceMavService({ write, repos, access, clock, commands }),
    devicePatches: createDevicePatchesService({ access, inWriteUnit }),
    deviceChecks: createDeviceChecksService({ write, access, clock, commands }),
    /** Enrolment, agent reports, command outcomes and the overdue sweep (src/ingest/). */
    ingest: createIngestService({ database: deps.database, clock }),
  };
}

export type Services = ReturnType<typeof createServices>;
