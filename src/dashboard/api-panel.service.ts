import type { AccessService } from '../access/access.service.js';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { PersonalKeyService } from '../personal-keys/personal-key.service.js';
import type { Repositories } from '../repositories.js';
import { AppError } from '../errors.js';
import type { SessionUser } from './session.service.js';

/**
 * What Settings > General Settings > API shows, gathered for one user. The rules (who may manage the
 * account key) belong to the access service; this only assembles the page's facts.
 */
export function createApiPanelService(deps: { repos: Repositories; apiKeys: ApiKeyService; personalKeys: PersonalKeyService; access: AccessService }) {
  const { repos, apiKeys, personalKeys, access } = deps;

  async function ownerOf(user: SessionUser) {
    const owner = await repos.users.findById(user.accountId, user.userId);
    if (!owner) throw new AppError('invalidValue', 'no such user in this account');
    return owner;
  }
  return {
    /** Whether the user sees the API page at all (access-model.md: who may generate). */
    maySee: (user: SessionUser) => access.canManageAccountApiKey(user.actor),

    async overview(user: SessionUser) {
      const [info, queryUrl, keys, usage] = await Promise.all([
        repos.apiKeys.info(user.accountId),
        apiKeys.queryUrlOf(user.accountId),
        personalKeys.list(user.actor, await ownerOf(user)),
        repos.personalKeys.usageByServiceOfAccount(user.accountId),
      ]);
      return {
        queryUrl,
        key: info ? { generatedAt: info.generated_at, generatedBy: info.generated_by ?? 'system (setup)' } : null,
        personalKeys: keys,
        usage: usage.map((u) => ({ service: u.service, calls: Number(u.calls) })),
      };
    },

    /** A personal key for the signed-in user; the plain key is returned once. */
    async createPersonalKey(user: SessionUser, sourceAddress: string, input: { name: string; scope: string; expires: string }) {
      let expiresAt: Date | null = null;
      if (input.expires) {
        // A date input gives YYYY-MM-DD; the key stops working at the end of that day (UTC).
        if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expires)) throw new AppError('invalidValue', 'an expiry is a date such as 2027-01-31');
        expiresAt = new Date(`${input.expires}T23:59:59Z`);
      }
      return personalKeys.create(user.actor, sourceAddress, await ownerOf(user), { name: input.name, scope: input.scope, expiresAt });
    },

    async revokePersonalKey(user: SessionUser, sourceAddress: string, name: string) {
      await personalKeys.revoke(user.actor, sourceAddress, await ownerOf(user), name);
    },
  };
}

export type ApiPanelService = ReturnType<typeof createApiPanelService>;
