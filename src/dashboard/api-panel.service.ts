import type { AccessService } from '../access/access.service.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { Repositories } from '../repositories.js';
import type { SessionUser } from './session.service.js';

/**
 * What Settings > General Settings > API shows, gathered for one user. The rules (who may manage the
 * account key) belong to the access service; this only assembles the page's facts.
 */
export function createApiPanelService(deps: { repos: Repositories; apiKeys: ApiKeyService; access: AccessService }) {
  const { repos, apiKeys, access } = deps;
  return {
    /** Whether the user sees the API page at all (access-model.md: who may generate). */
    maySee: (user: SessionUser) => access.canManageAccountApiKey(user.actor),

    async overview(user: SessionUser) {
      const [info, queryUrl] = await Promise.all([repos.apiKeys.info(user.accountId), apiKeys.queryUrlOf(user.accountId)]);
      return {
        queryUrl,
        key: info ? { generatedAt: info.generated_at, generatedBy: info.generated_by ?? 'system (setup)' } : null,
      };
    },
  };
}

export type ApiPanelService = ReturnType<typeof createApiPanelService>;
