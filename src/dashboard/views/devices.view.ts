import { Permission } from '../../access/permissions.js';
import { DeviceStatus, deviceStatus } from '../../devices/device-status.js';
import type { DeviceType } from '../../devices/device-type.js';
import type { DeviceListRow } from '../../devices/device.repository.js';
import { currentIf, html, type SafeHtml } from '../html.js';
import { formatAgo, formatTime } from './format.js';
import { page, type PageContext } from './layout.js';

export type TreeData = {
  clients: { id: number; name: string; device_count: number; failing_device_count: number }[];
  selectedClientId?: number;
  sites: { id: number; name: string }[];
};

export type DeviceListView = {
  tab: DeviceType;
  client?: { id: number; name: string };
  site?: { id: number; name: string };
  /** `enrolled`: a Sightline agent reports for the device. */
  rows: (DeviceListRow & { enrolled: boolean })[];
  counts: Record<DeviceType, number>;
  /** URL of the next page, if any. */
  nextUrl?: string;
  firstUrl?: string;
  now: number;
};

/** Builds the All Devices URL for a filter; the tree, tabs and pager all link through it. */
export function devicesUrl(q: { tab?: DeviceType; clientId?: number; siteId?: number; after?: string }): string {
  const params = new URLSearchParams();
  if (q.tab && q.tab !== 'server') params.set('tab', q.tab === 'workstation' ? 'workstations' : q.tab);
  if (q.siteId !== undefined) params.set('site', String(q.siteId));
  else if (q.clientId !== undefined) params.set('client', String(q.clientId));
  if (q.after) params.set('after', q.after);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/** The client → site tree; only the selected client is expanded, so the tree stays small. */
export function clientTree(tree: TreeData, selection: { clientId?: number; siteId?: number; tab: DeviceType }): SafeHtml {
  const allSelected = selection.clientId === undefined && selection.siteId === undefined;
  return html`<aside class="sidebar" aria-label="Clients and sites">
  <h2 id="tree-title">Clients</h2>
  <ul class="tree" aria-labelledby="tree-title">
    <li><a href="${devicesUrl({ tab: selection.tab })}"${currentIf(allSelected)}><span class="twisty" aria-hidden="true"></span><span class="name">All Devices</span></a></li>
    ${tree.clients.map((client) => {
      const expanded = client.id === tree.selectedClientId;
      return html`<li>
      <a href="${devicesUrl({ tab: selection.tab, clientId: client.id })}"${currentIf(expanded && selection.siteId === undefined)}
        aria-expanded="${expanded ? 'true' : 'false'}">
        <span class="twisty" aria-hidden="true">${expanded ? '▾' : '▸'}</span>
        <span class="dot${client.failing_device_count > 0 ? ' fail' : ''}" aria-hidden="true"></span>
        <span class="name">${client.name}</span>
        <span class="count" title="Devices">${client.device_count}</span>
      </a>
      ${expanded && html`<ul class="sites">${tree.sites.map(
        (site) => html`<li><a href="${devicesUrl({ tab: selection.tab, siteId: site.id })}"${currentIf(selection.siteId === site.id)}><span class="name">${site.name}</span></a></li>`,
      )}</ul>`}
    </li>`;
    })}
  </ul>
  ${tree.clients.length === 0 && html`<p class="empty">Your client group has no clients.</p>`}
</aside>`;
}

/** The site's settings page: Download agent and its enrolment tokens. */
export function siteUrl(siteId: number): string {
  return `/sites/${siteId}`;
}

/** Marks a device a Sightline agent reports for (enrolled through a site's package), beside its name. */
export const AGENT_BADGE = html`<span class="badge" title="Reports through the Sightline agent">Agent</span>`;

/**
 * The health of a device in one word, as the list and the device page show it: the device status rule of
 * the API (src/devices/device-status.ts), in the dashboard's own words.
 */
export function deviceStatusBadge(d: Pick<DeviceListRow, 'offline_reason' | 'overdue_since'>, failingChecks: number, now: number): SafeHtml {
  switch (deviceStatus(d, failingChecks)) {
    case DeviceStatus.failed: return html`<span class="status fail">Failing</span>`;
    case DeviceStatus.overdue: return html`<span class="status warn" title="Overdue for ${formatAgo(d.overdue_since, now).replace(' ago', '')}">Overdue</span>`;
    case DeviceStatus.offline: return html`<span class="status off" title="${d.offline_reason}">Offline</span>`;
    case DeviceStatus.ok: return html`<span class="status ok">OK</span>`;
  }
}

export function devicesPage(ctx: PageContext, tree: SafeHtml, view: DeviceListView): string {
  const tz = ctx.user!.timezone;
  const tabs: { type: DeviceType; label: string }[] = [
    { type: 'server', label: 'Servers' },
    { type: 'workstation', label: 'Workstations' },
  ];
  const scopeTitle = view.site ? view.site.name : view.client ? view.client.name : 'All Devices';
  const body = html`
<div class="page-head">
  <div>
    <div class="crumbs">${view.client
      ? html`<a href="${devicesUrl({ tab: view.tab })}">All Devices</a> / ${view.site ? html`<a href="${devicesUrl({ tab: view.tab, clientId: view.client.id })}">${view.client.name}</a> / ` : null}`
      : 'Fleet overview'}</div>
    <h1>${scopeTitle}</h1>
  </div>
  ${view.site && ctx.user!.actor.permissions.has(Permission.siteInstallationPackage) ? html`<a class="btn" href="${siteUrl(view.site.id)}">Site settings</a>` : null}
</div>
<section class="panel" aria-labelledby="device-list-title">
  <h2 id="device-list-title" class="skip">Devices</h2>
  <nav class="tabs" aria-label="Device type">
    ${tabs.map((t) => html`<a href="${devicesUrl({ tab: t.type, clientId: view.client?.id, siteId: view.site?.id })}"${currentIf(view.tab === t.type)}>${t.label}<span class="badge">${view.counts[t.type]}</span></a>`)}
  </nav>
  ${view.rows.length === 0
    ? html`<div class="empty">No ${view.tab === 'server' ? 'servers' : 'workstations'} here.</div>`
    : html`<table class="grid">
    <thead><tr>
      <th scope="col">Status</th><th scope="col">Device</th>${view.site ? null : html`<th scope="col">Client / Site</th>`}
      <th scope="col">Operating system</th><th scope="col" class="num">Failing checks</th>
      <th scope="col">Last response</th><th scope="col">Last boot</th>
    </tr></thead>
    <tbody>
    ${view.rows.map((d) => html`<tr>
      <td>${deviceStatusBadge(d, d.failing_checks, view.now)}</td>
      <td><a href="/devices/${d.id}">${d.name}</a>${d.enrolled ? html` ${AGENT_BADGE}` : null}<div class="subtle">${d.description}</div></td>
      ${view.site ? null : html`<td>${d.client_name}<div class="subtle">${d.site_name}</div></td>`}
      <td>${d.os}</td>
      <td class="num">${d.failing_checks > 0 ? html`<span class="failcount">${d.failing_checks}</span>` : '0'} <span class="subtle">/ ${d.total_checks}</span></td>
      <td title="${formatTime(d.last_response_at, tz)}">${formatAgo(d.last_response_at, view.now)}${d.overdue_since !== null ? html`<div class="subtle">overdue since ${formatTime(d.overdue_since, tz)}</div>` : null}${d.offline_reason ? html`<div class="subtle">${d.offline_reason}</div>` : null}</td>
      <td class="when">${formatTime(d.last_boot_at, tz)}</td>
    </tr>`)}
    </tbody>
  </table>`}
  <div class="pager">
    <span>${view.counts[view.tab]} ${view.tab === 'server' ? 'servers' : 'workstations'}, ${view.rows.length} shown, by name</span>
    <span class="links">
      ${view.firstUrl ? html`<a class="btn small" href="${view.firstUrl}">First page</a>` : null}
      ${view.nextUrl ? html`<a class="btn small" href="${view.nextUrl}" rel="next">Next page</a>` : null}
    </span>
  </div>
</section>`;
  return page(ctx, { title: scopeTitle, section: 'devices', body, sidebar: tree });
}
