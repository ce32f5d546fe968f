import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type DashboardRoutes, pageContext, redirect, sendHtml } from './dashboard.context.js';
import { fieldOf, filled, formRoute, formValues, parseQuery, single, text } from './form.js';
import type { MyAccountService } from './my-account.service.js';
import type { SessionUser } from './session.service.js';
import { MY_PERSONAL_KEYS_URL, myAccountPage, type PasswordFormState } from './views/account.view.js';
import type { PersonalKeyState } from './views/api.view.js';

const personalKeyForm = z.object({ name: text(100), scope: text(20), expires: text(20) });
const revokeForm = z.object({ name: text(100) });
const passwordForm = z
  .object({ current: filled('Enter your current password', 1024), password: filled('Enter a new password', 1024), repeat: text(1024) })
  .refine((body) => body.repeat === body.password, { path: ['repeat'], message: 'The two new passwords differ' });

/**
 * The personal-key forms (create, revoke) posting under `url`, answered with `page` (the page holding
 * them): My account's, and the API page's, which add that page's own rule through `keys`.
 */
export function registerPersonalKeyForms(scope: FastifyInstance, options: {
  url: string;
  page: (request: FastifyRequest, state: PersonalKeyState) => Promise<string>;
  keys: {
    createPersonalKey(user: SessionUser, sourceAddress: string, input: z.output<typeof personalKeyForm>): Promise<{ name: string; key: string }>;
    revokePersonalKey(user: SessionUser, sourceAddress: string, name: string): Promise<void>;
  };
}): void {
  const { url, page, keys } = options;
  formRoute(scope, url, {
    schema: personalKeyForm,
    refused: (request, refusal) => page(request, { values: formValues(request), error: { field: fieldOf(refusal, ['name', 'scope', 'expires']), message: refusal.message } }),
  }, async (request, reply, body) => {
    // The answer holds the new key, the only time it exists in plain text: never cache it.
    reply.header('cache-control', 'no-store');
    const created = await keys.createPersonalKey(request.sessionUser, request.ip, body);
    return sendHtml(reply, await page(request, { created: { name: created.name, key: created.key } }));
  });

  formRoute(scope, `${url}/revoke`, {
    schema: revokeForm,
    refused: (request, refusal) => page(request, { error: { field: 'name', message: refusal.message } }),
  }, async (request, reply, { name }) => {
    await keys.revokePersonalKey(request.sessionUser, request.ip, name);
    return sendHtml(reply, await page(request, { notice: `Key "${name}" revoked: it stops working at once.` }));
  });
}

/** Settings > My account: every signed-in user's own password and personal API keys. */
export function registerAccountRoutes(myAccount: MyAccountService): DashboardRoutes {
  return (scope, { assets }) => {
    const page = async (request: FastifyRequest, personal: PersonalKeyState = {}, password: PasswordFormState = {}) =>
      myAccountPage(pageContext(request, assets), { keys: await myAccount.personalKeys(request.sessionUser), personal, password });

    scope.get('/settings/account', async (request, reply) => {
      // A fixed notice after a change, never text from the link.
      const { done } = parseQuery(z.object({ done: single(40) }), request);
      return sendHtml(reply, await page(request, {}, done === 'password-changed' ? { notice: 'Password changed. Your other sessions have ended.' } : {}));
    });

    formRoute(scope, '/settings/account/password', {
      schema: passwordForm,
      passwordField: 'current',
      // Nothing typed is echoed back: every field of this form is a password.
      refused: (request, refusal) => page(request, {}, { error: { field: fieldOf(refusal, ['current', 'password', 'repeat']), message: refusal.message } }),
    }, async (request, reply, { current, password }) => {
      await myAccount.changePassword(request.sessionUser, request.ip, { current, password });
      return redirect(request, reply, '/settings/account?done=password-changed');
    });

    registerPersonalKeyForms(scope, { url: MY_PERSONAL_KEYS_URL, page: (request, state) => page(request, state), keys: myAccount });
  };
}
