import { Permission } from '../../access/permissions.js';
import { currentIf, html, type SafeHtml } from '../html.js';
import { page, type PageContext } from './layout.js';

export type SettingsSection = 'home' | 'account' | 'general' | 'users';

/** The links of the Settings area this user may follow (hidden, not just disabled, when not allowed). */
export function settingsNav(ctx: PageContext, current: SettingsSection): SafeHtml {
  const actor = ctx.user!.actor;
  return html`<nav class="settings-nav" aria-label="Settings">
    <a href="/settings/account"${currentIf(current === 'account')}>My account</a>
    ${actor.permissions.has(Permission.generalSettings) ? html`<a href="/settings/general"${currentIf(current === 'general')}>General Settings</a>` : null}
    ${actor.permissions.has(Permission.userAccounts) ? html`<a href="/settings/users"${currentIf(current === 'users')}>Users</a>` : null}
  </nav>`;
}

export function settingsPage(ctx: PageContext, options: { title: string; current: SettingsSection; body: SafeHtml }): string {
  return page(ctx, {
    title: options.title,
    section: 'settings',
    body: html`<div class="page-head"><div><div class="crumbs">Settings</div><h1>${options.title}</h1></div></div>
<div class="settings">${settingsNav(ctx, options.current)}<div class="settings-main">${options.body}</div></div>`,
  });
}

export function settingsHome(ctx: PageContext): string {
  const actor = ctx.user!.actor;
  const any = actor.permissions.has(Permission.generalSettings) || actor.permissions.has(Permission.userAccounts);
  return settingsPage(ctx, {
    title: 'Settings',
    current: 'home',
    body: html`<section class="panel"><div class="panel-body">
      ${any
        ? html`<p>Choose a section on the left.</p>`
        : html`<p>Your role (${actor.roleName}) does not include any settings. Ask a Superuser if you need access.</p>`}
      <p>Your own password and personal API keys are under <a href="/settings/account">My account</a>.</p>
    </div></section>`,
  });
}

/** General Settings with its own tabs; API is the only one Sightline has so far besides the account facts. */
export function generalSettingsPage(ctx: PageContext, options: { tab: 'account' | 'api'; showApi: boolean; body: SafeHtml }): string {
  return settingsPage(ctx, {
    title: 'General Settings',
    current: 'general',
    body: html`<section class="panel">
  <nav class="tabs" aria-label="General Settings">
    <a href="/settings/general"${currentIf(options.tab === 'account')}>Account</a>
    ${options.showApi ? html`<a href="/settings/general/api"${currentIf(options.tab === 'api')}>API</a>` : null}
  </nav>
  ${options.body}
</section>`,
  });
}
