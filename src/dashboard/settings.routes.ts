import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import type { ApiPanelService } from './api-panel.service.js';
import { type DashboardRoutes, isFragmentRequest, pageContext, sendHtml } from './dashboard.context.js';
import { registerPersonalKeyForms } from './account.routes.js';
import { filled, formRoute, formValues, text } from './form.js';
import { html, type SafeHtml } from './html.js';
import { API_PAGE_PERSONAL_KEYS_URL, apiPanel, emailTokenForm, newKeyDialog, type PersonalKeyState } from './views/api.view.js';
import { generalSettingsPage, settingsHome } from './views/settings.view.js';

export type SettingsDeps = { apiPanel: ApiPanelService; apiKeys: ApiKeyService };

const emailForm = z.object({ to: filled('Enter the email address to send the token to', 320), key: text(64) });

/** Settings > General Settings (and its API tab). The API panel service decides who may see and do what. */
export function registerSettingsRoutes(deps: SettingsDeps): DashboardRoutes {
  return (scope, { assets }) => {
    scope.get('/settings', async (request, reply) => sendHtml(reply, settingsHome(pageContext(request, assets))));

    scope.get('/settings/general', async (request, reply) => {
      const facts = deps.apiPanel.accountTab(request.sessionUser);
      const body = html`<div class="panel-body"><dl class="facts">
        <div><dt>Account</dt><dd>${facts.accountName}</dd></div>
        <div><dt>Timezone</dt><dd>${facts.timezone}</dd></div>
        <div><dt>Your client group</dt><dd>${facts.clientGroupName}</dd></div>
      </dl></div>`;
      return sendHtml(reply, generalSettingsPage(pageContext(request, assets), { tab: 'account', showApi: facts.showApi, body }));
    });

    /** The API page, optionally with a dialog already open (the no-JavaScript path of Generate / Email Token). */
    const apiPage = async (request: FastifyRequest, dialog: SafeHtml | null = null, personal: PersonalKeyState = {}) => {
      const ctx = pageContext(request, assets);
      const overview = await deps.apiPanel.overview(request.sessionUser);
      let body = apiPanel(ctx, overview, personal);
      if (dialog) body = html`${body}${dialog}`;
      return generalSettingsPage(ctx, { tab: 'api', showApi: true, body });
    };

    scope.get('/settings/general/api', async (request, reply) => sendHtml(reply, await apiPage(request)));

    formRoute(scope, '/settings/general/api/key', { schema: z.object({}) }, async (request, reply) => {
      const key = await deps.apiKeys.generate(request.sessionUser.actor, request.ip);
      const dialog = newKeyDialog(pageContext(request, assets), key, await deps.apiKeys.queryUrlOf(request.sessionUser.accountId));
      // The key exists in plain text only in this response: never cache it.
      reply.header('cache-control', 'no-store');
      return sendHtml(reply, isFragmentRequest(request) ? dialog : await apiPage(request, dialog));
    });

    registerPersonalKeyForms(scope, { url: API_PAGE_PERSONAL_KEYS_URL, page: (request, state) => apiPage(request, null, state), keys: deps.apiPanel });

    /** Email Token's answer: its form in place for htmx, else the API page with the form in an open dialog. */
    const emailAnswer = async (request: FastifyRequest, state: { to?: string; error?: string; sentTo?: string }) => {
      const form = emailTokenForm(pageContext(request, assets), formValues(request).key ?? '', state);
      if (isFragmentRequest(request)) return form;
      return apiPage(request, html`<dialog data-autoshow open aria-labelledby="email-title"><div class="dialog-head"><h2 id="email-title">Email API Token</h2></div>
        <div class="dialog-body">${form}</div><div class="dialog-foot"><form method="dialog"><button class="btn primary" type="submit">OK</button></form></div></dialog>`);
    };

    formRoute(scope, '/settings/general/api/email', {
      schema: emailForm,
      refused: (request, refusal) => emailAnswer(request, { to: formValues(request).to, error: refusal.message }),
    }, async (request, reply, { to, key }) => {
      // The form holds the key: never cache it.
      reply.header('cache-control', 'no-store');
      await deps.apiKeys.email(request.sessionUser.actor, request.ip, { to, key });
      return sendHtml(reply, await emailAnswer(request, { sentTo: to.trim() }));
    });
  };
}
