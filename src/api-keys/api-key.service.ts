import { requireAccountApiKeyManager, type AccessService, type Actor } from '../access/access.service.js';
import { ACCOUNT_KEY_LABEL, type Caller, scopeOf } from '../access/scope.js';
import { ALL_PERMISSIONS } from '../access/permissions.js';
import type { AccountRepository } from '../accounts/account.repository.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { isValidEmailAddress } from '../lib/email-address.js';
import { isAddressAllowed, normaliseNetworks } from '../lib/networks.js';
import { Permission } from '../access/permissions.js';
import { ACCOUNT_KEY_PATTERN, constantTimeEqual, newAccountApiKey, sha256Hex } from '../lib/secrets.js';
import type { Mailer } from '../mail/mailer.js';
import type { Repositories } from '../repositories.js';
import type { ApiKeyRepository } from './api-key.repository.js';

export type ApiKeyServiceDeps = {
  apiKeys: ApiKeyRepository;
  accounts: AccountRepository;
  access: AccessService;
  /** Each change with its audit entry, in one transaction. */
  write: AuditedWrite<Pick<Repositories, 'apiKeys' | 'accounts'>>;
  mailer: Mailer;
  clock: Clock;
  /** The deployment's public URL, used when the account has none of its own. */
  publicUrl: string;
};

/** The account API key: generated here, stored hashed, checked on every API request. */
export function createApiKeyService(deps: ApiKeyServiceDeps) {
  const { apiKeys, accounts, access, write, mailer, clock } = deps;

  /** The URL to query, as the API page and the token email show it. */
  async function queryUrlOf(accountId: number): Promise<string> {
    const account = await accounts.findById(accountId);
    return `${(account?.public_url ?? deps.publicUrl).replace(/\/+$/, '')}/api/`;
  }

  return {
    queryUrlOf,

    /**
     * Generates a key without a permission check or audit entry: for setup code (demo seed, test
     * factories) that creates the account itself. Everything a person triggers goes through `generate`.
     */
    async regenerate(accountId: number, byUserId: number | null): Promise<string> {
      const key = newAccountApiKey();
      await apiKeys.replace(accountId, sha256Hex(key), epochSeconds(clock), byUserId);
      return key;
    },

    /**
     * Generate / Regenerate: replaces the account's key atomically (see the repository), so under concurrent
     * regenerations exactly one key is valid afterwards, exactly one is audited as the Generate, and the old
     * one fails on the next request in every process (nothing caches keys). The key and its entry commit
     * together. Returns the new key: the only time it exists in plain text.
     */
    async generate(actor: Actor, sourceAddress: string): Promise<string> {
      requireAccountApiKeyManager(access, actor);
      const key = newAccountApiKey();
      return write(async ({ repos, audit }) => {
        const replaced = await repos.apiKeys.replace(actor.accountId, sha256Hex(key), epochSeconds(clock), actor.userId);
        await audit.record(actor, sourceAddress, replaced ? 'apikey.regenerate' : 'apikey.generate');
        return key;
      });
    },

    /** Removes the key: every API call with it fails from the next request on. */
    async revoke(actor: Actor, sourceAddress: string): Promise<boolean> {
      requireAccountApiKeyManager(access, actor);
      return write(async ({ repos, audit }) => {
        const revoked = await repos.apiKeys.revoke(actor.accountId);
        await audit.record(actor, sourceAddress, 'apikey.revoke', revoked ? '' : 'no key to revoke');
        return revoked;
      });
    },

    /**
     * "Email API Token": mails the key and the URL to query, but only when `key` is the account's current
     * key (the key is stored only as a hash, so the caller presents the one shown after Generate). Without
     * SMTP it is refused (the outbox would keep the key readable in the database).
     */
    async email(actor: Actor, sourceAddress: string, input: { to: string; key: string }): Promise<{ delivery: Mailer['delivery'] }> {
      requireAccountApiKeyManager(access, actor);
      const to = input.to.trim();
      if (!isValidEmailAddress(to)) throw errors.invalidValueMessage(`"${input.to}" is not a valid email address`, 'to');
      const stored = await apiKeys.hashOf(actor.accountId);
      const presented = ACCOUNT_KEY_PATTERN.test(input.key) ? sha256Hex(input.key) : '';
      if (!stored || !constantTimeEqual(stored, presented)) {
        throw errors.invalidValueMessage('that is not the current API key of this account: regenerate to get one', 'key');
      }
      const account = await accounts.findById(actor.accountId);
      const url = await queryUrlOf(actor.accountId);
      await mailer.send({
        accountId: actor.accountId,
        to,
        subject: `Sightline API token for ${account?.name ?? 'your account'}`,
        secret: true,
        text: [
          `The API token (API key) of the Sightline account "${account?.name ?? ''}":`,
          '',
          `  ${input.key}`,
          '',
          `Server URL to query: ${url}`,
          `Example: ${url}?apikey=YOUR_KEY&service=list_clients`,
          '',
          'Keep this token secret: it gives the access of the Agent Key user.',
        ].join('\n'),
      });
      // Mail is no database change, so no transaction holds it with its entry: the entry follows the
      // SMTP server's acceptance (a mail refused is not logged as sent).
      await write(({ audit }) => audit.record(actor, sourceAddress, 'apikey.email', `to ${to} (${mailer.delivery})`));
      return { delivery: mailer.delivery };
    },

    /**
     * The optional per-account allow-list for API calls (account key and personal keys alike); an empty
     * list or null allows any address. Needs the Security permission.
     */
    async setAllowedNetworks(actor: Actor, sourceAddress: string, networks: string | null): Promise<string | null> {
      access.require(actor, Permission.security, 'changing the API address allow-list');
      const normalised = networks === null ? '' : normaliseNetworks(networks);
      if (typeof normalised !== 'string') throw errors.invalidValueMessage(normalised.error, 'networks');
      await write(async ({ repos, audit }) => {
        await repos.accounts.setApiAllowedNetworks(actor.accountId, normalised || null);
        await audit.record(actor, sourceAddress, 'apikey.allowed-networks', normalised || 'any address');
      });
      return normalised || null;
    },

    /**
     * Resolves a presented account key to the caller it acts as (the account's Agent Key user, with that
     * user's client group as it is now), or null when the key is unknown or the address is not allowed.
     */
    async authenticate(key: string, sourceAddress: string): Promise<Caller | null> {
      if (!ACCOUNT_KEY_PATTERN.test(key)) return null;
      const hash = sha256Hex(key);
      const holder = await apiKeys.findAccountKeyHolder(hash);
      if (!holder || !constantTimeEqual(holder.key_hash, hash)) return null;
      if (!isAddressAllowed(holder.api_allowed_networks, sourceAddress)) return null;
      return {
        scope: scopeOf(holder),
        userId: holder.user_id,
        // The Agent Key's role is fixed at full access (access-model.md).
        permissions: ALL_PERMISSIONS,
        canWrite: true,
        timezone: holder.timezone,
        sourceAddress,
        keyLabel: ACCOUNT_KEY_LABEL,
      };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
