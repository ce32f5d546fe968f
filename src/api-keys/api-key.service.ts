import type { Caller } from '../access/scope.js';
import { ALL_PERMISSIONS } from '../access/permissions.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { ACCOUNT_KEY_PATTERN, constantTimeEqual, newAccountApiKey, sha256Hex } from '../lib/secrets.js';
import type { ApiKeyRepository } from './api-key.repository.js';

/** The account API key: generated here, stored hashed, checked on every API request. */
export function createApiKeyService(deps: { apiKeys: ApiKeyRepository; clock: Clock }) {
  const { apiKeys, clock } = deps;
  return {
    /** Generates (or regenerates) the account's key; the previous one fails from the next request on. */
    async regenerate(accountId: number, byUserId: number | null): Promise<string> {
      const key = newAccountApiKey();
      await apiKeys.replace(accountId, sha256Hex(key), epochSeconds(clock), byUserId);
      return key;
    },

    /**
     * Resolves a presented key to the caller it acts as (the account's Agent Key user, with that user's
     * client group as it is now), or null when the key is unknown.
     */
    async authenticate(key: string, sourceAddress: string): Promise<Caller | null> {
      if (!ACCOUNT_KEY_PATTERN.test(key)) return null;
      const hash = sha256Hex(key);
      const holder = await apiKeys.findAccountKeyHolder(hash);
      if (!holder || !constantTimeEqual(holder.key_hash, hash)) return null;
      return {
        scope: { accountId: holder.account_id, clientGroupId: holder.is_all_clients ? null : holder.client_group_id },
        userId: holder.user_id,
        // The Agent Key's role is fixed at full access (access-model.md).
        permissions: ALL_PERMISSIONS,
        canWrite: true,
        timezone: holder.timezone,
        sourceAddress,
      };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
