import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PACKAGE_OS } from '../agent-protocol/installation-package.service.js';
import { attachmentHeader } from '../deapi/file-answer.js';
import { type DashboardRoutes, pageContext, sendHtml } from './dashboard.context.js';
import { formRoute, formValues, positiveId, type RefusedForm, text } from './form.js';
import type { SitePageService } from './site-page.service.js';
import { clientTree } from './views/devices.view.js';
import { sitePage, type SiteSettingsState } from './views/site.view.js';

export type SiteRoutesDeps = { sitePage: SitePageService };

const forms = {
  download: z.object({ os: z.enum(PACKAGE_OS, { error: 'Choose Linux, macOS or Windows' }) }),
  newToken: z.object({ expires: text(20) }),
  revoke: z.object({ prefix: text(40) }),
};

const siteIdOf = (request: FastifyRequest) => positiveId((request.params as { id: string }).id);

/**
 * A site's settings page (`/sites/:id`, linked from All Devices when a site is selected): Download agent
 * and the site's enrolment tokens. The site page service asks for the Site Installation Package
 * permission and answers a site outside the user's client group 404; the token and package services
 * write and audit. Like Settings > API's personal keys, a change needs no password re-entry.
 */
export function registerSiteRoutes(deps: SiteRoutesDeps): DashboardRoutes {
  return (scope, { assets }) => {
    const render = async (request: FastifyRequest, state: SiteSettingsState = {}) => {
      const found = await deps.sitePage.page(request.sessionUser, siteIdOf(request));
      const tree = clientTree(found.tree, { tab: 'server', clientId: found.client?.id, siteId: found.site.id });
      return sitePage(pageContext(request, assets), tree, found, state);
    };
    /** A refused submission: the page again, the message beside the form's one field. */
    const refusedBeside = (field: 'os' | 'expires' | 'prefix'): RefusedForm => (request, refusal) =>
      render(request, { values: formValues(request), error: { field, message: refusal.message } });

    scope.get('/sites/:id', async (request, reply) => sendHtml(reply, await render(request)));

    // A plain form post (not boosted): the browser saves the answer as a file and stays on the page.
    formRoute(scope, '/sites/:id/package', { schema: forms.download, refused: refusedBeside('os') }, async (request, reply, { os }) => {
      const file = await deps.sitePage.installationPackage(request.sessionUser, request.ip, siteIdOf(request), os);
      // The package holds a live enrolment token: never cache it.
      return reply.header('cache-control', 'no-store').type(file.contentType).header('content-disposition', attachmentHeader(file.filename)).send(file.body);
    });

    formRoute(scope, '/sites/:id/tokens', { schema: forms.newToken, refused: refusedBeside('expires') }, async (request, reply, { expires }) => {
      const created = await deps.sitePage.createToken(request.sessionUser, request.ip, siteIdOf(request), expires);
      // The token exists in plain text only in this response.
      reply.header('cache-control', 'no-store');
      return sendHtml(reply, await render(request, { created: { token: created.token, prefix: created.prefix } }));
    });

    formRoute(scope, '/sites/:id/tokens/revoke', { schema: forms.revoke, refused: refusedBeside('prefix') }, async (request, reply, { prefix }) => {
      await deps.sitePage.revokeToken(request.sessionUser, request.ip, siteIdOf(request), prefix);
      return sendHtml(reply, await render(request, { notice: `Token ${prefix}… revoked: no device can enrol with it any more.` }));
    });
  };
}
