import type { PersonalKeyService } from '../personal-keys/personal-key.service.js';
import type { Repositories } from '../repositories.js';
import { errors } from '../errors.js';
import type { UserService } from '../users/user.service.js';
import type { SessionUser } from './session.service.js';

/**
 * Settings > My account, open to every signed-in user whatever the role: its own password and its own
 * personal API keys. The services decide: a user changes only its own password (the current one checked)
 * and manages only its own keys (personal-key.service).
 */
export function createMyAccountService(deps: { repos: Repositories; users: UserService; personalKeys: PersonalKeyService }) {
  const { repos, users, personalKeys } = deps;

  async function ownerOf(user: SessionUser) {
    const owner = await repos.users.findById(user.accountId, user.userId);
    if (!owner) throw errors.invalidValueMessage('no such user in this account');
    return owner;
  }

  return {
    /** The user's personal keys: name, prefix, scope, created, last used, expiry, calls per service. */
    async personalKeys(user: SessionUser) {
      return personalKeys.list(user.actor, await ownerOf(user));
    },

    /** A personal key for the signed-in user; the plain key is returned once. */
    async createPersonalKey(user: SessionUser, sourceAddress: string, input: { name: string; scope: string; expires: string }) {
      let expiresAt: Date | null = null;
      if (input.expires) {
        // A date input gives YYYY-MM-DD; the key stops working at the end of that day (UTC).
        if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expires)) throw errors.invalidValueMessage('an expiry is a date such as 2027-01-31', 'expires');
        expiresAt = new Date(`${input.expires}T23:59:59Z`);
      }
      return personalKeys.create(user.actor, sourceAddress, await ownerOf(user), { name: input.name, scope: input.scope, expiresAt });
    },

    async revokePersonalKey(user: SessionUser, sourceAddress: string, name: string) {
      await personalKeys.revoke(user.actor, sourceAddress, await ownerOf(user), name);
    },

    /** Changes the user's own password; this session stays signed in, every other one ends. */
    async changePassword(user: SessionUser, sourceAddress: string, input: { current: string; password: string }) {
      await users.changeOwnPassword(user.actor, sourceAddress, { ...input, keepSessionId: user.sessionId });
    },
  };
}

export type MyAccountService = ReturnType<typeof createMyAccountService>;
