import { html } from '../html.js';
import { barePage, csrfField, type PageContext } from './layout.js';

export type LoginForm = {
  email: string;
  /** Wrong email or password, or the account's dashboard access is off: shown under the password. */
  passwordError?: string;
  emailError?: string;
  /** The lockout: shown above the form, since it is about the attempt rather than a field. */
  formError?: string;
  notice?: string;
};

export function loginPage(ctx: PageContext, form: LoginForm): string {
  const describedBy = (id: string, on: unknown) => (on ? id : null);
  return barePage(
    ctx,
    'Log in',
    html`<main class="login-page" id="main">
  <div class="login-card">
    <div class="brand"><span class="brand-mark" aria-hidden="true"></span>Sightline</div>
    <h1>Log in to your dashboard</h1>
    <p class="subtle">Monitor your clients' servers and workstations.</p>
    ${form.notice && html`<div class="notice" role="status">${form.notice}</div>`}
    ${form.formError && html`<div class="error-banner" role="alert" id="login-error">${form.formError}</div>`}
    <form method="post" action="/login" novalidate>
      ${csrfField(ctx)}
      <div class="field">
        <label for="email">Email</label>
        <input type="email" id="email" name="email" autocomplete="username" required maxlength="320" value="${form.email}"
          aria-invalid="${form.emailError ? 'true' : 'false'}" aria-describedby="${describedBy('email-error', form.emailError) ?? ''}" autofocus>
        ${form.emailError && html`<div class="error" id="email-error">${form.emailError}</div>`}
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024"
          aria-invalid="${form.passwordError ? 'true' : 'false'}" aria-describedby="${describedBy('password-error', form.passwordError) ?? ''}">
        ${form.passwordError && html`<div class="error" id="password-error" role="alert">${form.passwordError}</div>`}
      </div>
      <button class="btn primary" type="submit">Log in</button>
    </form>
  </div>
</main>`,
  );
}
