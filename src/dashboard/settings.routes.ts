import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyService } from '../api-keys/api-key.service.js';
import { AppError } from '../errors.js';
import { pageContext, type DashboardRouteContext } from './dashboard.context.js';
import type { ApiPanelService } from './api-panel.service.js';
import { html, type SafeHtml } from './html.js';
import { apiPanel, emailTokenForm, newKeyDialog, type PersonalKeyState } from './views/api.view.js';
import type { PageContext } from './views/layout.js';
import { forbiddenPage, generalSettingsPage, settingsHome } from './views/settings.view.js';
import { Permission } from '../access/permissions.js';

export type SettingsDeps = { apiPanel: ApiPanelService; apiKeys: ApiKeyService };

const sendHtml = (reply: FastifyReply, body: string | SafeHtml, status = 200) =>
  reply.code(status).type('text/html; charset=utf-8').send(typeof body === 'string' ? body : body.value);

const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true';

/** Settings > General Settings (and its API tab). */
export function registerSettingsRoutes(deps: SettingsDeps) {
  return (scope: FastifyInstance, { assets, requireUser }: DashboardRouteContext) => {
    scope.get('/settings', async (request, reply) => {
      if (!requireUser(request, reply)) return reply;
      return sendHtml(reply, settingsHome(pageContext(request, assets)));
    });

    scope.get('/settings/general', async (request, reply) => {
      if (!requireUser(request, reply)) return reply;
      const ctx = pageContext(request, assets);
      const user = ctx.user!;
      if (!user.actor.permissions.has(Permission.generalSettings)) return sendHtml(reply, forbiddenPage(ctx, 'General Settings'), 403);
      const body = html`<div class="panel-body"><dl class="facts">
        <div><dt>Account</dt><dd>${user.accountName}</dd></div>
        <div><dt>Timezone</dt><dd>${user.timezone}</dd></div>
        <div><dt>Your client group</dt><dd>${user.clientGroupName}</dd></div>
      </dl></div>`;
      return sendHtml(reply, generalSettingsPage(ctx, { tab: 'account', showApi: deps.apiPanel.maySee(user), body }));
    });

    /** The API page, optionally with a dialog already open (the no-JavaScript path of Generate / Email Token). */
    const apiPage = async (ctx: PageContext, dialog: SafeHtml | null = null, personal: PersonalKeyState = {}) => {
      const overview = await deps.apiPanel.overview(ctx.user!);
      let body = apiPanel(ctx, overview, personal);
      if (dialog) body = html`${body}${dialog}`;
      return generalSettingsPage(ctx, { tab: 'api', showApi: true, body });
    };

    const allowedApiUser = (request: FastifyRequest, reply: FastifyReply): PageContext | null => {
      if (!requireUser(request, reply)) return null;
      const ctx = pageContext(request, assets);
      if (!deps.apiPanel.maySee(ctx.user!)) {
        void sendHtml(reply, forbiddenPage(ctx, 'the API page (it needs General Settings, and not a Classic role)'), 403);
        return null;
      }
      return ctx;
    };

    scope.get('/settings/general/api', async (request, reply) => {
      const ctx = allowedApiUser(request, reply);
      if (!ctx) return reply;
      return sendHtml(reply, await apiPage(ctx));
    });

    scope.post('/settings/general/api/key', async (request, reply) => {
      const ctx = allowedApiUser(request, reply);
      if (!ctx) return reply;
      const key = await deps.apiKeys.generate(ctx.user!.actor, request.ip);
      const dialog = newKeyDialog(ctx, key, await deps.apiKeys.queryUrlOf(ctx.user!.accountId));
      // The key exists in plain text only in this response: never cache it.
      reply.header('cache-control', 'no-store');
      if (isHtmx(request)) return sendHtml(reply, dialog);
      return sendHtml(reply, await apiPage(ctx, dialog));
    });

    scope.post('/settings/general/api/personal-keys', async (request, reply) => {
      const ctx = allowedApiUser(request, reply);
      if (!ctx) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = (name: string, max: number) => (typeof body[name] === 'string' ? (body[name] as string).slice(0, max) : '');
      const values = { name: text('name', 100), scope: text('scope', 20), expires: text('expires', 20) };
      reply.header('cache-control', 'no-store');
      try {
        const created = await deps.apiPanel.createPersonalKey(ctx.user!, request.ip, values);
        return sendHtml(reply, await apiPage(ctx, null, { created: { name: created.name, key: created.key } }));
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'internal') throw error;
        const field = /expir|date/i.test(error.message) ? 'expires' : /scope/i.test(error.message) ? 'scope' : 'name';
        return sendHtml(reply, await apiPage(ctx, null, { values, error: { field, message: capitalise(error.message) } }), 422);
      }
    });

    scope.post('/settings/general/api/personal-keys/revoke', async (request, reply) => {
      const ctx = allowedApiUser(request, reply);
      if (!ctx) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const name = typeof body.name === 'string' ? body.name.slice(0, 100) : '';
      try {
        await deps.apiPanel.revokePersonalKey(ctx.user!, request.ip, name);
        return sendHtml(reply, await apiPage(ctx, null, { notice: `Key "${name}" revoked: it stops working at once.` }));
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'internal') throw error;
        return sendHtml(reply, await apiPage(ctx, null, { error: { field: 'name', message: capitalise(error.message) } }), 422);
      }
    });

    scope.post('/settings/general/api/email', async (request, reply) => {
      const ctx = allowedApiUser(request, reply);
      if (!ctx) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const to = typeof body.to === 'string' ? body.to.slice(0, 320) : '';
      const key = typeof body.key === 'string' ? body.key.slice(0, 64) : '';
      let form: SafeHtml;
      let status = 200;
      if (!to.trim()) {
        form = emailTokenForm(ctx, key, { to, error: 'Enter the email address to send the token to' });
        status = 422;
      } else {
        try {
          await deps.apiKeys.email(ctx.user!.actor, request.ip, { to, key });
          form = emailTokenForm(ctx, key, { sentTo: to.trim() });
        } catch (error) {
          if (!(error instanceof AppError) || error.code === 'internal') throw error;
          form = emailTokenForm(ctx, key, { to, error: capitalise(error.message) });
          status = 422;
        }
      }
      reply.header('cache-control', 'no-store');
      if (isHtmx(request)) return sendHtml(reply, form, status);
      const dialog = html`<dialog data-autoshow open aria-labelledby="email-title"><div class="dialog-head"><h2 id="email-title">Email API Token</h2></div>
        <div class="dialog-body">${form}</div><div class="dialog-foot"><form method="dialog"><button class="btn primary" type="submit">OK</button></form></div></dialog>`;
      return sendHtml(reply, await apiPage(ctx, dialog), status);
    });
  };
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
