import type { AccessService, Actor } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import { type Caller, personalKeyLabel, scopeOf } from '../access/scope.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { coalescedIncrements } from '../lib/coalesced.js';
import { isAddressAllowed } from '../lib/networks.js';
import type { Repositories } from '../repositories.js';
import { constantTimeEqual, isWellFormedPersonalKey, newPersonalApiKey, personalKeyDisplayPrefix, sha256Hex } from '../lib/secrets.js';
import type { UserRow } from '../users/user.repository.js';
import type { PersonalKeyRepository } from './personal-key.repository.js';

export const PERSONAL_KEY_SCOPES = ['read', 'read-write'] as const;
export type PersonalKeyScope = (typeof PERSONAL_KEY_SCOPES)[number];

/** Keys one user may hold; enough for every script and integration, bounded so a bug cannot flood the table. */
const MAX_KEYS_PER_USER = 50;

const invalid = errors.invalidValueMessage;

/**
 * Named personal API keys (ours): any user creates keys for itself, each acting as that user with the
 * intersection of the key's scope, the user's role and the user's client group, all read per request.
 */
export function createPersonalKeyService(deps: { keys: PersonalKeyRepository; access: AccessService; write: AuditedWrite<Pick<Repositories, 'personalKeys'>>; clock: Clock }) {
  const { keys, access, write, clock } = deps;
  // One key's calls of one service arriving together are counted by one write (see coalescedIncrements),
  // so a script calling in parallel, from one process or several, does not queue on the key's rows.
  const countUse = coalescedIncrements(async (keyAndService, calls) => {
    const [keyId, service] = JSON.parse(keyAndService) as [number, string];
    await keys.recordUse(keyId, service, epochSeconds(clock), calls);
  });

  /** Keys are personal: a user manages its own; managing another's needs User Accounts (e.g. to revoke a leak). */
  function requireOwnerOrUserManager(actor: Actor, owner: UserRow, what: string): void {
    if (actor.accountId !== owner.account_id) throw invalid('no such user in this account');
    if (actor.userId === owner.id) return;
    access.require(actor, Permission.userAccounts, `${what} another user's API keys`);
  }

  return {
    /** Creates a key for `owner`; returns it in plain text (the only time it exists readable). */
    async create(actor: Actor, sourceAddress: string, owner: UserRow, input: { name: string; scope?: string; expiresAt?: Date | null }) {
      // Creating is stricter than listing: nobody mints a key that acts as somebody else, except the operator.
      if (actor.userId !== owner.id && actor.userId !== null) throw errors.permissionDenied('users create personal API keys only for themselves');
      if (actor.accountId !== owner.account_id) throw invalid('no such user in this account');
      const name = input.name.trim();
      if (!name || name.length > 100) throw invalid('a key name must be 1 to 100 characters', 'name');
      const scope = input.scope ?? 'read';
      if (!(PERSONAL_KEY_SCOPES as readonly string[]).includes(scope)) throw invalid(`a key scope is ${PERSONAL_KEY_SCOPES.join(' or ')}`, 'scope');
      const now = epochSeconds(clock);
      let expiresAt: number | null = null;
      if (input.expiresAt) {
        expiresAt = Math.floor(input.expiresAt.getTime() / 1000);
        if (!Number.isFinite(expiresAt) || expiresAt <= now) throw invalid('a key expiry must be a valid time in the future', 'expires');
      }
      if (await keys.findByName(owner.account_id, owner.id, name)) throw invalid(`${owner.email} already has a key named "${name}"`, 'name');
      if ((await keys.listByUser(owner.account_id, owner.id)).length >= MAX_KEYS_PER_USER) throw invalid(`at most ${MAX_KEYS_PER_USER} keys per user`, 'name');
      const key = newPersonalApiKey();
      const prefix = personalKeyDisplayPrefix(key);
      await write(async ({ repos, audit }) => {
        await repos.personalKeys.create({ accountId: owner.account_id, userId: owner.id, name, prefix, keyHash: sha256Hex(key), scope: scope as PersonalKeyScope, now, expiresAt });
        await audit.record(actor, sourceAddress, 'personal-key.create', `${owner.email}: "${name}" (${prefix}…, ${scope}${expiresAt ? `, expires ${new Date(expiresAt * 1000).toISOString()}` : ''})`);
      });
      return { key, name, prefix, scope, expiresAt };
    },

    /** Name, prefix, scope, created, last used, expiry, and calls per service. */
    async list(actor: Actor, owner: UserRow) {
      requireOwnerOrUserManager(actor, owner, 'listing');
      const rows = await keys.listByUser(owner.account_id, owner.id);
      const usage = await keys.usageOf(rows.map((r) => r.id));
      return rows.map((row) => ({
        ...row,
        usage: Object.fromEntries(usage.filter((u) => u.key_id === row.id).map((u) => [u.service, Number(u.calls)])),
      }));
    },

    async revoke(actor: Actor, sourceAddress: string, owner: UserRow, name: string): Promise<void> {
      requireOwnerOrUserManager(actor, owner, 'revoking');
      await write(async ({ repos, audit }) => {
        if (!(await repos.personalKeys.revoke(owner.account_id, owner.id, name))) throw invalid(`${owner.email} has no key named "${name}"`, 'name');
        await audit.record(actor, sourceAddress, 'personal-key.revoke', `${owner.email}: "${name}"`);
      });
    },

    /**
     * Resolves a presented personal key to its caller, or null when it is malformed, unknown, expired,
     * its user is inactive, or the address is outside the account's allow-list.
     */
    async authenticate(key: string, sourceAddress: string): Promise<Caller | null> {
      if (!isWellFormedPersonalKey(key)) return null;
      const hash = sha256Hex(key);
      const holder = await keys.findHolder(hash);
      if (!holder || !constantTimeEqual(holder.key_hash, hash)) return null;
      if (holder.active !== 1) return null;
      if (holder.expires_at !== null && holder.expires_at <= epochSeconds(clock)) return null;
      if (!isAddressAllowed(holder.api_allowed_networks, sourceAddress)) return null;
      const role = await access.roleOf({ account_id: holder.account_id, role: holder.role, custom_role_id: holder.custom_role_id });
      return {
        scope: scopeOf(holder),
        userId: holder.user_id,
        permissions: role.permissions,
        canWrite: holder.scope === 'read-write',
        timezone: holder.timezone,
        sourceAddress,
        keyLabel: personalKeyLabel(holder.key_name, holder.email),
        personalKeyId: holder.key_id,
      };
    },

    /** Counts a call; usage is informational, so a failure here (a key revoked mid-call) is not the caller's problem. */
    async recordUse(keyId: number, service: string): Promise<void> {
      await countUse(JSON.stringify([keyId, service.slice(0, 100)])).catch(() => undefined);
    },
  };
}

export type PersonalKeyService = ReturnType<typeof createPersonalKeyService>;
