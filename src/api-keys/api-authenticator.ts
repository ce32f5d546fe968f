import type { Caller } from '../access/scope.js';
import { errors } from '../errors.js';
import { PERSONAL_KEY_PREFIX } from '../lib/secrets.js';
import type { PersonalKeyService } from '../personal-keys/personal-key.service.js';
import type { ApiKeyThrottle } from '../throttle/throttle.service.js';
import type { ApiKeyService } from './api-key.service.js';

/**
 * What the Data Extraction API needs to know about keys: who a presented key acts as (the account key or
 * a personal `slk_` key), throttling of bad keys, and per-key usage.
 */
export function createApiAuthenticator(deps: { apiKeys: ApiKeyService; personalKeys: PersonalKeyService; throttle: ApiKeyThrottle }) {
  const { apiKeys, personalKeys, throttle } = deps;
  return {
    /**
     * The caller a key acts as, or an error: "Login failed" (code 3) for a missing, wrong, expired or
     * revoked key or a refused address; once an address has sent too many bad keys, 429 with Retry-After.
     * The key is checked first, so a valid key is never throttled.
     */
    async authenticate(key: string | undefined, sourceAddress: string): Promise<Caller> {
      const caller = !key
        ? null
        : key.startsWith(PERSONAL_KEY_PREFIX)
          ? await personalKeys.authenticate(key, sourceAddress)
          : await apiKeys.authenticate(key, sourceAddress);
      if (caller) return caller;
      const verdict = await throttle.recordFailure(sourceAddress);
      throw verdict.blocked ? errors.tooManyRequests(verdict.retryAfterSeconds) : errors.loginFailed();
    },

    /** Counts a call made with a personal key (the account key is not counted: see docs/access-model.md). */
    async recordUse(caller: Caller, service: string): Promise<void> {
      if (caller.personalKeyId !== undefined) await personalKeys.recordUse(caller.personalKeyId, service);
    },
  };
}

export type ApiAuthenticator = ReturnType<typeof createApiAuthenticator>;
