import { html, type SafeHtml } from '../html.js';
import { barePage, page, type PageContext, type Section } from './layout.js';
import { settingsPage } from './settings.view.js';

const TITLES: Record<number, string> = { 401: 'Not signed in', 403: 'Not allowed', 404: 'Not found', 429: 'Too many requests' };

/**
 * A refused request (4xx) that has no form to show the message in: the refusal in the frame of the
 * section asked for, or on a bare card when nobody is signed in.
 */
export function refusalPage(ctx: PageContext, options: { status: number; section: Section; message: string }): string {
  const title = TITLES[options.status] ?? 'Not done';
  const message = html`<p role="alert">${options.message}</p>`;
  if (!ctx.user) return card(ctx, title, html`<h1>${title}</h1>${message}`, html`<a class="btn primary" href="/login">Go to the login page</a>`);
  if (options.section === 'settings') {
    return settingsPage(ctx, { title, current: 'home', body: html`<section class="panel"><div class="panel-body">${message}</div></section>` });
  }
  return page(ctx, {
    title,
    section: options.section,
    body: html`<div class="panel"><div class="panel-body"><h1>${title}</h1>${message}<a class="btn" href="/">Back to All Devices</a></div></div>`,
  });
}

/** The same refusal inside an htmx target (a dialog slot, a form): a message, no page around it. */
export function refusalFragment(message: string): string {
  return html`<div class="error-banner" role="alert">${message}</div>`.value;
}

/** An unexpected failure: logged on the server, answered without internals. */
export function failurePage(ctx: PageContext): string {
  const body = html`<h1>Something went wrong</h1><p role="alert">The page could not be shown. The error has been logged; try again in a moment.</p>`;
  if (!ctx.user) return card(ctx, 'Error', body, html`<a class="btn primary" href="/">Back to the dashboard</a>`);
  return page(ctx, { title: 'Error', section: 'devices', body: html`<div class="panel"><div class="panel-body">${body}<a class="btn" href="/">Back to All Devices</a></div></div>` });
}

/** A state-changing request without this session's CSRF token (an old tab, or a forged request). */
export function expiredFormPage(ctx: PageContext): string {
  return card(ctx, 'Refused', html`<h1>This form has expired</h1>
            <p role="alert">The request was refused because it did not carry a valid security token. Go back, reload the page and try again.</p>`,
  html`<a class="btn primary" href="/">Reload the dashboard</a>`);
}

function card(ctx: PageContext, title: string, body: SafeHtml, link: SafeHtml): string {
  return barePage(ctx, title, html`<main class="login-page"><div class="login-card">${body}${link}</div></main>`);
}
