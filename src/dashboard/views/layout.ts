import { currentIf, html, type SafeHtml } from '../html.js';
import type { SessionUser } from '../session.service.js';

/** What every page needs besides its own content. */
export type PageContext = {
  csrfToken: string;
  /** Versioned asset URLs (content-hashed, cached for a year). */
  assets: { css: string; js: string; htmx: string };
  user?: SessionUser;
};

export type Section = 'devices' | 'settings';

/**
 * htmx swaps a refusal (4xx: a form with its messages beside the fields, or a page saying why) like a
 * success, so it appears where the answer would have. A 401 carries HX-Redirect to the login page.
 */
const HTMX_CONFIG = JSON.stringify({
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true },
    { code: '5..', swap: false, error: true },
  ],
});

function head(ctx: PageContext, title: string): SafeHtml {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title} · Sightline</title>
<link rel="stylesheet" href="${ctx.assets.css}">
<script src="${ctx.assets.htmx}" defer></script>
<script src="${ctx.assets.js}" defer></script>
</head>`;
}

/** A signed-in page: top bar with the account and user, then the section's content. */
export function page(ctx: PageContext, options: { title: string; section: Section; body: SafeHtml; sidebar?: SafeHtml }): string {
  const user = ctx.user!;
  const current = (section: Section) => currentIf(options.section === section);
  return (
    '<!doctype html>\n' +
    html`<html lang="en">
${head(ctx, options.title)}
<body hx-boost="true" hx-headers="${JSON.stringify({ 'x-csrf-token': ctx.csrfToken })}">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>Sightline</a>
  <nav class="mainnav" aria-label="Main">
    <a href="/"${current('devices')}>All Devices</a>
    <a href="/settings"${current('settings')}>Settings</a>
  </nav>
  <div class="who">
    <span class="account" title="Account">${user.accountName}</span>
    <span class="user">${user.email} · ${user.actor.roleName}</span>
    <form method="post" action="/logout" hx-boost="false">
      ${csrfField(ctx)}
      <button type="submit">Log out</button>
    </form>
  </div>
</header>
<div class="shell">
  ${options.sidebar ?? null}
  <main id="main" class="content" tabindex="-1">${options.body}</main>
</div>
</body>
</html>`.value
  );
}

/** A signed-out page (the login form). */
export function barePage(ctx: PageContext, title: string, body: SafeHtml): string {
  return '<!doctype html>\n' + html`<html lang="en">${head(ctx, title)}<body>${body}</body></html>`.value;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;
}
