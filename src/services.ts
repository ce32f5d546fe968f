import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { createRepositories } from './repositories.js';
import { createAccountService } from './accounts/account.service.js';
import { createApiKeyService } from './api-keys/api-key.service.js';
import { createSeedRepository } from './seed/seed.repository.js';

export type ServiceDeps = { config: Config; database: DatabaseHandle; clock: Clock };

/** Repositories and the services over them: shared by the HTTP app and the CLI. */
export function createServices(deps: ServiceDeps) {
  const repos = createRepositories(deps.database.db);
  const { clock } = deps;
  return {
    repos,
    accounts: createAccountService({ accounts: repos.accounts, clock }),
    apiKeys: createApiKeyService({ apiKeys: repos.apiKeys, clock }),
    seedRepository: createSeedRepository(deps.database.db),
  };
}

export type Services = ReturnType<typeof createServices>;
