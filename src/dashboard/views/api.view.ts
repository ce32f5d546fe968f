import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, type PageContext } from './layout.js';

export type ApiOverview = {
  queryUrl: string;
  key: { generatedAt: number; generatedBy: string } | null;
};

/** The API tab's content: the account key panel (N-sight's), then Sightline's extras. */
export function apiPanel(ctx: PageContext, overview: ApiOverview, extras: SafeHtml | null = null): SafeHtml {
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
${extras}`;
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
