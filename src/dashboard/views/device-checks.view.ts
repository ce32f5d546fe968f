import type { CheckRow } from '../../checks/check.repository.js';
import { CheckStatus, CLEAR_TYPES } from '../../checks/check-status.js';
import type { CommandRow } from '../../commands/command.repository.js';
import { html, type SafeHtml } from '../html.js';
import { formatTime } from './format.js';
import { csrfField, type PageContext } from './layout.js';

/** What the check actions panel shows after an action: a notice, or a refusal beside its field. */
export type CheckActionsState = {
  notice?: string;
  /** Which form the refusal belongs to, and the message beside its field. */
  error?: { form: CheckActionForm; field?: string; message: string };
  values?: Record<string, string>;
};
export type CheckActionForm = 'clear' | 'note' | 'run';

export type CheckActionsView = { deviceId: number; checks: CheckRow[]; taskRuns: CommandRow[]; state?: CheckActionsState };

const CLEAR_LABELS: Record<(typeof CLEAR_TYPES)[number], string> = {
  untilpasses: 'Until it passes',
  untilnextrun: 'Until its next run',
  untildatetime: 'Until a date and time',
};

const RUN_STATES: Record<string, SafeHtml> = {
  queued: html`<span class="status off">Queued</span>`,
  delivered: html`<span class="status off">Sent to agent</span>`,
  acked: html`<span class="status ok">Done</span>`,
  expired: html`<span class="status fail">Expired</span>`,
};

/** The device page's check actions: clear a failing check, add a note, run a task; then the latest task runs. */
export function checkActionsPanel(ctx: PageContext, view: CheckActionsView): SafeHtml {
  const tz = ctx.user!.timezone;
  const { state = {} } = view;
  const url = `/devices/${view.deviceId}/checks`;
  const failing = view.checks.filter((c) => c.statusid === CheckStatus.fail);
  const descriptionOf = new Map(view.checks.map((c) => [c.id, c.description]));
  const errorOf = (form: CheckActionForm, field: string) =>
    state.error?.form === form && (state.error.field ?? 'checkid') === field ? html`<div class="error" role="alert">${state.error.message}</div>` : null;
  const value = (form: CheckActionForm, field: string) => (state.error?.form === form ? state.values?.[field] ?? '' : '');
  const checkSelect = (form: CheckActionForm, checks: CheckRow[]) => html`<div class="field"><label for="${form}-checkid">Check</label>
    <select id="${form}-checkid" name="checkid">${checks.map((c) => html`<option value="${String(c.id)}"${value(form, 'checkid') === String(c.id) ? html` selected` : null}>${c.description}</option>`)}</select>${errorOf(form, 'checkid')}</div>`;
  const noteFields = (form: CheckActionForm) => html`
    <div class="field"><label for="${form}-private">Private note</label><textarea id="${form}-private" name="private_note" maxlength="2000">${value(form, 'private_note')}</textarea>${errorOf(form, 'private_note')}</div>
    <div class="field"><label for="${form}-public">Public note</label><textarea id="${form}-public" name="public_note" maxlength="2000">${value(form, 'public_note')}</textarea>${errorOf(form, 'public_note')}</div>`;
  return html`
<section class="panel" aria-labelledby="check-actions-title" id="check-actions">
  <h2 id="check-actions-title">Check actions</h2>
  <div class="panel-body">
    ${state.notice ? html`<div class="notice" role="status">${state.notice}</div>` : null}
    ${view.checks.length === 0 ? html`<p class="empty">No checks to act on.</p>` : html`
    <h3>Clear a failing check</h3>
    ${failing.length === 0 ? html`<p class="empty">No check is failing.</p>` : html`<form method="post" action="${url}/clear" hx-push-url="false" novalidate>
      ${csrfField(ctx)}
      ${checkSelect('clear', failing)}
      ${noteFields('clear')}
      <div class="field"><label for="clear-type">Clear</label><select id="clear-type" name="clear_type">${CLEAR_TYPES.map((t) => html`<option value="${t}"${value('clear', 'clear_type') === t ? html` selected` : null}>${CLEAR_LABELS[t]}</option>`)}</select>${errorOf('clear', 'clear_type')}</div>
      <div class="field"><label for="clear-until">Until (for "until a date and time")</label><input type="datetime-local" id="clear-until" name="clear_until" value="${value('clear', 'clear_until')}">${errorOf('clear', 'clear_until')}</div>
      <button class="btn primary" type="submit">Clear check</button>
    </form>`}
    <h3>Add a note</h3>
    <form method="post" action="${url}/note" hx-push-url="false" novalidate>
      ${csrfField(ctx)}
      ${checkSelect('note', view.checks)}
      ${noteFields('note')}
      <button class="btn primary" type="submit">Add note</button>
    </form>
    <h3>Run a task now</h3>
    <form method="post" action="${url}/run" hx-push-url="false" novalidate class="row">
      ${csrfField(ctx)}
      ${checkSelect('run', [...view.checks].sort((a, b) => b.is_task - a.is_task))}
      <button class="btn primary" type="submit">Run now</button>
    </form>`}
    <h3>Task runs</h3>
    ${view.taskRuns.length === 0 ? html`<p class="empty">No task has been run from Sightline.</p>` : html`<table class="grid">
      <thead><tr><th scope="col">Asked</th><th scope="col">Check</th><th scope="col">State</th><th scope="col">Outcome</th><th scope="col">Agent's message</th></tr></thead>
      <tbody>${view.taskRuns.map((r) => {
        const checkId = Number((JSON.parse(r.params) as { checkId?: unknown }).checkId);
        return html`<tr>
        <td class="when">${formatTime(r.created_at, tz)}</td><td>${descriptionOf.get(checkId) ?? `check ${checkId}`}</td>
        <td>${RUN_STATES[r.status] ?? r.status}</td><td>${r.outcome ?? '—'}</td><td class="wrap">${r.message ?? ''}</td>
      </tr>`;
      })}</tbody>
    </table>`}
  </div>
</section>`;
}
