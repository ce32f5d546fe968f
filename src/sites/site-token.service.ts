import type { AccessService, Actor } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { Scope } from '../access/scope.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { AppError } from '../errors.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import { SITE_TOKEN_PREFIX, constantTimeEqual, isPrefixedSecret, newPrefixedSecret, secretDisplayPrefix, sha256Hex } from '../lib/secrets.js';
import type { SiteRepository } from './site.repository.js';
import type { SiteTokenRepository } from './site-token.repository.js';

/** A token lives this long unless its creator chooses otherwise. */
export const SITE_TOKEN_DEFAULT_DAYS = 30;

/**
 * Who may create, list and revoke site enrolment tokens: N-sight's "Site Installation Package"
 * permission, the one that governs downloading a site's installation package (which creates a token).
 * Superuser and Administrator have it by default; Standard and Client do not.
 */
export const SITE_TOKEN_PERMISSION = Permission.siteInstallationPackage;

export type SiteTokenState = 'active' | 'expired' | 'revoked';

/** The site an accepted token enrols into. */
export type EnrolmentSite = { tokenId: number; accountId: number; clientId: number; siteId: number };

type Deps = { tokens: SiteTokenRepository; sites: SiteRepository; access: AccessService; write: AuditedWrite<Pick<Repositories, 'siteTokens'>>; clock: Clock };

/**
 * Site enrolment tokens: random (`slt_` + 256 bits), bound to one account and site, expiring (30 days by
 * default), revocable, stored only as sha256 and shown once. Every change is audited with its actor.
 */
export function createSiteTokenService(deps: Deps) {
  const { tokens, sites, access, write, clock } = deps;

  /** The site when the scope sees it; the same error whether it is missing or outside the scope. */
  async function requireSite(actor: Actor, scope: Scope, siteId: number, what: string) {
    access.require(actor, SITE_TOKEN_PERMISSION, what);
    const site = await sites.findVisible(scope, siteId);
    if (!site) throw new AppError('invalidValue', `no site ${siteId} in this account`, undefined, 'siteid');
    return site;
  }

  const stateOf = (row: { revoked_at: number | null; expires_at: number }, now: number): SiteTokenState =>
    row.revoked_at !== null ? 'revoked' : row.expires_at <= now ? 'expired' : 'active';

  return {
    /** Creates a token for a site; returns it in plain text, the only time it exists readable. */
    async create(actor: Actor, scope: Scope, sourceAddress: string, siteId: number, options: { expiresAt?: Date } = {}) {
      const site = await requireSite(actor, scope, siteId, 'creating a site enrolment token');
      const now = epochSeconds(clock);
      const expiresAt = options.expiresAt ? Math.floor(options.expiresAt.getTime() / 1000) : now + SITE_TOKEN_DEFAULT_DAYS * 86400;
      if (!Number.isFinite(expiresAt) || expiresAt <= now) throw new AppError('invalidValue', 'a token expiry must be a valid time in the future', undefined, 'expires');
      const token = newPrefixedSecret(SITE_TOKEN_PREFIX);
      const prefix = secretDisplayPrefix(SITE_TOKEN_PREFIX, token);
      await write(async ({ repos, audit }) => {
        await repos.siteTokens.create({ accountId: actor.accountId, siteId: site.id, tokenHash: sha256Hex(token), prefix, now, createdByUserId: actor.userId, createdBy: actor.label, expiresAt });
        await audit.record(actor, sourceAddress, 'site-token.create', `site ${site.id} "${site.name}": ${prefix}… expires ${new Date(expiresAt * 1000).toISOString()}`);
      });
      return { token, prefix, siteId: site.id, expiresAt };
    },

    /** The site's tokens, newest first: prefix, dates and state, never the token. */
    async list(actor: Actor, scope: Scope, siteId: number) {
      const site = await requireSite(actor, scope, siteId, 'listing site enrolment tokens');
      const now = epochSeconds(clock);
      const rows = await tokens.listBySite(actor.accountId, site.id);
      return rows.map((row) => ({ ...row, state: stateOf(row, now) }));
    },

    /** Revokes the site's token(s) with this display prefix: enrolment with them fails from now on. */
    async revoke(actor: Actor, scope: Scope, sourceAddress: string, siteId: number, prefix: string): Promise<number> {
      const site = await requireSite(actor, scope, siteId, 'revoking a site enrolment token');
      return write(async ({ repos, audit }) => {
        const revoked = await repos.siteTokens.revokeByPrefix(actor.accountId, site.id, prefix, epochSeconds(clock));
        if (revoked === 0) throw new AppError('invalidValue', `site ${site.id} has no unrevoked token ${prefix}`, undefined, 'prefix');
        await audit.record(actor, sourceAddress, 'site-token.revoke', `site ${site.id} "${site.name}": ${prefix}…`);
        return revoked;
      });
    },

    /** The site a presented token enrols into, or null when it is malformed, unknown, expired or revoked. */
    async verify(token: string): Promise<EnrolmentSite | null> {
      if (!isPrefixedSecret(SITE_TOKEN_PREFIX, token)) return null;
      const hash = sha256Hex(token);
      const row = await tokens.findByHash(hash);
      if (!row || !constantTimeEqual(row.token_hash, hash)) return null;
      if (stateOf(row, epochSeconds(clock)) !== 'active') return null;
      return { tokenId: row.id, accountId: row.account_id, clientId: row.client_id, siteId: row.site_id };
    },

    /** Stamps the token's last use (an enrolment). */
    async markUsed(tokenId: number): Promise<void> {
      await tokens.markUsed(tokenId, epochSeconds(clock));
    },
  };
}

export type SiteTokenService = ReturnType<typeof createSiteTokenService>;
