import type { CheckRow } from '../../checks/check.repository.js';
import { CheckFrequency, type CheckState, CheckStatus, checkState } from '../../checks/check-status.js';
import type { DeviceRow } from '../../devices/device.repository.js';
import type { DevicePatchRow } from '../device-patches.service.js';
import { html, type SafeHtml } from '../html.js';
import { devicePatchesPanel } from './device-patches.view.js';
import { AGENT_BADGE, deviceStatusBadge, devicesUrl } from './devices.view.js';
import { mavPanelSlot } from './device-mav.view.js';
import { checkActionsPanel, type CheckActionsState } from './device-checks.view.js';
import type { CommandRow } from '../../commands/command.repository.js';
import { formatAgo, formatTime } from './format.js';
import { page, type PageContext } from './layout.js';

export type DeviceDetail = {
  device: DeviceRow;
  client?: { id: number; name: string };
  site?: { id: number; name: string };
  checks: CheckRow[];
  outages: { id: number; reason: string; started_at: number; ended_at: number | null; cause: string; check_description: string | null }[];
  notes: { id: number; created_at: number; private_note: string; public_note: string; check_description: string }[];
  patches: readonly DevicePatchRow[];
  /** A Sightline agent reports for the device. */
  enrolled: boolean;
  now: number;
  /** The latest task runs (run_check commands) and what the last check action answered. */
  taskRuns: CommandRow[];
  checkActions?: CheckActionsState;
};

const CHECK_BADGES: Record<CheckState, SafeHtml> = {
  pass: html`<span class="status ok">Passed</span>`,
  fail: html`<span class="status fail">Failed</span>`,
  cleared: html`<span class="status off">Cleared</span>`,
  notRun: html`<span class="status off">Not run</span>`,
};

const REASONS: Record<string, string> = { DEVICE_OVERDUE: 'Device overdue', CHECK_FAILURE: 'Check failure' };

export function devicePage(ctx: PageContext, tree: SafeHtml, detail: DeviceDetail): string {
  const tz = ctx.user!.timezone;
  const { device: d, now } = detail;
  const failing = detail.checks.filter((c) => c.statusid === CheckStatus.fail).length;
  const tab = d.device_type === 'workstation' ? 'workstation' : 'server';
  const body = html`
<div class="page-head">
  <div>
    <div class="crumbs"><a href="${devicesUrl({ tab })}">All Devices</a>
      ${detail.client && html` / <a href="${devicesUrl({ tab, clientId: detail.client.id })}">${detail.client.name}</a>`}
      ${detail.site && html` / <a href="${devicesUrl({ tab, siteId: detail.site.id })}">${detail.site.name}</a>`}</div>
    <h1>${d.name} ${deviceStatusBadge(d, failing, now)}</h1>
    <div class="subtle">${d.description}</div>
  </div>
</div>
<section class="panel" aria-labelledby="facts-title">
  <h2 id="facts-title">Overview</h2>
  <div class="panel-body">
    <dl class="facts">
      <div><dt>Type</dt><dd>${d.device_type === 'server' ? 'Server' : d.device_type === 'workstation' ? 'Workstation' : 'Mobile device'}</dd></div>
      <div><dt>Operating system</dt><dd>${d.os}<div class="subtle">${d.os_details}</div></dd></div>
      <div><dt>Last response</dt><dd>${formatTime(d.last_response_at, tz)} <span class="subtle">(${formatAgo(d.last_response_at, now)})</span></dd></div>
      <div><dt>Last boot</dt><dd>${formatTime(d.last_boot_at, tz)}</dd></div>
      ${d.overdue_since !== null ? html`<div><dt>Overdue since</dt><dd>${formatTime(d.overdue_since, tz)}</dd></div>` : null}
      ${d.offline_reason ? html`<div><dt>Offline</dt><dd>${d.offline_reason}</dd></div>` : null}
      <div><dt>Logged-on user</dt><dd>${d.username || '—'}</dd></div>
      <div><dt>IP address</dt><dd>${d.ip} <span class="subtle">/ ${d.external_ip}</span></dd></div>
      <div><dt>Hardware</dt><dd>${d.manufacturer} ${d.model}</dd></div>
      <div><dt>Agent version</dt><dd>${d.agent_version.replace(/_/g, '.')}${detail.enrolled ? html` ${AGENT_BADGE}` : null}</dd></div>
    </dl>
  </div>
</section>
<section class="panel" aria-labelledby="checks-title">
  <h2 id="checks-title">Checks <span class="badge">${detail.checks.length}</span> ${failing > 0 ? html`<span class="status fail">${failing} failing</span>` : null}</h2>
  ${detail.checks.length === 0 ? html`<div class="empty">No checks configured.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Status</th><th scope="col">Check</th><th scope="col">Frequency</th><th scope="col">Output</th><th scope="col" class="num">Consecutive fails</th><th scope="col">Last run</th></tr></thead>
    <tbody>${detail.checks.map((c) => html`<tr>
      <td>${CHECK_BADGES[checkState(c.statusid)]}</td>
      <td>${c.description}</td>
      <td>${c.dsc_247 === CheckFrequency.dsc ? 'Daily Safety Check' : '24x7'}</td>
      <td class="wrap">${c.formatted_output}</td>
      <td class="num">${c.consecutive_fails}</td>
      <td class="when">${formatTime(c.last_run_at, tz)}</td>
    </tr>`)}</tbody>
  </table>`}
</section>
${checkActionsPanel(ctx, { deviceId: d.id, checks: detail.checks, taskRuns: detail.taskRuns, state: detail.checkActions })}
<section class="panel" aria-labelledby="outages-title">
  <h2 id="outages-title">Outages <span class="subtle">(open, or closed in the last 30 days)</span></h2>
  ${detail.outages.length === 0 ? html`<div class="empty">No outages.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Reason</th><th scope="col">Check</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Cause</th></tr></thead>
    <tbody>${detail.outages.map((o) => html`<tr>
      <td>${o.ended_at === null ? html`<span class="status fail">Open</span> ` : null}${REASONS[o.reason] ?? o.reason}</td>
      <td>${o.check_description ?? '—'}</td>
      <td class="when">${formatTime(o.started_at, tz)}</td>
      <td>${o.ended_at === null ? 'ongoing' : formatTime(o.ended_at, tz)}</td>
      <td class="wrap">${o.cause}</td>
    </tr>`)}</tbody>
  </table>`}
</section>
${devicePatchesPanel(ctx, d.id, detail.patches)}
<section class="panel" aria-labelledby="notes-title">
  <h2 id="notes-title">Notes</h2>
  ${detail.notes.length === 0 ? html`<div class="empty">No notes.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Added</th><th scope="col">Check</th><th scope="col">Public note</th><th scope="col">Private note</th></tr></thead>
    <tbody>${detail.notes.map((n) => html`<tr>
      <td class="when">${formatTime(n.created_at, tz)}</td><td>${n.check_description}</td><td class="wrap">${n.public_note}</td><td class="wrap">${n.private_note}</td>
    </tr>`)}</tbody>
  </table>`}
</section>
${mavPanelSlot(d.id)}`;
  return page(ctx, { title: d.name, section: 'devices', body, sidebar: tree });
}

/** The page for an id that does not exist or lies outside the user's client group (the two look alike). */
export function notFoundPage(ctx: PageContext, what: string): string {
  return page(ctx, {
    title: 'Not found',
    section: 'devices',
    body: html`<div class="panel"><div class="panel-body"><h1>Not found</h1><p>This ${what} does not exist, or is not in your client group.</p><a class="btn" href="/">Back to All Devices</a></div></div>`,
  });
}
