import type { SiteTokenState } from '../../sites/site-token.service.js';
import { html, type SafeHtml } from '../html.js';
import { devicesUrl, siteUrl } from './devices.view.js';
import { formatTime } from './format.js';
import { csrfField, page, type PageContext } from './layout.js';

export type SiteSettingsView = {
  site: { id: number; name: string };
  client?: { id: number; name: string };
  tokens: { prefix: string; created_at: number; created_by: string; expires_at: number; last_used_at: number | null; state: SiteTokenState }[];
};

/** The site page after a submit: a new token (shown once), a notice, or a refusal beside its field. */
export type SiteSettingsState = {
  created?: { token: string; prefix: string };
  notice?: string;
  error?: { field: 'os' | 'expires' | 'prefix'; message: string };
  values?: Record<string, string>;
};

const STATES: Record<SiteTokenState, SafeHtml> = {
  active: html`<span class="status ok">Active</span>`,
  expired: html`<span class="status off">Expired</span>`,
  revoked: html`<span class="status off">Revoked</span>`,
};

/** One button per package the API builds for a site (remote_worker): what each downloads. */
const PACKAGES = [
  { os: 'linux', label: 'Linux (.tar.gz)' },
  { os: 'mac', label: 'macOS (.tar.gz)' },
  { os: 'windows', label: 'Windows (.zip)' },
] as const;

/** A site's settings: Download agent, then its enrolment tokens (listed, revocable, New token). */
export function sitePage(ctx: PageContext, tree: SafeHtml, view: SiteSettingsView, state: SiteSettingsState = {}): string {
  const tz = ctx.user!.timezone;
  const { site, client } = view;
  const url = siteUrl(site.id);
  const errorOf = (field: 'os' | 'expires' | 'prefix') =>
    state.error?.field === field ? html`<div class="error" id="site-${field}-error" role="alert">${state.error.message}</div>` : null;
  const body = html`
<div class="page-head">
  <div>
    <div class="crumbs"><a href="${devicesUrl({})}">All Devices</a>
      ${client && html` / <a href="${devicesUrl({ clientId: client.id })}">${client.name}</a>`}
      / <a href="${devicesUrl({ siteId: site.id })}">${site.name}</a></div>
    <h1>${site.name}: site settings</h1>
  </div>
</div>
<section class="panel" aria-labelledby="download-title">
  <h2 id="download-title">Download agent</h2>
  <div class="panel-body">
    <p class="subtle">The package holds the Sightline agent and its configuration. Unpack it on the device and run
      <code>sightline-agent/bin/sightline-agent run</code>: the device enrols into ${site.name} and reports.
      Each download creates a new enrolment token for this site, valid 30 days (listed below once the page is reloaded).</p>
    <form method="post" action="${url}/package" hx-boost="false" style="display:flex;gap:10px;flex-wrap:wrap">
      ${csrfField(ctx)}
      ${PACKAGES.map((p) => html`<button class="btn primary" type="submit" name="os" value="${p.os}">${p.label}</button>`)}
    </form>
    ${errorOf('os')}
  </div>
</section>
<section class="panel" aria-labelledby="tokens-title" id="site-tokens">
  <h2 id="tokens-title">Enrolment tokens <span class="badge">${view.tokens.length}</span></h2>
  <div class="panel-body">
    <p class="subtle">An agent enrols into this site with one of these tokens. Revoking a token stops new enrolments with it; devices already enrolled keep reporting.</p>
    ${state.notice ? html`<div class="notice" role="status">${state.notice}</div>` : null}
    ${state.created ? html`<div class="warning" role="status">Token ${state.created.prefix}… created. Copy it now: it is shown only once.
      <code class="keybox" data-testid="site-token">${state.created.token}</code></div>` : null}
    ${errorOf('prefix')}
    ${view.tokens.length === 0 ? html`<p class="empty">This site has no enrolment tokens yet.</p>` : html`<table class="grid" style="margin-bottom:16px">
      <thead><tr><th scope="col">Token</th><th scope="col">Created</th><th scope="col">By</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="skip">Revoke</span></th></tr></thead>
      <tbody>${view.tokens.map((t) => html`<tr>
        <td><code>${t.prefix}…</code></td>
        <td class="when">${formatTime(t.created_at, tz)}</td><td>${t.created_by}</td>
        <td class="when">${formatTime(t.expires_at, tz)}</td><td class="when">${t.last_used_at === null ? 'never' : formatTime(t.last_used_at, tz)}</td>
        <td>${STATES[t.state]}</td>
        <td>${t.state === 'active' ? html`<form method="post" action="${url}/tokens/revoke" hx-push-url="false" class="inline-form">${csrfField(ctx)}<input type="hidden" name="prefix" value="${t.prefix}">
          <button class="btn danger small" type="submit">Revoke ${t.prefix}</button></form>` : null}</td>
      </tr>`)}</tbody>
    </table>`}
    <form method="post" action="${url}/tokens" hx-push-url="false" novalidate class="row">
      ${csrfField(ctx)}
      <div class="field"><label for="site-expires">Expires (optional, 30 days if empty)</label><input type="date" id="site-expires" name="expires" value="${state.values?.expires ?? ''}"${state.error?.field === 'expires' ? html` aria-invalid="true" aria-describedby="site-expires-error"` : null}>${errorOf('expires')}</div>
      <button class="btn primary" type="submit">New token</button>
    </form>
  </div>
</section>`;
  return page(ctx, { title: `${site.name}: site settings`, section: 'devices', body, sidebar: tree });
}
