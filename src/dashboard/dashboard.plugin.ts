import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, errors, type ErrorCodeName } from '../errors.js';
import type { AddressLimiter } from '../throttle/address-limiter.js';
import {
  type Assets, type DashboardRoutes, ensurePreSessionSecret, hasValidCsrfToken, isFragmentRequest, loadAssets, pageContext, readSignedCookie,
  sendHtml, SESSION_COOKIE,
} from './dashboard.context.js';
import { registerFleetRoutes } from './dashboard.routes.js';
import type { FleetService } from './fleet.service.js';
import type { Refusal } from './form.js';
import { registerLoginRoutes } from './login.routes.js';
import type { SessionService } from './session.service.js';
import { expiredFormPage, failurePage, refusalFragment, refusalPage } from './views/error.view.js';
import type { PageContext } from './views/layout.js';

export type DashboardDeps = {
  sessions: SessionService;
  fleet: FleetService;
  /** Failed password tries per address (SIGHTLINE_PASSWORD_TRIES_PER_MINUTE), for routes that check one. */
  passwordTries: AddressLimiter;
  /** Signs cookies; random per process when not configured (sessions then end on restart). */
  cookieSecret: string | undefined;
  publicUrl: string;
};

/**
 * The dashboard: server-rendered HTML with htmx, in a plugin of its own so its cookie, session, CSRF and
 * error handling never touch `/api/`. The log-in routes and the assets are public; everything else
 * (`more`, and the fleet views) registers in an authenticated child scope whose hook refuses a request
 * without a session before any route runs. Routes know HTTP and HTML only: the services decide who may
 * do what, and the one error handler turns their refusals into pages and form messages.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps, more: DashboardRoutes[] = []) {
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
        return sendHtml(reply, expiredFormPage(pageContext(request, assets)), 403);
      }
      // Before any password is checked (scrypt is the costliest work a signed-out request can cause):
      // an address out of tries gets 429 without it. A right password gives its try back (onResponse).
      const { passwordField, signedIn } = request.routeOptions.config;
      // A signed-out request to a signed-in form checks no password: the next hook sends it to log in.
      if (passwordField && (user || !signedIn)) {
        const verdict = deps.passwordTries.take(request.ip);
        if (!verdict.ok) throw errors.tooManyRequests(verdict.retryAfterSeconds, passwordField);
        request.dashboard.tookPasswordTry = true;
      }
    });
    scope.addHook('onResponse', async (request, reply) => {
      if (request.dashboard?.tookPasswordTry && reply.statusCode < 400) deps.passwordTries.giveBack(request.ip);
    });

    // No framing (the Regenerate button must not be clickjacked), scripts only from this server, no sniffing.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      reply.header('x-frame-options', 'DENY');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
    });

    scope.setErrorHandler(dashboardErrorHandler(assets));

    for (const file of Object.values(assets.files)) {
      scope.get(`/assets/${file.name}`, async (_request, reply) =>
        reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body),
      );
    }

    registerLoginRoutes(scope, { sessions: deps.sessions, assets, secure });

    await scope.register(async (signedIn) => {
      signedIn.addHook('onRoute', (route) => {
        route.config = { ...route.config, signedIn: true };
      });
      signedIn.decorateRequest('sessionUser', {
        getter(this: FastifyRequest) {
          if (!this.dashboard?.user) throw new Error('request.sessionUser read outside the authenticated scope');
          return this.dashboard.user;
        },
      });
      signedIn.addHook('preHandler', async (request, reply) => {
        if (request.dashboard.user) return;
        // htmx follows HX-Redirect with a full page load; the 401 keeps it from swapping anything first.
        if (request.headers['hx-request'] === 'true') return reply.code(401).header('hx-redirect', '/login').send();
        return reply.redirect('/login', 303);
      });
      for (const register of [registerFleetRoutes(deps.fleet), ...more]) register(signedIn, { assets });
    });
  });
}

/** HTTP statuses of the refusals a service may throw; `internal` (and anything unknown) is a failure. */
const REFUSAL_STATUS: Partial<Record<ErrorCodeName, number>> = {
  serviceUnknown: 404,
  loginFailed: 401,
  permissionDenied: 403,
  invalidValue: 422,
  missingParameter: 422,
  tooManyRequests: 429,
};

/** The refusal an error stands for, or null for a failure (a bug, an unreachable database) answered 500. */
function refusalOf(error: unknown): Refusal | null {
  if (error instanceof AppError) {
    const status = error.http?.status ?? REFUSAL_STATUS[error.code];
    return status === undefined ? null : { status, message: sentence(error.message), field: error.field };
  }
  if (error instanceof ZodError) {
    // A form body that fails its route's schema: the first problem, beside its field.
    const issue = error.issues[0];
    const field = issue?.path[0];
    return { status: 400, message: sentence(issue?.message ?? 'the form could not be read'), field: typeof field === 'string' ? field : undefined };
  }
  // Fastify's own 4xx (an unreadable or oversized body): refused before any route ran; its text stays in the log.
  const statusCode = (error as Partial<FastifyError>).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return { status: statusCode, message: 'The request could not be read.' };
  return null;
}

/**
 * The dashboard's one error handler. A refusal (an AppError a service threw, a form body failing its
 * schema) answers its 4xx: the route's form again with the message beside the field when the route has
 * one, else a page (or, for an htmx fragment, a message) saying why. Anything else is logged and
 * answered with a 500 page that shows no internals.
 */
function dashboardErrorHandler(assets: Assets) {
  const contextOf = (request: FastifyRequest): PageContext =>
    // An unreadable body is refused before the session hook has run.
    request.dashboard ? pageContext(request, assets) : { csrfToken: '', assets: assets.urls };

  const fail = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    request.log.error({ err: error, url: request.url }, 'dashboard request failed');
    return sendHtml(reply, failurePage(contextOf(request)), 500);
  };

  const refuse = (refusal: Refusal, request: FastifyRequest, reply: FastifyReply) => {
    const body = isFragmentRequest(request)
      ? refusalFragment(refusal.message)
      : refusalPage(contextOf(request), { status: refusal.status, section: request.url.startsWith('/settings') ? 'settings' : 'devices', message: refusal.message });
    return sendHtml(reply, body, refusal.status);
  };

  return async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // Error answers are about one request (a refused form may hold a key being emailed): never cached.
    reply.header('cache-control', 'no-store');
    const refusal = refusalOf(error);
    if (!refusal) return fail(error, request, reply);
    request.log.info({ url: request.url, status: refusal.status, field: refusal.field, reason: refusal.message }, 'dashboard request refused');
    if (error instanceof AppError) for (const [name, value] of Object.entries(error.http?.headers ?? {})) reply.header(name, value);
    const form = error instanceof AppError || error instanceof ZodError ? request.routeOptions.config.refusedForm : undefined;
    if (!form) return refuse(refusal, request, reply);
    try {
      return sendHtml(reply, await form(request, refusal), refusal.status);
    } catch (renderError) {
      // The page holding the form is refused too (a user without its permission posted to it): say that.
      const pageRefusal = refusalOf(renderError);
      return pageRefusal ? refuse(pageRefusal, request, reply) : fail(renderError, request, reply);
    }
  };
}

/** A service's message as a sentence on the page (services write them lower-case, as the API sends them). */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
