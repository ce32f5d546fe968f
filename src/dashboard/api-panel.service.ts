import { requireAccountApiKeyManager, type AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { Repositories } from '../repositories.js';
import type { MyAccountService } from './my-account.service.js';
import type { SessionUser } from './session.service.js';

/**
 * What Settings > General Settings shows (its Account and API tabs), gathered for one user. The rules
 * (who may open them, who may manage the account key) belong to the access service; every method asks
 * it before anything else, so the routes hold no checks of their own.
 */
export function createApiPanelService(deps: { repos: Repositories; apiKeys: ApiKeyService; myAccount: MyAccountService; access: AccessService }) {
  const { repos, apiKeys, myAccount, access } = deps;

  /** The API tab is open to whoever may manage the account key (access-model.md). */
  const requireApiPage = (user: SessionUser) => requireAccountApiKeyManager(access, user.actor, 'the API page');

  return {
    /** The Account tab: needs General Settings; says whether the API tab is open to this user too. */
    accountTab(user: SessionUser) {
      access.require(user.actor, Permission.generalSettings, 'General Settings');
      return {
        accountName: user.accountName,
        timezone: user.timezone,
        clientGroupName: user.clientGroupName,
        showApi: access.canManageAccountApiKey(user.actor),
      };
    },

    async overview(user: SessionUser) {
      requireApiPage(user);
      const [info, queryUrl, keys, usage] = await Promise.all([
        repos.apiKeys.info(user.accountId),
        apiKeys.queryUrlOf(user.accountId),
        myAccount.personalKeys(user),
        repos.personalKeys.usageByServiceOfAccount(user.accountId),
      ]);
      return {
        queryUrl,
        key: info ? { generatedAt: info.generated_at, generatedBy: info.generated_by ?? 'system (setup)' } : null,
        personalKeys: keys,
        usage: usage.map((u) => ({ service: u.service, calls: Number(u.calls) })),
      };
    },

    /** The API page's own personal-key form: My account's, behind the API page's rule. */
    async createPersonalKey(user: SessionUser, sourceAddress: string, input: { name: string; scope: string; expires: string }) {
      requireApiPage(user);
      return myAccount.createPersonalKey(user, sourceAddress, input);
    },

    async revokePersonalKey(user: SessionUser, sourceAddress: string, name: string) {
      requireApiPage(user);
      await myAccount.revokePersonalKey(user, sourceAddress, name);
    },
  };
}

export type ApiPanelService = ReturnType<typeof createApiPanelService>;
