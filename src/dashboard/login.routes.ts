import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Assets, cookieOptions, pageContext, PRE_SESSION_COOKIE, redirect, sendHtml, SESSION_COOKIE } from './dashboard.context.js';
import { fieldOf, filled, formRoute, formValues } from './form.js';
import { SESSION_LIFETIME_SECONDS, type SessionService } from './session.service.js';
import { loginPage } from './views/login.view.js';

const loginForm = z.object({
  email: filled('Enter your email address', 320),
  password: filled('Enter your password', 1024),
});

/** Log in and log out: the dashboard's public routes (the CSRF check covers them like every POST). */
export function registerLoginRoutes(scope: FastifyInstance, deps: { sessions: SessionService; assets: Assets; secure: boolean }) {
  const { sessions, assets, secure } = deps;

  scope.get('/login', async (request, reply) => {
    if (request.dashboard.user) return redirect(request, reply, '/');
    const notice = (request.query as Record<string, string>).signedout === '1' ? 'You have been logged out.' : undefined;
    return sendHtml(reply, loginPage(pageContext(request, assets), { email: '', notice }));
  });

  formRoute(scope, '/login', {
    schema: loginForm,
    passwordField: 'password',
    refused: async (request, refusal) => loginPage(pageContext(request, assets), {
      email: formValues(request).email ?? '',
      ...(fieldOf(refusal, ['password', 'email']) === 'email' ? { emailError: refusal.message } : { passwordError: refusal.message }),
    }),
  }, async (request, reply, { email, password }) => {
    const ctx = pageContext(request, assets);
    const result = await sessions.login({ email, password, sourceAddress: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
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

  // Public, so a session that has already ended can still clear its cookie.
  formRoute(scope, '/logout', { schema: z.object({}) }, async (request, reply) => {
    if (request.dashboard.sessionToken) await sessions.logout(request.dashboard.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login?signedout=1', 303);
  });
}
