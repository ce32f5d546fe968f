import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { constantTimeEqual } from '../lib/secrets.js';
import { DASHBOARD_JS } from './assets/client-script.js';
import { DASHBOARD_CSS } from './assets/styles.js';
import type { SafeHtml } from './html.js';
import { csrfTokenFor, SESSION_LIFETIME_SECONDS, type SessionUser } from './session.service.js';
import type { PageContext } from './views/layout.js';

export const SESSION_COOKIE = 'sl_session';
/** A signed-out browser's random secret, so the login form has a CSRF token too (no login CSRF). */
export const PRE_SESSION_COOKIE = 'sl_pre';

/** The three static files, with content-hashed URLs so they can be cached for a year. */
export function loadAssets() {
  const require = createRequire(import.meta.url);
  const htmxPath = join(dirname(require.resolve('htmx.org/package.json')), 'dist', 'htmx.min.js');
  const files = {
    css: { body: DASHBOARD_CSS, type: 'text/css; charset=utf-8', name: 'dashboard.css' },
    js: { body: DASHBOARD_JS, type: 'text/javascript; charset=utf-8', name: 'dashboard.js' },
    htmx: { body: readFileSync(htmxPath, 'utf8'), type: 'text/javascript; charset=utf-8', name: 'htmx.min.js' },
  };
  const url = (f: { body: string; name: string }) => `/assets/${f.name}?v=${createHash('sha256').update(f.body).digest('hex').slice(0, 12)}`;
  return { files, urls: { css: url(files.css), js: url(files.js), htmx: url(files.htmx) } };
}

export type Assets = ReturnType<typeof loadAssets>;

/** What the dashboard knows about a request once the session hook has run. */
export type DashboardState = {
  user: SessionUser | null;
  sessionToken: string | null;
  csrfSecret: string;
  /** Whether this request took one of its address's password tries (a right password gives it back). */
  tookPasswordTry?: boolean;
};

declare module 'fastify' {
  interface FastifyRequest {
    dashboard: DashboardState;
    /**
     * The signed-in user, in the dashboard's authenticated scope (whose hook has refused every request
     * without one); reading it anywhere else throws.
     */
    sessionUser: SessionUser;
  }
}

export function cookieOptions(secure: boolean, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, signed: true, maxAge };
}

/** Reads a signed cookie; a missing, tampered or unsigned value reads as null. */
export function readSignedCookie(request: FastifyRequest, name: string): string | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const result = request.unsignCookie(raw);
  return result.valid && result.value ? result.value : null;
}

/** The signed-out secret of this browser, created (and set as a cookie) on first sight. */
export function ensurePreSessionSecret(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readSignedCookie(request, PRE_SESSION_COOKIE);
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  reply.setCookie(PRE_SESSION_COOKIE, secret, cookieOptions(secure, SESSION_LIFETIME_SECONDS));
  return secret;
}

/** Whether a state-changing request carries this session's CSRF token (form field or htmx header). */
export function hasValidCsrfToken(request: FastifyRequest): boolean {
  const header = request.headers['x-csrf-token'];
  const body = request.body as Record<string, unknown> | undefined;
  const presented = typeof header === 'string' ? header : typeof body?._csrf === 'string' ? body._csrf : '';
  return presented.length > 0 && constantTimeEqual(presented, csrfTokenFor(request.dashboard.csrfSecret));
}

export function pageContext(request: FastifyRequest, assets: Assets): PageContext {
  return {
    csrfToken: csrfTokenFor(request.dashboard.csrfSecret),
    assets: assets.urls,
    user: request.dashboard.user ?? undefined,
  };
}

/** Sends the browser elsewhere; htmx requests get HX-Redirect so the whole page changes. */
export function redirect(request: FastifyRequest, reply: FastifyReply, url: string) {
  if (request.headers['hx-request'] === 'true') {
    return reply.header('hx-redirect', url).code(204).send();
  }
  return reply.redirect(url, 303);
}

/** Answers an HTML page or fragment. */
export function sendHtml(reply: FastifyReply, body: string | SafeHtml, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(typeof body === 'string' ? body : body.value);
}

/** An htmx request that swaps a fragment into the page (not a boosted link or form, which swap the whole body). */
export function isFragmentRequest(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true';
}

/**
 * What a route group of the authenticated scope gets; it registers its routes on the scope it is given,
 * where every request already carries `request.sessionUser`.
 */
export type DashboardRouteContext = { assets: Assets };

/** A group of signed-in routes (the fleet, settings, users); `registerDashboard` runs each in its authenticated scope. */
export type DashboardRoutes = (scope: FastifyInstance, ctx: DashboardRouteContext) => void;
