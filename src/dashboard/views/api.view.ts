import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, type PageContext } from './layout.js';

/** A personal key as its owner's lists show it. */
export type PersonalKeyRow = { name: string; prefix: string; scope: string; created_at: number; expires_at: number | null; last_used_at: number | null; usage: Record<string, number> };

export type ApiOverview = {
  queryUrl: string;
  key: { generatedAt: number; generatedBy: string } | null;
  personalKeys: PersonalKeyRow[];
  usage: { service: string; calls: number }[];
};

/** Where the API page's personal-key forms post (My account has its own: `MY_PERSONAL_KEYS_URL`). */
export const API_PAGE_PERSONAL_KEYS_URL = '/settings/general/api/personal-keys';

/** The personal-key form after a submit: the new key (shown once) or the error next to its field. */
export type PersonalKeyState = { created?: { name: string; key: string }; error?: { field: 'name' | 'scope' | 'expires'; message: string }; values?: Record<string, string>; notice?: string };

/** The API tab's content: the account key panel (N-sight's), then Sightline's extras. */
export function apiPanel(ctx: PageContext, overview: ApiOverview, personal: PersonalKeyState = {}): SafeHtml {
  const tz = ctx.user!.timezone;
  const hasKey = overview.key !== null;
  return html`<div class="panel-body">
  <h2>API key</h2>
  <p class="subtle">Integrations call the Data Extraction API with the account's key. It acts as the Agent Key user, with its client group.</p>
  <dl class="facts">
    <div><dt>Server URL to query</dt><dd><code>${overview.queryUrl}</code></dd></div>
    <div><dt>Last generated</dt><dd>${hasKey ? html`${formatTime(overview.key!.generatedAt, tz)} <span class="subtle">by ${overview.key!.generatedBy}</span>` : 'No key yet'}</dd></div>
  </dl>
  ${hasKey ? html`<p class="warning" style="margin-top:16px">Regenerating replaces the key: the current key stops working at once for every integration that uses it.</p>` : html`<p style="margin-top:16px"></p>`}
  <form method="post" action="/settings/general/api/key" hx-post="/settings/general/api/key" hx-target="#dialog-slot" hx-swap="innerHTML">
    ${csrfField(ctx)}
    <button class="btn primary" type="submit">${hasKey ? 'Regenerate' : 'Generate'}</button>
  </form>
  <div id="dialog-slot"></div>
</div>
${personalKeysSection(ctx, overview.personalKeys, personal, API_PAGE_PERSONAL_KEYS_URL)}
<div class="panel-body" style="border-top:1px solid var(--line)">
  <h2>API usage by service</h2>
  <p class="subtle">Calls made with the account's personal keys, counted per service.</p>
  ${overview.usage.length === 0 ? html`<p class="empty">No calls recorded yet.</p>` : html`<table class="grid" style="max-width:520px">
    <thead><tr><th scope="col">Service</th><th scope="col" class="num">Calls</th></tr></thead>
    <tbody>${overview.usage.map((u) => html`<tr><td><code>${u.service}</code></td><td class="num">${u.calls}</td></tr>`)}</tbody>
  </table>`}
</div>`;
}

/** The user's own personal keys with Revoke, and the form creating one; the forms post under `action`. */
export function personalKeysSection(ctx: PageContext, keys: readonly PersonalKeyRow[], state: PersonalKeyState, action: string): SafeHtml {
  const tz = ctx.user!.timezone;
  const err = (field: string) => (state.error?.field === field ? state.error : undefined);
  const invalid = (field: string) => (err(field) ? html` aria-invalid="true" aria-describedby="pk-${field}-error"` : null);
  const errorText = (field: string) => (err(field) ? html`<div class="error" id="pk-${field}-error" role="alert">${err(field)!.message}</div>` : null);
  const v = state.values ?? {};
  return html`<div class="panel-body" style="border-top:1px solid var(--line)" id="personal-keys">
  <h2>My personal API keys</h2>
  <p class="subtle">Keys of your own, for your scripts: each acts as you, never beyond your role and client group, read-only unless you choose otherwise.</p>
  ${state.notice ? html`<div class="notice" role="status">${state.notice}</div>` : null}
  ${state.created ? html`<div class="warning" role="status">Key "${state.created.name}" created. Copy it now: it is shown only once.
    <code class="keybox" data-testid="personal-key">${state.created.key}</code></div>` : null}
  ${keys.length === 0 ? html`<p class="empty">You have no personal keys.</p>` : html`<table class="grid" style="margin-bottom:16px">
    <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col" class="num">Calls</th><th scope="col"><span class="skip">Revoke</span></th></tr></thead>
    <tbody>${keys.map((k) => html`<tr>
      <td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.scope === 'read' ? 'Read-only' : 'Read-write'}</td>
      <td class="when">${formatTime(k.created_at, tz)}</td><td class="when">${k.last_used_at ? formatTime(k.last_used_at, tz) : 'never'}</td>
      <td class="when">${k.expires_at ? formatTime(k.expires_at, tz) : 'never'}</td>
      <td class="num">${Object.values(k.usage).reduce((a, b) => a + b, 0)}</td>
      <td><form method="post" action="${action}/revoke" hx-push-url="false" class="inline-form">${csrfField(ctx)}<input type="hidden" name="name" value="${k.name}">
        <button class="btn danger small" type="submit">Revoke ${k.name}</button></form></td>
    </tr>`)}</tbody>
  </table>`}
  <form method="post" action="${action}" hx-push-url="false" novalidate class="row">
    ${csrfField(ctx)}
    <div class="field"><label for="pk-name">Key name</label><input type="text" id="pk-name" name="name" maxlength="100" value="${v.name ?? ''}"${invalid('name')}>${errorText('name')}</div>
    <div class="field"><label for="pk-scope">Scope</label><select id="pk-scope" name="scope"${invalid('scope')}>
      <option value="read"${v.scope !== 'read-write' ? html` selected` : null}>Read-only</option><option value="read-write"${v.scope === 'read-write' ? html` selected` : null}>Read-write</option></select>${errorText('scope')}</div>
    <div class="field"><label for="pk-expires">Expires (optional)</label><input type="date" id="pk-expires" name="expires" value="${v.expires ?? ''}"${invalid('expires')}>${errorText('expires')}</div>
    <button class="btn primary" type="submit">Create key</button>
  </form>
</div>`;
}

/** The one-time dialog showing a new key, with Email Token and OK (as N-sight's). */
export function newKeyDialog(ctx: PageContext, key: string, queryUrl: string): SafeHtml {
  return html`<dialog data-autoshow open aria-labelledby="new-key-title" aria-describedby="new-key-warning">
  <div class="dialog-head"><h2 id="new-key-title">Your new API key</h2></div>
  <div class="dialog-body">
    <p id="new-key-warning" class="warning">Copy this key now: it is shown only once. Any previous key has stopped working.</p>
    <code class="keybox" data-testid="api-key">${key}</code>
    <p class="subtle">Server URL to query: <code>${queryUrl}</code></p>
    ${emailTokenForm(ctx, key, {})}
  </div>
  <div class="dialog-foot"><form method="dialog"><button class="btn primary" type="submit" autofocus>OK</button></form></div>
</dialog>`;
}

/** "Email API Token to" with its button; re-rendered in place with the result or the error under the field. */
export function emailTokenForm(ctx: PageContext, key: string, state: { to?: string; error?: string; sentTo?: string }): SafeHtml {
  return html`<form id="email-token-form" novalidate method="post" action="/settings/general/api/email" hx-post="/settings/general/api/email" hx-target="this" hx-swap="outerHTML">
    ${csrfField(ctx)}
    <input type="hidden" name="key" value="${key}">
    <div class="row">
      <div class="field">
        <label for="email-token-to">Email API Token to</label>
        <input type="email" id="email-token-to" name="to" maxlength="320" value="${state.to ?? ''}" placeholder="name@example.com"
          aria-invalid="${state.error ? 'true' : 'false'}"${state.error ? html` aria-describedby="email-token-error"` : null}>
      </div>
      <button class="btn" type="submit">Email Token</button>
    </div>
    ${state.error ? html`<div class="error" id="email-token-error" role="alert">${state.error}</div>` : null}
    ${state.sentTo ? html`<div class="notice" role="status" style="margin-top:10px">The key and the server URL were sent to ${state.sentTo}.</div>` : null}
  </form>`;
}
