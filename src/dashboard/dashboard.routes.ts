import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Permission } from '../access/permissions.js';
import type { DeviceType } from '../devices/device-type.js';
import {
  cookieOptions, type DashboardRouteContext, ensurePreSessionSecret, hasValidCsrfToken, loadAssets, pageContext, PRE_SESSION_COOKIE,
  readSignedCookie, redirect, SESSION_COOKIE,
} from './dashboard.context.js';
import type { FleetService } from './fleet.service.js';
import { html } from './html.js';
import { SESSION_LIFETIME_SECONDS, type SessionService } from './session.service.js';
import { devicePage, notFoundPage } from './views/device.view.js';
import { clientTree, devicesPage, devicesUrl } from './views/devices.view.js';
import { barePage, page } from './views/layout.js';
import { loginPage } from './views/login.view.js';

export type DashboardDeps = {
  sessions: SessionService;
  fleet: FleetService;
  /** Signs cookies; random per process when not configured (sessions then end on restart). */
  cookieSecret: string | undefined;
  publicUrl: string;
};


/**
 * The dashboard: server-rendered HTML with htmx, in a plugin of its own so its cookie, session and CSRF
 * hooks never touch `/api/`. Routes know HTTP and HTML only; the services decide.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps, more: ((scope: FastifyInstance, ctx: DashboardRouteContext) => void)[] = []) {
  const assets = loadAssets();
  const secure = deps.publicUrl.startsWith('https:');

  await app.register(async (scope) => {
    await scope.register(cookie, { secret: deps.cookieSecret ?? randomBytes(32).toString('hex') });

    scope.decorateRequest('dashboard', null as never);
    scope.addHook('preHandler', async (request, reply) => {
      if (request.url.startsWith('/assets/')) return;
      const token = readSignedCookie(request, SESSION_COOKIE);
      const user = token ? await deps.sessions.authenticate(token) : null;
      if (token && !user) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      const csrfSecret = user && token ? token : ensurePreSessionSecret(request, reply, secure);
      request.dashboard = { user, sessionToken: user ? token : null, csrfSecret };
      // One check for every state-changing request: a form or htmx call must carry this session's token.
      if (request.method !== 'GET' && request.method !== 'HEAD' && !hasValidCsrfToken(request)) {
        request.log.warn({ url: request.url }, 'dashboard request refused: missing or wrong CSRF token');
        return reply.code(403).type('text/html; charset=utf-8').send(
          barePage(pageContext(request, assets), 'Refused',
            html`<main class="login-page"><div class="login-card"><h1>This form has expired</h1>
            <p role="alert">The request was refused because it did not carry a valid security token. Go back, reload the page and try again.</p>
            <a class="btn primary" href="/">Reload the dashboard</a></div></main>`),
        );
      }
    });

    // No framing (the Regenerate button must not be clickjacked), scripts only from this server, no sniffing.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      reply.header('x-frame-options', 'DENY');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
    });

    scope.setErrorHandler((error, request, reply) => {
      request.log.error({ err: error, url: request.url }, 'dashboard request failed');
      const body = html`<div class="panel"><div class="panel-body"><h1>Something went wrong</h1><p role="alert">The page could not be shown. The error has been logged; try again in a moment.</p><a class="btn" href="/">Back to All Devices</a></div></div>`;
      const ctx = request.dashboard ? pageContext(request, assets) : undefined;
      reply.code(500).type('text/html; charset=utf-8');
      return ctx?.user ? page(ctx, { title: 'Error', section: 'devices', body }) : 'Something went wrong';
    });

    for (const file of Object.values(assets.files)) {
      scope.get(`/assets/${file.name}`, async (_request, reply) =>
        reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body),
      );
    }

    const requireUser = (request: FastifyRequest, reply: FastifyReply): boolean => {
      if (request.dashboard.user) return true;
      void redirect(request, reply, '/login');
      return false;
    };
    const sendHtml = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

    /** The fleet views need the Devices permission (a Client role has none unless a custom role adds it). */
    const mayViewDevices = (request: FastifyRequest, reply: FastifyReply): boolean => {
      if (!requireUser(request, reply)) return false;
      if (request.dashboard.user!.actor.permissions.has(Permission.devices)) return true;
      const ctx = pageContext(request, assets);
      void sendHtml(reply, page(ctx, {
        title: 'All Devices',
        section: 'devices',
        body: html`<div class="panel"><div class="panel-body"><h1>No device access</h1><p role="alert">Your role (${ctx.user!.actor.roleName}) does not include the Devices permission.</p></div></div>`,
      }), 403);
      return false;
    };

    // ---- Log in / log out -------------------------------------------------------------------------
    scope.get('/login', async (request, reply) => {
      if (request.dashboard.user) return redirect(request, reply, '/');
      const notice = (request.query as Record<string, string>).signedout === '1' ? 'You have been logged out.' : undefined;
      return sendHtml(reply, loginPage(pageContext(request, assets), { email: '', notice }));
    });

    scope.post('/login', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const ctx = pageContext(request, assets);
      if (!email.trim()) return sendHtml(reply, loginPage(ctx, { email, emailError: 'Enter your email address' }), 422);
      if (!password) return sendHtml(reply, loginPage(ctx, { email, passwordError: 'Enter your password' }), 422);
      const result = await deps.sessions.login({
        email, password, sourceAddress: request.ip, userAgent: String(request.headers['user-agent'] ?? ''),
      });
      if (!result.ok) {
        if (result.reason === 'locked') {
          const minutes = Math.ceil((result.retryAfterSeconds ?? 300) / 60);
          reply.header('retry-after', String(result.retryAfterSeconds ?? 300));
          return sendHtml(reply, loginPage(ctx, {
            email,
            formError: `Too many failed logins for this user from your address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          }), 429);
        }
        // One message for every refusal (wrong password, disabled user, Agent Key without dashboard
        // access), as the log-in service decides, so the form cannot be used to probe accounts.
        return sendHtml(reply, loginPage(ctx, {
          email,
          passwordError: 'The email or password is incorrect, or this user may not log in to the dashboard.',
        }), 401);
      }
      reply.setCookie(SESSION_COOKIE, result.token, cookieOptions(secure, SESSION_LIFETIME_SECONDS));
      reply.clearCookie(PRE_SESSION_COOKIE, { path: '/' });
      return reply.redirect('/', 303);
    });

    scope.post('/logout', async (request, reply) => {
      if (request.dashboard.sessionToken) await deps.sessions.logout(request.dashboard.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login?signedout=1', 303);
    });

    // ---- All Devices ------------------------------------------------------------------------------
    scope.get('/', async (request, reply) => {
      if (!mayViewDevices(request, reply)) return reply;
      const user = request.dashboard.user!;
      const q = request.query as Record<string, string | undefined>;
      const tab: DeviceType = q.tab === 'workstations' ? 'workstation' : 'server';
      const clientId = positiveId(q.client);
      const siteId = positiveId(q.site);
      const after = decodeCursor(q.after);
      const ctx = pageContext(request, assets);
      const list = await deps.fleet.listDevices(user.scope, { deviceType: tab, clientId, siteId, after });
      if (!list) return sendHtml(reply, notFoundPage(ctx, siteId !== undefined ? 'site' : 'client'), 404);
      const tree = await deps.fleet.tree(user.scope, list.client?.id);
      const filter = { tab, clientId: list.client?.id, siteId: list.site?.id };
      return sendHtml(reply, devicesPage(ctx, clientTree(tree, filter), {
        tab, client: list.client, site: list.site, rows: list.rows, counts: list.counts, now: list.now,
        nextUrl: list.next ? devicesUrl({ ...filter, after: encodeCursor(list.next) }) : undefined,
        firstUrl: after ? devicesUrl(filter) : undefined,
      }));
    });

    scope.get('/devices/:id', async (request, reply) => {
      if (!mayViewDevices(request, reply)) return reply;
      const user = request.dashboard.user!;
      const ctx = pageContext(request, assets);
      const id = positiveId((request.params as { id: string }).id);
      const detail = id === undefined ? null : await deps.fleet.device(user.scope, id);
      if (!detail) return sendHtml(reply, notFoundPage(ctx, 'device'), 404);
      const tree = await deps.fleet.tree(user.scope, detail.client?.id);
      const tab = detail.device.device_type === 'workstation' ? 'workstation' : 'server';
      return sendHtml(reply, devicePage(ctx, clientTree(tree, { tab, clientId: detail.client?.id, siteId: detail.site?.id }), detail));
    });

    for (const register of more) register(scope, { assets, requireUser });
  });
}

/** A decimal id from a query or path; anything else (including huge numbers) reads as absent. */
export function positiveId(value: string | undefined): number | undefined {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** The keyset cursor of the device list, opaque in the URL: base64url of [name, id]. */
export function encodeCursor(cursor: { name: string; id: number }): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): { name: string; id: number } | undefined {
  if (!value || value.length > 1400) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && Number.isSafeInteger(parsed[1])) return { name: parsed[0], id: parsed[1] };
  } catch {
    // A mangled cursor starts from the first page.
  }
  return undefined;
}
