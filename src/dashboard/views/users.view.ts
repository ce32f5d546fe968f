import { ALL_PERMISSIONS } from '../../access/permissions.js';
import { ASSIGNABLE_SYSTEM_ROLES, ROLE_LABELS } from '../../access/roles.js';
import { currentIf, html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, type PageContext } from './layout.js';
import { settingsPage } from './settings.view.js';

export type UsersTab = 'accounts' | 'groups' | 'roles' | 'audit';

/** A form that failed: which one, which field the message belongs next to, and what was typed. */
export type FormError = { form: string; field: string; message: string; values: Record<string, string> };

export type UsersOverview = {
  users: { id: number; email: string; userType: string; role: string; group: string; isAgentKey: boolean; dashboardAccess: boolean; active: boolean }[];
  groups: { id: number; name: string; is_all_clients: number; client_count: number; user_count: number; clientIds: number[] | null }[] | null;
  groupNames: string[];
  customRoles: { name: string; base: string; permissions: string[] }[] | null;
  clients: { id: number; name: string }[];
};

export type AuditView = {
  entries: { id: number; actor_label: string; created_at: number; source_address: string; action: string; detail: string }[];
  facets: { actors: string[]; actions: string[] };
  filter: { actorLabel?: string; action?: string };
};

/** One labelled field, its error (if this form failed on it) right under it. */
function field(formId: string, error: FormError | undefined, name: string, label: string, control: (id: string, invalid: boolean, value: string) => SafeHtml, hint?: string): SafeHtml {
  const id = `${formId}-${name}`;
  const failed = error?.form === formId && error.field === name;
  return html`<div class="field">
    <label for="${id}">${label}</label>
    ${control(id, failed, error?.form === formId ? (error.values[name] ?? '') : '')}
    ${hint ? html`<div class="hint">${hint}</div>` : null}
    ${failed ? html`<div class="error" id="${id}-error" role="alert">${error!.message}</div>` : null}
  </div>`;
}

const invalidAttrs = (id: string, invalid: boolean) => (invalid ? html` aria-invalid="true" aria-describedby="${id}-error"` : null);

function textInput(type: string, name: string, extra = '') {
  return (id: string, invalid: boolean, value: string) =>
    html`<input type="${type}" id="${id}" name="${name}" value="${type === 'password' ? '' : value}" maxlength="320" ${extra}${invalidAttrs(id, invalid)}>`;
}

function select(name: string, options: { value: string; label: string }[], selected: string) {
  return (id: string, invalid: boolean, value: string) =>
    html`<select id="${id}" name="${name}"${invalidAttrs(id, invalid)}>${options.map(
      (o) => html`<option value="${o.value}"${(value || selected) === o.value ? html` selected` : null}>${o.label}</option>`,
    )}</select>`;
}

/** Every change on this page is confirmed by re-entering one's own password, as N-sight asks. */
function confirmField(formId: string, error: FormError | undefined): SafeHtml {
  return field(formId, error, 'confirm', 'Your password', textInput('password', 'confirm', 'autocomplete="current-password"'), 'Confirms this change.');
}

function formStart(ctx: PageContext, action: string, formId: string): SafeHtml {
  return html`<form id="${formId}" method="post" action="${action}" hx-push-url="false" novalidate>${csrfField(ctx)}`;
}

function roleOptions(customRoles: UsersOverview['customRoles']) {
  return [
    ...ASSIGNABLE_SYSTEM_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
    ...(customRoles ?? []).map((r) => ({ value: r.name, label: `${r.name} (custom)` })),
  ];
}

function accountsTab(ctx: PageContext, data: UsersOverview, error?: FormError): SafeHtml {
  const agentKey = data.users.find((u) => u.isAgentKey);
  const groupOptions = data.groupNames.map((g) => ({ value: g, label: g }));
  const roles = roleOptions(data.customRoles);
  return html`
<div class="panel-body">
  <h2>Agent Key user</h2>
  ${formStart(ctx, '/settings/users/agent-key', 'agent-key')}
    <div class="field">
      <label style="display:flex;gap:8px;align-items:center;font-weight:500">
        <input type="checkbox" name="enabled" value="1"${(error?.form === 'agent-key' ? error.values.enabled === '1' : agentKey?.dashboardAccess) ? html` checked` : null}> Enable Agent Key user Dashboard access
      </label>
      <div class="hint">When cleared, the Agent Key (${agentKey?.email ?? ''}) can no longer log in to the dashboard. Agents and the API key keep working.</div>
      ${error?.form === 'agent-key' && error.field === 'enabled' ? html`<div class="error" role="alert">${error.message}</div>` : null}
    </div>
    <div class="row">${confirmField('agent-key', error)}<button class="btn primary" type="submit">Save</button></div>
  </form>
</div>
<h2 style="padding:0 20px">User accounts</h2>
<table class="grid">
  <thead><tr><th scope="col">Email</th><th scope="col">Type</th><th scope="col">Role</th><th scope="col">Client group</th><th scope="col">Dashboard</th><th scope="col">Change</th></tr></thead>
  <tbody>${data.users.map((u) => {
    const formId = `user-${u.id}`;
    const open = error !== undefined && [formId, `active-${u.id}`, `delete-${u.id}`].includes(error.form);
    return html`<tr>
      <td>${u.email}</td><td>${u.userType === 'client' ? 'Client' : 'Staff'}</td><td>${u.role}</td><td>${u.group}</td>
      <td>${u.isAgentKey ? (u.dashboardAccess ? html`<span class="status ok">Enabled</span>` : html`<span class="status off">Disabled</span>`) : u.active ? html`<span class="status ok">Active</span>` : html`<span class="status off">Disabled</span>`}</td>
      <td><details${open ? html` open` : null}><summary>Edit ${u.email}</summary>
        ${formStart(ctx, `/settings/users/${u.id}`, formId)}
          ${u.isAgentKey ? html`<p class="subtle">The Agent Key's role is fixed.</p>` : field(formId, error, 'role', 'Role', select('role', roles, roles.find((r) => r.label === u.role || r.value === u.role)?.value ?? ''))}
          ${field(formId, error, 'group', 'Client group', select('group', groupOptions, u.group))}
          ${confirmField(formId, error)}
          <button class="btn primary small" type="submit">Save changes</button>
        </form>
        ${u.isAgentKey || u.email === ctx.user!.email ? null : html`${formStart(ctx, `/settings/users/${u.id}/${u.active ? 'disable' : 'enable'}`, `active-${u.id}`)}
          ${confirmField(`active-${u.id}`, error)}<button class="btn small" type="submit">${u.active ? 'Disable' : 'Enable'} ${u.email}</button></form>`}
        ${u.isAgentKey || u.email === ctx.user!.email ? null : html`${formStart(ctx, `/settings/users/${u.id}/delete`, `delete-${u.id}`)}
          ${confirmField(`delete-${u.id}`, error)}<button class="btn danger small" type="submit">Delete ${u.email}</button></form>`}
      </details></td>
    </tr>`;
  })}</tbody>
</table>
<div class="panel-body" style="border-top:1px solid var(--line)">
  <h2>Add a user</h2>
  ${formStart(ctx, '/settings/users/add', 'add-user')}
    ${field('add-user', error, 'email', 'Email', textInput('email', 'email', 'autocomplete="off"'))}
    ${field('add-user', error, 'role', 'Role', select('role', roles, 'standard'))}
    ${field('add-user', error, 'group', 'Client group', select('group', groupOptions, 'All Clients'))}
    ${field('add-user', error, 'password', 'Password', textInput('password', 'password', 'autocomplete="new-password"'), 'At least 8 characters, no spaces, with an upper-case letter, a lower-case letter and a digit.')}
    ${confirmField('add-user', error)}
    <button class="btn primary" type="submit">Add user</button>
  </form>
</div>`;
}

function clientChecklist(formId: string, clients: UsersOverview['clients'], checked: Set<number>): SafeHtml {
  return html`<fieldset class="field" style="border:1px solid var(--line);border-radius:6px;padding:8px 12px;max-height:220px;overflow:auto">
    <legend>Clients</legend>
    ${clients.map((c) => html`<label style="font-weight:400;display:flex;gap:6px;align-items:center" for="${formId}-client-${c.id}">
      <input type="checkbox" id="${formId}-client-${c.id}" name="clients" value="${c.id}"${checked.has(c.id) ? html` checked` : null}> ${c.name}</label>`)}
  </fieldset>`;
}

function groupsTab(ctx: PageContext, data: UsersOverview, error?: FormError): SafeHtml {
  if (!data.groups) return html`<div class="panel-body"><p>Your role does not allow managing client groups.</p></div>`;
  return html`
<table class="grid">
  <thead><tr><th scope="col">Client group</th><th scope="col" class="num">Clients</th><th scope="col" class="num">Users</th><th scope="col">Change</th></tr></thead>
  <tbody>${data.groups.map((g) => {
    const formId = `group-${g.id}`;
    return html`<tr><td>${g.name}${g.is_all_clients ? html` <span class="badge">built-in</span>` : null}</td><td class="num">${g.client_count}</td><td class="num">${g.user_count}</td>
      <td>${g.is_all_clients ? html`<span class="subtle">Always holds every client</span>` : html`<details${error?.form === formId ? html` open` : null}><summary>Edit ${g.name}</summary>
        ${formStart(ctx, `/settings/users/groups/${g.id}`, formId)}
          ${field(formId, error, 'name', 'Name', (id, invalid, value) => html`<input type="text" id="${id}" name="name" maxlength="200" value="${value || g.name}"${invalidAttrs(id, invalid)}>`)}
          ${clientChecklist(formId, data.clients, new Set(g.clientIds ?? []))}
          ${confirmField(formId, error)}
          <button class="btn primary small" type="submit">Save group</button>
        </form></details>`}</td></tr>`;
  })}</tbody>
</table>
<div class="panel-body" style="border-top:1px solid var(--line)">
  <h2>Create a client group</h2>
  ${formStart(ctx, '/settings/users/groups', 'add-group')}
    ${field('add-group', error, 'name', 'Name', textInput('text', 'name'))}
    ${clientChecklist('add-group', data.clients, new Set())}
    ${confirmField('add-group', error)}
    <button class="btn primary" type="submit">Create group</button>
  </form>
</div>`;
}

function rolesTab(ctx: PageContext, data: UsersOverview, error?: FormError): SafeHtml {
  if (!data.customRoles) return html`<div class="panel-body"><p>Your role does not allow managing roles and permissions.</p></div>`;
  const permissions = [...ALL_PERMISSIONS];
  return html`
<table class="grid">
  <thead><tr><th scope="col">Custom role</th><th scope="col">Based on</th><th scope="col">Allows</th></tr></thead>
  <tbody>${data.customRoles.length === 0 ? html`<tr><td colspan="3" class="empty">No custom roles yet.</td></tr>` : data.customRoles.map(
    (r) => html`<tr><td>${r.name}</td><td>${ROLE_LABELS[r.base as keyof typeof ROLE_LABELS] ?? r.base}</td><td class="wrap">${r.permissions.join(', ') || 'nothing'}</td></tr>`,
  )}</tbody>
</table>
<div class="panel-body" style="border-top:1px solid var(--line)">
  <h2>Create a custom role</h2>
  ${formStart(ctx, '/settings/users/roles', 'add-role')}
    ${field('add-role', error, 'name', 'Name', textInput('text', 'name'))}
    ${field('add-role', error, 'base', 'Based on', select('base', ASSIGNABLE_SYSTEM_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })), 'standard'))}
    <table class="grid" style="max-width:560px;margin-bottom:14px"><thead><tr><th scope="col">Permission</th><th scope="col">Setting</th></tr></thead><tbody>
    ${permissions.map((p, i) => html`<tr><td><label for="perm-${i}" style="font-weight:400">${p}</label></td><td>
      <select id="perm-${i}" name="perm:${p}"><option value="">Role default</option><option value="allow">Allow</option><option value="deny">Deny</option></select></td></tr>`)}
    </tbody></table>
    ${confirmField('add-role', error)}
    <button class="btn primary" type="submit">Create role</button>
  </form>
</div>`;
}

function auditTab(ctx: PageContext, audit: AuditView): SafeHtml {
  const tz = ctx.user!.timezone;
  return html`
<div class="panel-body">
  <form method="get" action="/settings/users" class="row">
    <input type="hidden" name="tab" value="audit">
    <div class="field"><label for="audit-user">User</label><select id="audit-user" name="user"><option value="">Everyone</option>${audit.facets.actors.map((a) => html`<option${audit.filter.actorLabel === a ? html` selected` : null}>${a}</option>`)}</select></div>
    <div class="field"><label for="audit-action">Action</label><select id="audit-action" name="action"><option value="">Every action</option>${audit.facets.actions.map((a) => html`<option${audit.filter.action === a ? html` selected` : null}>${a}</option>`)}</select></div>
    <button class="btn" type="submit">Filter</button>
  </form>
</div>
<table class="grid">
  <thead><tr><th scope="col">When</th><th scope="col">User</th><th scope="col">Action</th><th scope="col">Detail</th><th scope="col">From</th></tr></thead>
  <tbody>${audit.entries.length === 0 ? html`<tr><td colspan="5" class="empty">Nothing recorded for this filter.</td></tr>` : audit.entries.map(
    (e) => html`<tr><td class="when">${formatTime(e.created_at, tz)}</td><td>${e.actor_label}</td><td><code>${e.action}</code></td><td class="wrap">${e.detail}</td><td>${e.source_address}</td></tr>`,
  )}</tbody>
</table>`;
}

export function usersPage(ctx: PageContext, options: { tab: UsersTab; data?: UsersOverview; audit?: AuditView; error?: FormError; notice?: string }): string {
  const tabs: { tab: UsersTab; label: string }[] = [
    { tab: 'accounts', label: 'User Accounts' },
    { tab: 'groups', label: 'Client Groups' },
    { tab: 'roles', label: 'Roles & Permissions' },
    { tab: 'audit', label: 'Audit Log' },
  ];
  const content = options.tab === 'audit' ? auditTab(ctx, options.audit!)
    : options.tab === 'groups' ? groupsTab(ctx, options.data!, options.error)
    : options.tab === 'roles' ? rolesTab(ctx, options.data!, options.error)
    : accountsTab(ctx, options.data!, options.error);
  return settingsPage(ctx, {
    title: 'Users',
    current: 'users',
    body: html`${options.notice ? html`<div class="notice" role="status">${options.notice}</div>` : null}
${options.error ? html`<div class="error-banner" role="alert">The change was not saved: see the message under the field.</div>` : null}
<section class="panel">
  <nav class="tabs" aria-label="Users">${tabs.map((t) => html`<a href="/settings/users?tab=${t.tab}"${currentIf(options.tab === t.tab)}>${t.label}</a>`)}</nav>
  ${content}
</section>`,
  });
}
