import { html, type SafeHtml } from '../html.js';
import { personalKeysSection, type PersonalKeyRow, type PersonalKeyState } from './api.view.js';
import { csrfField, type PageContext } from './layout.js';
import { settingsPage } from './settings.view.js';

/** Where My account's personal-key forms post. */
export const MY_PERSONAL_KEYS_URL = '/settings/account/personal-keys';

/** The password form after a submit: the message beside its field, or the notice of a change made. */
export type PasswordFormState = { error?: { field: 'current' | 'password' | 'repeat'; message: string }; notice?: string };

function passwordField(state: PasswordFormState, name: 'current' | 'password' | 'repeat', label: string, autocomplete: string): SafeHtml {
  const error = state.error?.field === name ? state.error : undefined;
  const id = `pw-${name}`;
  return html`<div class="field"><label for="${id}">${label}</label>
    <input type="password" id="${id}" name="${name}" maxlength="1024" autocomplete="${autocomplete}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : null}>
    ${error ? html`<div class="error" id="${id}-error" role="alert">${error.message}</div>` : null}</div>`;
}

/** Settings > My account: one's own password and personal API keys, whatever the role. */
export function myAccountPage(ctx: PageContext, options: { keys: readonly PersonalKeyRow[]; personal?: PersonalKeyState; password?: PasswordFormState }): string {
  const password = options.password ?? {};
  return settingsPage(ctx, {
    title: 'My account',
    current: 'account',
    body: html`${password.notice ? html`<div class="notice" role="status">${password.notice}</div>` : null}
<section class="panel">
  <div class="panel-body">
    <h2>Change password</h2>
    <p class="subtle">Signed in as ${ctx.user!.email}. Changing your password signs you out everywhere else.</p>
    <form id="password-form" method="post" action="/settings/account/password" hx-push-url="false" novalidate>
      ${csrfField(ctx)}
      ${passwordField(password, 'current', 'Current password', 'current-password')}
      ${passwordField(password, 'password', 'New password', 'new-password')}
      ${passwordField(password, 'repeat', 'New password again', 'new-password')}
      <p class="hint">At least 8 characters, no spaces, with an upper-case letter, a lower-case letter and a digit.</p>
      <button class="btn primary" type="submit">Change password</button>
    </form>
  </div>
  ${personalKeysSection(ctx, options.keys, options.personal ?? {}, MY_PERSONAL_KEYS_URL)}
</section>`,
  });
}
