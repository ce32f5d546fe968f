/**
 * A dashboard browser over real HTTP (fetch): the cookies the server sets, and the CSRF token of the last
 * page that carried one, sent back with every form. For a server in another process (`serve`); in-process
 * tests use browser.ts over app.inject.
 */
export type HttpBrowser = { base: string; cookies: Map<string, string>; csrf: string };

export type HttpAnswer = { status: number; body: string; bytes: Buffer; headers: Headers };

/** A signed-out browser of the server at `base` (e.g. http://127.0.0.1:8080). */
export const httpBrowser = (base: string): HttpBrowser => ({ base, cookies: new Map(), csrf: '' });

/** GETs a page, or POSTs `fields` as a form with the CSRF token; keeps the cookies set, never follows redirects. */
export async function browse(browser: HttpBrowser, method: 'GET' | 'POST', path: string, fields?: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(browser.base + path, {
    method,
    redirect: 'manual',
    headers: {
      cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      ...(fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    body: fields ? new URLSearchParams({ _csrf: browser.csrf, ...fields }).toString() : undefined,
  });
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) browser.cookies.delete(name);
    else browser.cookies.set(name, value);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  const body = bytes.toString('utf8');
  browser.csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? browser.csrf;
  return { status: response.status, body, bytes, headers: response.headers };
}

/** Opens the log-in page and posts the form; the answer (303 when signed in). Then fetches a page so the browser holds the session's CSRF token. */
export async function logInOverHttp(browser: HttpBrowser, email: string, password: string): Promise<HttpAnswer> {
  await browse(browser, 'GET', '/login');
  const login = await browse(browser, 'POST', '/login', { email, password });
  if (login.status === 303) await browse(browser, 'GET', '/settings');
  return login;
}
