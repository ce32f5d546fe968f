import { PATCH_POLICY_LABELS, PATCH_STATUS_LABELS, PatchPolicy, PatchStatus } from '../../patches/patch-codes.js';
import type { DevicePatchRow } from '../device-patches.service.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, type PageContext } from './layout.js';

const STATUS_CLASS: Record<number, string> = { [PatchStatus.installed]: 'ok', [PatchStatus.failed]: 'fail' };
const APPROVED: ReadonlySet<number> = new Set([PatchPolicy.approve, PatchPolicy.userApprove]);
const IGNORED: ReadonlySet<number> = new Set([PatchPolicy.ignore, PatchPolicy.userIgnore]);

/** One action button: a form posting the patch id, which answers with the device page again. */
function actionForm(ctx: PageContext, deviceId: number, patch: DevicePatchRow, action: 'approve' | 'ignore', label: string): SafeHtml {
  return html`<form method="post" action="/devices/${deviceId}/patches/${action}" class="inline-form">${csrfField(ctx)}<input type="hidden" name="patchid" value="${patch.id}">
    <button class="btn small" type="submit" aria-label="${label} ${patch.title}">${label}</button></form>`;
}

/**
 * The device page's Patches panel: each patch's status and policy, the latest reprocess/retry command
 * with the agent's answer (its reason when unsupported or failed), and Approve / Ignore buttons.
 */
export function devicePatchesPanel(ctx: PageContext, deviceId: number, patches: readonly DevicePatchRow[]): SafeHtml {
  const tz = ctx.user!.timezone;
  return html`<section class="panel" id="patches" aria-labelledby="patches-title">
  <h2 id="patches-title">Patches <span class="badge">${patches.length}</span></h2>
  ${patches.length === 0 ? html`<div class="empty">No patches reported.</div>` : html`<table class="grid">
    <thead><tr><th scope="col">Status</th><th scope="col">Patch</th><th scope="col">Product</th><th scope="col">Policy</th><th scope="col">Last command</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
    <tbody>${patches.map((p) => html`<tr>
      <td><span class="status ${STATUS_CLASS[p.status] ?? 'off'}">${PATCH_STATUS_LABELS[p.status] ?? p.status}</span></td>
      <td class="wrap">${p.title}</td>
      <td>${p.product}</td>
      <td>${PATCH_POLICY_LABELS[p.policy] ?? p.policy}${p.policy >= PatchPolicy.userIgnore ? html` <span class="subtle">(set by a user)</span>` : null}</td>
      <td class="wrap">${p.command ? html`${p.command.kind} <strong>${p.command.state}</strong> <span class="subtle">${formatTime(p.command.at, tz)}</span>${p.command.message ? html`<div class="subtle">${p.command.message}</div>` : null}` : '—'}</td>
      <td>${APPROVED.has(p.policy) ? null : actionForm(ctx, deviceId, p, 'approve', 'Approve')}${IGNORED.has(p.policy) ? null : actionForm(ctx, deviceId, p, 'ignore', 'Ignore')}</td>
    </tr>`)}</tbody>
  </table>`}
</section>`;
}
