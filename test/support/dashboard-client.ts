import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** A browser over app.inject: its cookies and the CSRF token its pages carry. */
export type DashboardBrowser = { cookie: string; csrf: string };

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The CSRF token a dashboard page's forms carry. */
export const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const cookieOf = (response: { cookies: { name: string; value: string }[] }) => response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

/** Signs in and posts forms to the dashboard of an in-process app, as a browser would (cookies, CSRF token). */
export function dashboardClient(app: () => FastifyInstance, password: string) {
  async function signedOut(): Promise<DashboardBrowser> {
    const page = await app().inject({ method: 'GET', url: '/login' });
    return { cookie: cookieOf(page), csrf: csrfIn(page.body) };
  }

  function post(browser: DashboardBrowser, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return app().inject({
      method: 'POST', url, headers: { ...FORM, cookie: browser.cookie, ...headers },
      payload: new URLSearchParams({ _csrf: browser.csrf, ...fields }).toString(),
    });
  }

  const get = (browser: DashboardBrowser, url: string) => app().inject({ method: 'GET', url, headers: { cookie: browser.cookie } });

  async function signIn(email: string): Promise<DashboardBrowser> {
    const browser = await signedOut();
    const login = await post(browser, '/login', { email, password });
    expect(login.statusCode).toBe(303);
    const cookie = cookieOf(login).split('; ').filter((c) => c.startsWith('sl_session=')).join('');
    const home = await app().inject({ method: 'GET', url: '/settings', headers: { cookie } });
    return { cookie, csrf: csrfIn(home.body) };
  }

  return { signedOut, signIn, post, get };
}
