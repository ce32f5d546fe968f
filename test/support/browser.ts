import type { FastifyInstance } from 'fastify';

/** A browser over app.inject: its cookies and the CSRF token its pages carry. */
export type Browser = { app: FastifyInstance; cookie: string; csrf: string; remoteAddress?: string };

type Response = { statusCode: number; body: string; headers: Record<string, unknown>; cookies: { name: string; value: string }[] };

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The CSRF token a dashboard page carries in its forms. */
export const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

/** The Cookie header for the cookies a response sets. */
export const cookieOf = (response: { cookies: { name: string; value: string }[] }) => response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

/** A signed-out browser: the log-in page's pre-session cookie and token. */
export async function signedOut(app: FastifyInstance, remoteAddress?: string): Promise<Browser> {
  const page = await app.inject({ method: 'GET', url: '/login', remoteAddress });
  return { app, cookie: cookieOf(page), csrf: csrfIn(page.body), remoteAddress };
}

/** Posts a form as the browser does (CSRF token included). */
export function postForm(browser: Browser, url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return browser.app.inject({
    method: 'POST', url, remoteAddress: browser.remoteAddress, headers: { ...FORM, cookie: browser.cookie, ...headers },
    payload: new URLSearchParams({ _csrf: browser.csrf, ...fields }).toString(),
  }) as Promise<Response>;
}

/** GETs a page with the browser's cookies. */
export function getPage(browser: Browser, url: string, headers: Record<string, string> = {}): Promise<Response> {
  return browser.app.inject({ method: 'GET', url, remoteAddress: browser.remoteAddress, headers: { cookie: browser.cookie, ...headers } }) as Promise<Response>;
}

/** POST /login from a signed-out browser; the answer as it comes. */
export async function tryLogIn(app: FastifyInstance, email: string, password: string, remoteAddress?: string): Promise<Response> {
  return postForm(await signedOut(app, remoteAddress), '/login', { email, password });
}

/** A signed-in browser (fails the test when the log-in is refused). */
export async function signIn(app: FastifyInstance, email: string, password: string, remoteAddress?: string): Promise<Browser> {
  const login = await tryLogIn(app, email, password, remoteAddress);
  if (login.statusCode !== 303) throw new Error(`log-in of ${email} answered ${login.statusCode}`);
  const cookie = cookieOf(login).split('; ').filter((c) => c.startsWith('sl_session=')).join('');
  const home = await app.inject({ method: 'GET', url: '/settings', remoteAddress, headers: { cookie } });
  return { app, cookie, csrf: csrfIn(home.body), remoteAddress };
}
