import type { AccessService } from '../access/access.service.js';
import type { InstallationPackage, InstallationPackageService, PackageOs } from '../agent-protocol/installation-package.service.js';
import { AppError } from '../errors.js';
import type { Repositories } from '../repositories.js';
import { SITE_TOKEN_PERMISSION, type SiteTokenService } from '../sites/site-token.service.js';
import type { FleetService } from './fleet.service.js';
import { expiryOfDateInput } from './form.js';
import type { SessionUser } from './session.service.js';

type Deps = {
  repos: Repositories;
  siteTokens: SiteTokenService;
  installationPackages: InstallationPackageService;
  fleet: FleetService;
  access: AccessService;
};

/**
 * A site's settings page: Download agent (the API's get_site_installation_package, as the signed-in
 * user) and the site's enrolment tokens. Everything needs the Site Installation Package permission,
 * asked first; then a site that is missing or outside the user's client group is refused 404, the same
 * for both, before anything runs. The token and package services check, write and audit as usual.
 */
export function createSitePageService(deps: Deps) {
  const { repos, siteTokens, installationPackages, fleet, access } = deps;

  /** The site, when the user may manage its agents and sees it; else a 404 refusal (or 403 without the permission). */
  async function siteOf(user: SessionUser, siteId: number | undefined, what: string) {
    access.require(user.actor, SITE_TOKEN_PERMISSION, what);
    const site = siteId === undefined ? undefined : await repos.sites.findVisible(user.scope, siteId);
    if (!site) throw new AppError('invalidValue', 'This site does not exist, or is not in your client group.', { status: 404 }, 'siteid');
    return site;
  }

  return {
    /** The page: the site, its client, its tokens (newest first, never the token) and the tree beside it. */
    async page(user: SessionUser, siteId: number | undefined) {
      const site = await siteOf(user, siteId, "a site's agent settings");
      const [client, tokens, tree] = await Promise.all([
        repos.clients.findVisible(user.scope, site.client_id),
        siteTokens.list(user.actor, user.scope, site.id),
        fleet.tree(user.scope, site.client_id),
      ]);
      return { site, client, tokens, tree };
    },

    /** A new token (30 days unless the form names a last day); the plain token is returned this once. */
    async createToken(user: SessionUser, sourceAddress: string, siteId: number | undefined, expires: string) {
      const site = await siteOf(user, siteId, 'creating a site enrolment token');
      const expiresAt = expiryOfDateInput(expires) ?? undefined;
      return siteTokens.create(user.actor, user.scope, sourceAddress, site.id, { expiresAt });
    },

    /** Revokes the site's token with this display prefix (audited); enrolment with it fails from now on. */
    async revokeToken(user: SessionUser, sourceAddress: string, siteId: number | undefined, prefix: string): Promise<void> {
      const site = await siteOf(user, siteId, 'revoking a site enrolment token');
      await siteTokens.revoke(user.actor, user.scope, sourceAddress, site.id, prefix);
    },

    /**
     * The site's installation package, exactly as get_site_installation_package builds it (remote_worker):
     * the agent and a config with a new enrolment token, created and audited as the signed-in user. The
     * session user's actor was built by the access service on this request, so it stands for the API's
     * Caller (whose key user the API looks up the same way).
     */
    async installationPackage(user: SessionUser, sourceAddress: string, siteId: number | undefined, os: PackageOs): Promise<InstallationPackage> {
      const site = await siteOf(user, siteId, "downloading a site's installation package");
      return installationPackages.build(user.actor, user.scope, sourceAddress, site.id, { os, type: 'remote_worker' });
    },
  };
}

export type SitePageService = ReturnType<typeof createSitePageService>;
