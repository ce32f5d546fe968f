import { createAccountRepository } from './accounts/account.repository.js';
import { createAdUserRepository } from './ad-users/ad-user.repository.js';
import { createApiKeyRepository } from './api-keys/api-key.repository.js';
import { createAvRepository } from './antivirus/av.repository.js';
import { createMobRepository } from './backup/mob.repository.js';
import { createHistoryRepository } from './history/history.repository.js';
import { createAssetRepository } from './assets/asset.repository.js';
import { createCheckRepository } from './checks/check.repository.js';
import { createClientRepository } from './clients/client.repository.js';
import type { Db } from './db/database.js';
import { transaction } from './db/transaction.js';
import { createDeviceRepository } from './devices/device.repository.js';
import { createMavRepository } from './mav/mav.repository.js';
import { createOutageRepository } from './outages/outage.repository.js';
import { createPatchRepository } from './patches/patch.repository.js';
import { createSettingsRepository } from './settings/settings.repository.js';
import { createSiteRepository } from './sites/site.repository.js';
import { createTemplateRepository } from './templates/template.repository.js';
import { createUserRepository } from './users/user.repository.js';
import { createSessionRepository } from './dashboard/session.repository.js';
import { createRoleRepository } from './access/role.repository.js';
import { createAuditRepository } from './audit/audit.repository.js';
import { createClientGroupRepository } from './client-groups/client-group.repository.js';
import { createOutboxRepository } from './mail/outbox.repository.js';
import { createThrottleRepository } from './throttle/throttle.repository.js';
import { createPersonalKeyRepository } from './personal-keys/personal-key.repository.js';
import { createSiteTokenRepository } from './sites/site-token.repository.js';
import { createDeviceCredentialRepository } from './agent-protocol/device-credential.repository.js';
import { createCommandRepository } from './commands/command.repository.js';
import { createSweepClaimRepository } from './agent-protocol/sweep-claim.repository.js';

/** Every repository over one database: the only code that speaks SQL. */
export function createRepositories(db: Db) {
  return {
    accounts: createAccountRepository(db),
    apiKeys: createApiKeyRepository(db),
    clients: createClientRepository(db),
    sites: createSiteRepository(db),
    devices: createDeviceRepository(db),
    checks: createCheckRepository(db),
    outages: createOutageRepository(db),
    templates: createTemplateRepository(db),
    users: createUserRepository(db),
    history: createHistoryRepository(db),
    mob: createMobRepository(db),
    antivirus: createAvRepository(db),
    assets: createAssetRepository(db),
    patches: createPatchRepository(db),
    mav: createMavRepository(db),
    settings: createSettingsRepository(db),
    adUsers: createAdUserRepository(db),
    sessions: createSessionRepository(db),
    roles: createRoleRepository(db),
    audit: createAuditRepository(db),
    clientGroups: createClientGroupRepository(db),
    outbox: createOutboxRepository(db),
    throttle: createThrottleRepository(db),
    personalKeys: createPersonalKeyRepository(db),
    siteTokens: createSiteTokenRepository(db),
    deviceCredentials: createDeviceCredentialRepository(db),
    commands: createCommandRepository(db),
    sweepClaims: createSweepClaimRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

/** Runs `work` over repositories bound to one transaction: everything it writes commits together, or nothing does. */
export function inTransaction<T>(db: Db, work: (repos: Repositories) => Promise<T>): Promise<T> {
  return transaction(db, (trx) => work(createRepositories(trx)));
}
