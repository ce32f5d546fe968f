import type { CommandRow } from '../../commands/command.repository.js';
import type { DeviceRow } from '../../devices/device.repository.js';
import { MavCommandKind } from '../../mav/mav-action.service.js';
import type { MavScanRow } from '../../mav/mav.repository.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, page, type PageContext } from './layout.js';

export type MavPanelData = { device: DeviceRow; scans: MavScanRow[]; commands: CommandRow[] };
/** After Start a scan: what was queued, or why not. */
export type MavPanelState = { notice?: string; error?: string };

const ACTIONS: Record<string, string> = {
  [MavCommandKind.scanStart]: 'Start scan', [MavCommandKind.scanPause]: 'Pause scan', [MavCommandKind.scanResume]: 'Resume scan',
  [MavCommandKind.scanCancel]: 'Cancel scan', [MavCommandKind.quarantineRelease]: 'Release from quarantine',
  [MavCommandKind.quarantineRemove]: 'Delete from quarantine', [MavCommandKind.definitionsUpdate]: 'Update definitions',
};

/** A command's state as people read it: waiting, done, or what went wrong (failed, unsupported, expired). */
function commandStatus(c: CommandRow): SafeHtml {
  if (c.status === 'queued') return html`<span class="status off">Queued</span>`;
  if (c.status === 'delivered') return html`<span class="status off">Sent to agent</span>`;
  if (c.status === 'expired') return html`<span class="status fail">Expired</span>`;
  if (c.outcome === 'succeeded') return html`<span class="status ok">Done</span>`;
  return html`<span class="status fail">${c.outcome === 'unsupported' ? 'Unsupported' : 'Failed'}</span>`;
}

const panelUrl = (deviceId: number) => `/devices/${deviceId}/mav`;

/**
 * The device page's one line for this panel: htmx loads it in place; without JavaScript, a link to the
 * panel on a page of its own.
 */
export function mavPanelSlot(deviceId: number): SafeHtml {
  return html`<section class="panel" id="mav-panel" aria-labelledby="mav-title" hx-get="${panelUrl(deviceId)}" hx-trigger="load" hx-swap="outerHTML">
  <h2 id="mav-title">Managed Antivirus</h2>
  <div class="panel-body"><a href="${panelUrl(deviceId)}">Scans and actions</a></div>
</section>`;
}

/** The panel: Start a scan, the newest scans, and the newest MAV commands with the agent's outcome. */
export function mavPanel(ctx: PageContext, data: MavPanelData, state: MavPanelState = {}): SafeHtml {
  const tz = ctx.user!.timezone;
  const url = `${panelUrl(data.device.id)}/scan`;
  return html`<section class="panel" id="mav-panel" aria-labelledby="mav-title">
  <h2 id="mav-title">Managed Antivirus</h2>
  <div class="panel-body">
    <form method="post" action="${url}" hx-post="${url}" hx-target="#mav-panel" hx-swap="outerHTML" class="inline-form">
      ${csrfField(ctx)}
      <button type="submit" class="btn">Start a quick scan</button>
    </form>
    ${state.notice ? html`<div class="notice" role="status">${state.notice}</div>` : null}
    ${state.error ? html`<div class="error" role="alert">${state.error}</div>` : null}
  </div>
  <h3>Scans</h3>
  ${data.scans.length === 0 ? html`<div class="empty">No scans in the last year.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Scan</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col" class="num">Files</th></tr></thead>
    <tbody>${data.scans.map((s) => html`<tr>
      <td>${s.kind}</td><td>${s.state}</td><td class="when">${formatTime(s.started_at, tz)}</td><td class="when">${formatTime(s.ended_at, tz)}</td><td class="num">${s.files_scanned}</td>
    </tr>`)}</tbody>
  </table>`}
  <h3>Actions sent to the agent</h3>
  ${data.commands.length === 0 ? html`<div class="empty">No actions yet.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Action</th><th scope="col">Asked</th><th scope="col">Status</th><th scope="col">Agent's answer</th></tr></thead>
    <tbody>${data.commands.map((c) => html`<tr>
      <td>${ACTIONS[c.kind] ?? c.kind}</td><td class="when">${formatTime(c.created_at, tz)}</td><td>${commandStatus(c)}</td>
      <td class="wrap">${c.status === 'expired' ? 'Not acknowledged in time' : c.message}</td>
    </tr>`)}</tbody>
  </table>`}
</section>`;
}

/** The panel on a page of its own (no JavaScript, or a direct link), under the device's name. */
export function mavPage(ctx: PageContext, data: MavPanelData, state: MavPanelState = {}): string {
  const d = data.device;
  const body = html`<div class="page-head"><div><div class="crumbs"><a href="/devices/${d.id}">${d.name}</a></div><h1>${d.name} · Managed Antivirus</h1></div></div>${mavPanel(ctx, data, state)}`;
  return page(ctx, { title: `${d.name} · Managed Antivirus`, section: 'devices', body });
}
